/* authdaemond's side of the Dovecot auth client protocol: per-connection SASL sessions keyed by
 * the client's request id, answered from the backend chain (no I/O). */
#ifndef HATO_AUTHD_DOVECOT_H
#define HATO_AUTHD_DOVECOT_H

#include "auth-chain.h"
#include "buf.h"

struct authd_dovecot_conn;

struct authd_dovecot_conn *authd_dovecot_conn_new(struct auth_chain *chain,
						  const char *hostname);
void authd_dovecot_conn_free(struct authd_dovecot_conn *dc);
/* The greeting to send when the connection opens. */
void authd_dovecot_handshake(struct buf *out, unsigned long pid, unsigned long cuid);
/* Handle one client line (without "\n"), appending replies to out. *failed_r is set when a
 * reply is an authentication failure (delay it), *rip_r to the remote IP it concerns.
 * Returns -1 to close the connection (protocol error). */
int authd_dovecot_line(struct authd_dovecot_conn *dc, const char *line, size_t len,
		       struct buf *out, int *failed_r, char **rip_r);

#endif
