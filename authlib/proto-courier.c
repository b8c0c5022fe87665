/* Courier authdaemon protocol codec (courier-formats §2.3): "NAME=value" metadata lines, then
 * PRE / AUTH <n> / PASSWD / ENUMERATE; replies are NAME=value records ending in ".\n". */
#include "config.h"
#include "proto-courier.h"
#include "xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void proto_courier_request_clear(struct proto_courier_request *req)
{
	free(req->remote_ip);
	free(req->module);
	free(req->service);
	free(req->user);
	free(req->authtype);
	buf_free_secure(&req->authdata);
	if (req->oldpw != NULL)
		secure_zero(req->oldpw, strlen(req->oldpw));
	if (req->newpw != NULL)
		secure_zero(req->newpw, strlen(req->newpw));
	free(req->oldpw);
	free(req->newpw);
	memset(req, 0, sizeof(*req));
}

static int has_ctl(const char *p, size_t len, int allow_tab)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)p[i] < 0x20 && !(allow_tab && p[i] == '\t'))
			return 1;
	return 0;
}

/* "PRE <module> <service> <user>" */
static int parse_pre(const char *args, struct proto_courier_request *req)
{
	const char *s1 = strchr(args, ' '), *s2;

	if (s1 == NULL || (s2 = strchr(s1 + 1, ' ')) == NULL || s1 == args || s2 == s1 + 1 ||
	    s2[1] == '\0' || strchr(s2 + 1, ' ') != NULL)
		return -1;
	req->cmd = PROTO_COURIER_PRE;
	req->module = xstrndup(args, (size_t)(s1 - args));
	req->service = xstrndup(s1 + 1, (size_t)(s2 - s1 - 1));
	req->user = xstrdup(s2 + 1);
	return 0;
}

/* "PASSWD service\tuser\told\tnew" */
static int parse_passwd(const char *args, struct proto_courier_request *req)
{
	char *copy = xstrdup(args), *f[4], *p = copy;
	int n = 0;

	for (; n < 4; n++) {
		f[n] = p;
		p = strchr(p, '\t');
		if (p == NULL)
			break;
		*p++ = '\0';
	}
	if (n != 3 || *f[0] == '\0' || *f[1] == '\0') {
		secure_zero(copy, strlen(args));
		free(copy);
		return -1;
	}
	req->cmd = PROTO_COURIER_PASSWD;
	req->service = xstrdup(f[0]);
	req->user = xstrdup(f[1]);
	req->oldpw = xstrdup(f[2]);
	req->newpw = xstrdup(f[3]);
	secure_zero(copy, strlen(args));
	free(copy);
	return 0;
}

/* The AUTH body "service\nauthtype\nauthdata". */
static int parse_auth_body(const char *p, size_t n, struct proto_courier_request *req)
{
	const char *nl1 = memchr(p, '\n', n), *nl2;

	if (nl1 == NULL || nl1 == p || (nl2 = memchr(nl1 + 1, '\n', n - (size_t)(nl1 + 1 - p))) ==
						   NULL || nl2 == nl1 + 1)
		return -1;
	if (has_ctl(p, (size_t)(nl1 - p), 0) || has_ctl(nl1 + 1, (size_t)(nl2 - nl1 - 1), 0))
		return -1;
	req->cmd = PROTO_COURIER_AUTH;
	req->service = xstrndup(p, (size_t)(nl1 - p));
	req->authtype = xstrndup(nl1 + 1, (size_t)(nl2 - nl1 - 1));
	buf_append(&req->authdata, nl2 + 1, n - (size_t)(nl2 + 1 - p));
	return 0;
}

static enum proto_courier_parse bad(struct proto_courier_request *req, const char *why,
				    const char **error_r)
{
	proto_courier_request_clear(req);
	*error_r = why;
	return PROTO_COURIER_BAD;
}

