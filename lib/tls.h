/* The TLS wrapper (GnuTLS): the only TLS code in Hato, built as its own library
 * (lib/libhatotls.la) so that only the programs that do TLS (login children, test tools) map
 * GnuTLS; imapd, pop3d and hato-tcpd never link it (DESIGN.md §2, §7).
 *
 * Settings come from Courier's variables (courier-formats §3.4):
 *   TLS_CERTFILE          PEM with the private key and the certificate chain (or the key in
 *                         TLS_PRIVATE_KEYFILE); the default certificate
 *   TLS_CERTFILE_<n>      more certificates (n = 1, 2, ...), picked by GnuTLS when the
 *                         client's SNI name matches one of their names
 *   TLS_CERTFILE.<name>   Courier's convention: the certificate for SNI server name <name>
 *   TLS_PRIORITY          GnuTLS priority string; default TLS_DEFAULT_PRIORITY (1.2 and 1.3 only)
 *   TLS_DHPARAMS          PKCS#3 PEM DH parameters (else GnuTLS's known parameters)
 *   TLS_TICKET_KEYFILE    (Hato) file holding the session-ticket key, created 0600 on first
 *                         use, so sessions resume across the per-connection processes
 *   TLS_TIMEOUT           handshake timeout in seconds (default 60)
 *
 * STARTTLS contract (the CVE-2011-0411 class): tls_server_start() reads only from the socket.
 * A caller that has buffered plaintext input from the client (bytes that arrived after the
 * STARTTLS/STLS command line) MUST discard that buffer before calling it, and must never
 * treat those bytes as commands inside the TLS session. */
#ifndef HATO_TLS_H
#define HATO_TLS_H

#include <stddef.h>
#include <sys/types.h>

#define TLS_DEFAULT_PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:%SERVER_PRECEDENCE"
#define TLS_DEFAULT_TIMEOUT_SECS 60

struct tls_server;
struct tls_session;

/* A server context from the environment variables above (getenv). Returns 0, or -1 with
 * *error_r (valid until the next call) when a file cannot be loaded or a setting is bad. */
int tls_server_new_from_env(struct tls_server **server_r, const char **error_r);
void tls_server_free(struct tls_server *server);
/* Reads every file the settings above name (and creates TLS_TICKET_KEYFILE when missing) into
 * memory, without parsing them: a later tls_server_new_from_env() in the same process uses these
 * bytes instead of the paths. For a login child that chroots before it knows whether the
 * client will ask for STARTTLS: a plaintext connection then never parses a certificate or a
 * key. Returns 0, or -1 with *error_r when a file cannot be read. */
int tls_server_preload_env(const char **error_r);

/* Handshake as server on the client connection (fd_in for reading, fd_out for writing; the
 * same socket twice, or 0 and 1), within the TLS_TIMEOUT. Reads nothing but the handshake
 * from fd_in (see the STARTTLS contract above). Returns 0, or -1 with *error_r. */
int tls_server_start(struct tls_server *server, int fd_in, int fd_out,
		     struct tls_session **session_r, const char **error_r);
/* Sends close_notify (best effort) and frees. */
void tls_session_free(struct tls_session *session);

/* Record I/O: bytes (0 = clean close by the peer) or -1 on error. */
ssize_t tls_read(struct tls_session *session, void *buf, size_t n);
int tls_write(struct tls_session *session, const void *buf, size_t n);

/* The SNI host name the client sent, or NULL. */
const char *tls_session_server_name(const struct tls_session *session);
/* "TLS1.3" etc. */
const char *tls_session_protocol(const struct tls_session *session);
/* 1 if this handshake resumed an earlier session. */
int tls_session_resumed(const struct tls_session *session);

/* Relay between the TLS client and plain_fd (a socketpair to the plaintext program) until
 * the program closes: the client's end of sending (close_notify or EOF) becomes
 * shutdown(plain_fd, SHUT_WR) and relaying continues the other way; plain_fd's EOF ends the
 * proxy (the caller's tls_session_free sends close_notify). Returns 0 on an orderly end, -1 on
 * an error. */
int tls_proxy(struct tls_session *session, int plain_fd);

#endif
