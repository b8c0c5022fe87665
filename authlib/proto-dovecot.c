/* Dovecot auth client protocol codec ("VERSION 1 2", MECH/SPID/CUID/COOKIE/DONE; client AUTH
 * and CONT), after Dovecot's documented design; TAB-separated, one command per line. */
#include "config.h"
#include "proto-dovecot.h"
#include "xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void proto_dovecot_escape(struct buf *out, const char *value)
{
	for (; *value != '\0'; value++) {
		switch (*value) {
		case '\001':
			buf_puts(out, "\0011");
			break;
		case '\t':
			buf_puts(out, "\001t");
			break;
		case '\n':
			buf_puts(out, "\001n");
			break;
		default:
			buf_putc(out, *value);
		}
	}
}

void proto_dovecot_handshake(struct buf *out, const char *const *mechs,
			     const unsigned *plaintext, size_t n, unsigned long pid,
			     unsigned long cuid, const char *cookie)
{
	buf_puts(out, "VERSION\t1\t2\n");
	for (size_t i = 0; i < n; i++)
		buf_printf(out, "MECH\t%s%s\n", mechs[i], plaintext[i] ? "\tplaintext" : "");
	buf_printf(out, "SPID\t%lu\nCUID\t%lu\nCOOKIE\t%s\nDONE\n", pid, cuid, cookie);
}

void proto_dovecot_cmd_clear(struct proto_dovecot_cmd *cmd)
{
	free(cmd->mech);
	free(cmd->service);
	free(cmd->rip);
	free(cmd->lip);
	if (cmd->data != NULL)
		secure_zero(cmd->data, strlen(cmd->data));
	free(cmd->data);
	memset(cmd, 0, sizeof(*cmd));
}

static int parse_ulong(const char *s, unsigned long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return *end == '\0' && errno == 0 ? 0 : -1;
}

#define MAX_ARGS 32

int proto_dovecot_parse(const char *line, size_t len, struct proto_dovecot_cmd *cmd,
			const char **error_r)
{
	char *copy, *args[MAX_ARGS], *p;
	size_t n = 0;
	unsigned long v;
	int ret = -1;

	memset(cmd, 0, sizeof(*cmd));
	*error_r = "malformed command";
	if (len > PROTO_DOVECOT_MAX_LINE || memchr(line, '\0', len) != NULL)
		return -1;
	copy = xstrndup(line, len);
	for (p = copy; n < MAX_ARGS;) {
		args[n++] = p;
		p = strchr(p, '\t');
		if (p == NULL)
			break;
		*p++ = '\0';
	}
	if (p != NULL)
		goto out; /* too many arguments */
	if (strcmp(args[0], "VERSION") == 0 && n >= 3 && parse_ulong(args[1], &v) == 0) {
		cmd->type = PROTO_DOVECOT_VERSION;
		cmd->major = (unsigned)v;
		ret = v == 1 ? 0 : -1;
		if (ret < 0)
			*error_r = "unsupported protocol version";
	} else if (strcmp(args[0], "CPID") == 0 && n == 2 && parse_ulong(args[1], &v) == 0) {
		cmd->type = PROTO_DOVECOT_CPID;
		ret = 0;
	} else if (strcmp(args[0], "CONT") == 0 && n == 3 && parse_ulong(args[1], &cmd->id) == 0) {
		cmd->type = PROTO_DOVECOT_CONT;
		cmd->data = xstrdup(args[2]);
		ret = 0;
	} else if (strcmp(args[0], "AUTH") == 0 && n >= 3 && parse_ulong(args[1], &cmd->id) == 0 &&
		   args[2][0] != '\0') {
		cmd->type = PROTO_DOVECOT_AUTH;
		cmd->mech = xstrdup(args[2]);
		for (size_t i = 3; i < n; i++) {
			char *a = args[i];
			if (strncmp(a, "service=", 8) == 0 && cmd->service == NULL)
				cmd->service = xstrdup(a + 8);
			else if (strncmp(a, "rip=", 4) == 0 && cmd->rip == NULL)
				cmd->rip = xstrdup(a + 4);
			else if (strncmp(a, "lip=", 4) == 0 && cmd->lip == NULL)
				cmd->lip = xstrdup(a + 4);
			else if (strcmp(a, "secured") == 0 || strncmp(a, "secured=", 8) == 0)
				cmd->secured = 1;
			else if (strncmp(a, "resp=", 5) == 0 && !cmd->has_resp) {
				cmd->has_resp = 1;
				cmd->data = xstrdup(a + 5);
			}
			/* other parameters (nologin, session=, ...) are ignored */
		}
		ret = cmd->service != NULL && cmd->service[0] != '\0' ? 0 : -1;
		if (ret < 0)
			*error_r = "AUTH without service=";
	} else {
		*error_r = "unknown command";
	}
out:
	secure_zero(copy, len);
	free(copy);
	if (ret < 0)
		proto_dovecot_cmd_clear(cmd);
	return ret;
}
