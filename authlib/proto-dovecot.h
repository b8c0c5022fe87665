/* Dovecot's authentication client protocol (server side) as a pure codec: the handshake the
 * server sends, client lines parsed into commands, replies formatted with Dovecot's escaping. */
#ifndef HATO_PROTO_DOVECOT_H
#define HATO_PROTO_DOVECOT_H

#include "buf.h"

#include <stddef.h>

#define PROTO_DOVECOT_MAX_LINE 16384

enum proto_dovecot_cmd_type {
	PROTO_DOVECOT_VERSION,
	PROTO_DOVECOT_CPID,
	PROTO_DOVECOT_AUTH,
	PROTO_DOVECOT_CONT,
};

struct proto_dovecot_cmd {
	enum proto_dovecot_cmd_type type;
	unsigned major;      /* VERSION */
	unsigned long id;    /* AUTH, CONT */
	char *mech;          /* AUTH */
	char *service;       /* AUTH service= (required) */
	char *rip, *lip;     /* AUTH rip= lip=, or NULL */
	int secured;         /* AUTH secured */
	int has_resp;        /* AUTH resp= given */
	char *data;          /* AUTH resp= / CONT data (base64 text) */
};

/* The server's greeting: VERSION, one MECH line per mechanism, SPID, CUID, COOKIE, DONE. */
void proto_dovecot_handshake(struct buf *out, const char *const *mechs,
			     const unsigned *plaintext, size_t n, unsigned long pid,
			     unsigned long cuid, const char *cookie);

/* Parse one line without its "\n". Returns 0, or -1 with *error_r for an unknown or
 * malformed command (the caller closes the connection, as Dovecot does). */
int proto_dovecot_parse(const char *line, size_t len, struct proto_dovecot_cmd *cmd,
			const char **error_r);
void proto_dovecot_cmd_clear(struct proto_dovecot_cmd *cmd);

/* Append value with Dovecot's escaping (\001 -> \0011, TAB -> \001t, LF -> \001n). */
void proto_dovecot_escape(struct buf *out, const char *value);

#endif
