/* Internals shared by lib/tls.c and lib/tls-proxy.c only. */
#ifndef HATO_TLS_PRIVATE_H
#define HATO_TLS_PRIVATE_H

#include "tls.h"

/* 1 if decrypted bytes are buffered inside GnuTLS (poll() on the socket would not see them). */
int tls_session_pending(const struct tls_session *session);
/* The socket the session reads from. */
int tls_session_fd(const struct tls_session *session);

#endif
