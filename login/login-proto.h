/* The framed protocol between a login child (L, unprivileged, talks to the client) and its
 * parent (P, root, authenticates): pure encoding and decoding, no I/O. A frame is
 *   type (1 octet) | payload length (2 octets, big-endian) | payload
 * and the payload is a sequence of fields, each length (2 octets, big-endian) | bytes. The
 * parent checks every frame against what it expects next and trusts nothing else L says. */
#ifndef HATO_LOGIN_PROTO_H
#define HATO_LOGIN_PROTO_H

#include "buf.h"

#include <stddef.h>
#include <stdint.h>

/* Longest payload; SASL lines are bounded far below by the protocol parsers (RFC 5034: 255
 * octets per line; the pre-auth line limit is smaller than this). */
#define LOGIN_PROTO_MAX_PAYLOAD 16384
#define LOGIN_PROTO_HEADER 3
#define LOGIN_PROTO_MAX_FIELDS 4

enum login_proto_type {
	/* L -> P */
	LOGIN_MSG_AUTH_START = 1, /* mech, initial ("" = none, else "=" or base64), secured "0"/"1" */
	LOGIN_MSG_AUTH_CONTINUE,  /* the client's base64 response line */
	LOGIN_MSG_AUTH_CANCEL,	  /* no fields */
	LOGIN_MSG_USERPASS,	  /* user, pass, secured */
	LOGIN_MSG_APOP,		  /* user, timestamp, digest (hex), secured */
	LOGIN_MSG_HANDOFF,	  /* pipelined bytes, tls "0"/"1", utf8 "0"/"1"; sent with an fd */
	/* P -> L */
	LOGIN_MSG_CHALLENGE = 64, /* base64 challenge ("" allowed) */
	LOGIN_MSG_OK,		  /* user name as authenticated */
	LOGIN_MSG_FAIL,		  /* kind ("fail", "temp", "refused"), refusal line (for refused) */
};

struct login_proto_field {
	const char *data; /* points into the decoded buffer; NOT NUL-terminated */
	size_t len;
};

struct login_proto_msg {
	enum login_proto_type type;
	unsigned int nfields;
	struct login_proto_field fields[LOGIN_PROTO_MAX_FIELDS];
};

/* Append one frame with nfields fields (strings, NUL-terminated, each < 65536 octets). The
 * caller keeps the total under LOGIN_PROTO_MAX_PAYLOAD; longer frames abort the process (they
 * are programming errors, inputs are bounded before they get here). */
void login_proto_encode(struct buf *out, enum login_proto_type type, const char *const *fields,
			unsigned int nfields);

/* Decode the first frame of data[0..len). Returns 1 with *msg_r and *consumed_r (the frame's
 * size), 0 when more bytes are needed, -1 with *error_r for a malformed frame: unknown type,
 * payload over the limit, field overrunning the payload, more than LOGIN_PROTO_MAX_FIELDS, or a
 * field count other than the type's. */
int login_proto_decode(const uint8_t *data, size_t len, struct login_proto_msg *msg_r,
		       size_t *consumed_r, const char **error_r);

/* A field as a malloc'd NUL-terminated string; NULL if it contains a NUL octet. */
char *login_proto_field_dup(const struct login_proto_field *f);
/* 1 if the field equals s exactly. */
int login_proto_field_is(const struct login_proto_field *f, const char *s);

#endif