enum proto_courier_parse proto_courier_parse(const char *data, size_t len,
					     struct proto_courier_request *req,
					     const char **error_r)
{
	size_t pos = 0;

	memset(req, 0, sizeof(*req));
	for (;;) {
		const char *line = data + pos;
		const char *nl = memchr(line, '\n', len - pos);
		if (nl == NULL) {
			if (len > PROTO_COURIER_MAX_REQUEST)
				return bad(req, "request too long", error_r);
			proto_courier_request_clear(req);
			return PROTO_COURIER_NEED_MORE;
		}
		size_t llen = (size_t)(nl - line);
		pos += llen + 1;
		if (pos > PROTO_COURIER_MAX_REQUEST)
			return bad(req, "request too long", error_r);
		size_t word = strcspn(line, " =\n");
		if (word < llen && line[word] == '=') {
			/* metadata: keep TCPREMOTEIP, ignore the rest */
			if (has_ctl(line, llen, 0))
				return bad(req, "control character in metadata", error_r);
			if (word == 11 && strncmp(line, "TCPREMOTEIP", 11) == 0) {
				free(req->remote_ip);
				req->remote_ip = xstrndup(line + 12, llen - 12);
			}
			continue;
		}
		/* An exact copy (NULs included) so it can be zeroed over its whole length. */
		char *cmd = xmalloc(llen + 1);
		int r = -1;
		memcpy(cmd, line, llen);
		cmd[llen] = '\0';
		if (has_ctl(cmd, llen, 1)) {
			r = -1;
		} else if (strncmp(cmd, "PRE ", 4) == 0) {
			r = parse_pre(cmd + 4, req);
		} else if (strncmp(cmd, "PASSWD ", 7) == 0) {
			r = parse_passwd(cmd + 7, req);
		} else if (strcmp(cmd, "ENUMERATE") == 0) {
			req->cmd = PROTO_COURIER_ENUMERATE;
			r = 0;
		} else if (strncmp(cmd, "AUTH ", 5) == 0) {
			char *end;
			errno = 0;
			unsigned long n = strtoul(cmd + 5, &end, 10);
			if (cmd[5] < '0' || cmd[5] > '9' || *end != '\0' || errno != 0 ||
			    n > PROTO_COURIER_MAX_REQUEST || pos + n > PROTO_COURIER_MAX_REQUEST) {
				r = -1;
			} else if (len - pos < n) {
				secure_zero(cmd, llen);
				free(cmd);
				proto_courier_request_clear(req);
				return PROTO_COURIER_NEED_MORE;
			} else {
				r = parse_auth_body(data + pos, n, req);
			}
		}
		secure_zero(cmd, llen);
		free(cmd);
		if (r < 0)
			return bad(req, "malformed request", error_r);
		return PROTO_COURIER_DONE;
	}
}

int proto_courier_split2(const struct buf *authdata, char **copy_r, const char **first_r,
			 const char **second_r)
{
	char *copy = xmalloc(authdata->len + 1), *nl;

	memcpy(copy, authdata->data != NULL ? authdata->data : "", authdata->len);
	copy[authdata->len] = '\0';
	if (strlen(copy) != authdata->len || (nl = strchr(copy, '\n')) == NULL) {
		secure_zero(copy, authdata->len);
		free(copy);
		return -1;
	}
	*nl = '\0';
	char *second = nl + 1, *end = strchr(second, '\n');
	if (end != NULL) {
		if (end[1] != '\0') {
			secure_zero(copy, authdata->len);
			free(copy);
			return -1;
		}
		*end = '\0';
	}
	*copy_r = copy;
	*first_r = copy;
	*second_r = second;
	return 0;
}

/* NAME=value, with control characters (impossible from our backends) made harmless. */
static void put_field(struct buf *out, const char *name, const char *value, size_t len)
{
	buf_puts(out, name);
	buf_putc(out, '=');
	for (size_t i = 0; i < len; i++)
		buf_putc(out, (unsigned char)value[i] < 0x20 ? '?' : value[i]);
	buf_putc(out, '\n');
}

static void put_opt(struct buf *out, const char *name, const char *value)
{
	if (value != NULL && *value != '\0')
		put_field(out, name, value, strlen(value));
}

void proto_courier_format_account(struct buf *out, const struct account *a, const char *options)
{
	if (a->sysusername != NULL) {
		put_opt(out, "USERNAME", a->sysusername);
	} else {
		buf_printf(out, "UID=%lu\n", (unsigned long)a->uid);
	}
	buf_printf(out, "GID=%lu\n", (unsigned long)a->gid);
	put_field(out, "HOME", a->home, strlen(a->home));
	put_opt(out, "ADDRESS", a->address);
	if (a->fullname != NULL && *a->fullname != '\0')
		put_field(out, "NAME", a->fullname, strcspn(a->fullname, ","));
	put_opt(out, "MAILDIR", a->maildir);
	put_opt(out, "QUOTA", a->quota);
	put_opt(out, "PASSWD", a->passwd);
	put_opt(out, "PASSWD2", a->clearpasswd);
	put_opt(out, "OPTIONS", options);
	buf_puts(out, ".\n");
}

static void put_tabbed(struct buf *out, const char *v)
{
	for (; v != NULL && *v != '\0'; v++)
		buf_putc(out, (unsigned char)*v < 0x20 ? '?' : *v);
}

void proto_courier_format_enum(struct buf *out, const struct account *a)
{
	put_tabbed(out, a->address);
	buf_printf(out, "\t%lu\t%lu\t", (unsigned long)a->uid, (unsigned long)a->gid);
	put_tabbed(out, a->home);
	buf_putc(out, '\t');
	put_tabbed(out, a->maildir);
	buf_putc(out, '\t');
	put_tabbed(out, a->options);
	buf_putc(out, '\n');
}
