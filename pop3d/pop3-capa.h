/* The CAPA response (RFC 2449 §5, RFC 5034 SASL, RFC 2595 STLS, RFC 6856 UTF8), in Courier's order. */
#ifndef HATO_POP3_CAPA_H
#define HATO_POP3_CAPA_H

#include "buf.h"

/* Append the whole multi-line CAPA response to out. sasl_mechs: space-separated mechanisms
 * usable right now (NULL or "" = no SASL line); stls: STLS may be issued now; user: USER/PASS
 * may be used now. */
void pop3_capa_build(struct buf *out, const char *sasl_mechs, int stls, int user);

#endif
