/* Encoding and decoding of the login child <-> parent frames (login-proto.h). */
#include "login-proto.h"

#include "log.h"
#include "xalloc.h"

#include <string.h>

static const struct {
	enum login_proto_type type;
	unsigned int nfields;
} login_proto_types[] = {
	{ LOGIN_MSG_AUTH_START, 3 }, { LOGIN_MSG_AUTH_CONTINUE, 1 }, { LOGIN_MSG_AUTH_CANCEL, 0 },
	{ LOGIN_MSG_USERPASS, 3 },   { LOGIN_MSG_APOP, 4 },	     { LOGIN_MSG_HANDOFF, 3 },
	{ LOGIN_MSG_CHALLENGE, 1 },  { LOGIN_MSG_OK, 1 },	     { LOGIN_MSG_FAIL, 2 },
};

/* The field count of a type, or -1 if the type is unknown. */
static int login_proto_nfields(unsigned int type)
{
	for (size_t i = 0; i < sizeof(login_proto_types) / sizeof(login_proto_types[0]); i++) {
		if ((unsigned int)login_proto_types[i].type == type)
			return (int)login_proto_types[i].nfields;
	}
	return -1;
}

void login_proto_encode(struct buf *out, enum login_proto_type type, const char *const *fields,
			unsigned int nfields)
{
	size_t total = 0;

	for (unsigned int i = 0; i < nfields; i++)
		total += 2 + strlen(fields[i]);
	if (total > LOGIN_PROTO_MAX_PAYLOAD)
		fatalx("login frame of %zu octets exceeds the limit", total);
	buf_putc(out, (char)type);
	buf_putc(out, (char)(total >> 8));
	buf_putc(out, (char)(total & 0xff));
	for (unsigned int i = 0; i < nfields; i++) {
		size_t n = strlen(fields[i]);

		buf_putc(out, (char)(n >> 8));
		buf_putc(out, (char)(n & 0xff));
		buf_append(out, fields[i], n);
	}
}

int login_proto_decode(const uint8_t *data, size_t len, struct login_proto_msg *msg_r,
		       size_t *consumed_r, const char **error_r)
{
	size_t payload, pos;
	int want;

	if (len < 1)
		return 0;
	want = login_proto_nfields(data[0]);
	if (want < 0) {
		*error_r = "unknown frame type";
		return -1;
	}
	if (len < LOGIN_PROTO_HEADER)
		return 0;
	payload = ((size_t)data[1] << 8) | data[2];
	if (payload > LOGIN_PROTO_MAX_PAYLOAD) {
		*error_r = "frame too long";
		return -1;
	}
	if (len < LOGIN_PROTO_HEADER + payload)
		return 0;
	memset(msg_r, 0, sizeof(*msg_r));
	msg_r->type = (enum login_proto_type)data[0];
	pos = LOGIN_PROTO_HEADER;
	while (pos < LOGIN_PROTO_HEADER + payload) {
		size_t flen;

		if (msg_r->nfields == LOGIN_PROTO_MAX_FIELDS) {
			*error_r = "too many fields";
			return -1;
		}
		if (LOGIN_PROTO_HEADER + payload - pos < 2) {
			*error_r = "truncated field length";
			return -1;
		}
		flen = ((size_t)data[pos] << 8) | data[pos + 1];
		pos += 2;
		if (flen > LOGIN_PROTO_HEADER + payload - pos) {
			*error_r = "field overruns the frame";
			return -1;
		}
		msg_r->fields[msg_r->nfields].data = (const char *)data + pos;
		msg_r->fields[msg_r->nfields].len = flen;
		msg_r->nfields++;
		pos += flen;
	}
	if (msg_r->nfields != (unsigned int)want) {
		*error_r = "wrong number of fields";
		return -1;
	}
	*consumed_r = LOGIN_PROTO_HEADER + payload;
	return 1;
}

char *login_proto_field_dup(const struct login_proto_field *f)
{
	if (memchr(f->data, '\0', f->len) != NULL)
		return NULL;
	return xstrndup(f->data, f->len);
}

int login_proto_field_is(const struct login_proto_field *f, const char *s)
{
	return f->len == strlen(s) && memcmp(f->data, s, f->len) == 0;
}
