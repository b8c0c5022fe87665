/* Client of authdaemond: Courier requests (one per connection, read until "\n.\n" or "FAIL\n",
 * anything else is a temporary failure) and Dovecot-protocol SASL sessions. */
#include "config.h"
#include "auth-client.h"
#include "auth-base64.h"
#include "safe-io.h"
#include "xalloc.h"

#include <errno.h>
#include <stdint.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define WRITE_TIMEOUT_MS 10000
#define SESSION_MAX_LINE 16384
#define SESSION_MAX_MECHS 32

struct auth_client *auth_client_new(const char *dir, const char *rip)
{
	struct auth_client *ac = xcalloc(1, sizeof(*ac));

	if (dir == NULL || *dir == '\0')
		dir = getenv("AUTHDAEMONVAR");
	if (dir == NULL || *dir == '\0')
		dir = HATO_AUTHDAEMONVAR;
	if (rip == NULL)
		rip = getenv("TCPREMOTEIP");
	ac->dir = xstrdup(dir);
	ac->rip = rip != NULL && *rip != '\0' ? xstrdup(rip) : NULL;
	ac->timeout_ms = AUTH_CLIENT_TIMEOUT_MS;
	return ac;
}

void auth_client_free(struct auth_client *ac)
{
	if (ac == NULL)
		return;
	free(ac->dir);
	free(ac->rip);
	free(ac);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int connect_to(const struct auth_client *ac, const char *name, const char **error_r)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if ((size_t)snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s", ac->dir, name) >=
	    sizeof(sun.sun_path)) {
		*error_r = "socket path too long";
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*error_r = "socket() failed";
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		close(fd);
		*error_r = "cannot connect to authdaemond";
		return -1;
	}
	return fd;
}

/* A metadata value must not break the line framing. */
static int meta_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20)
			return 0;
	return 1;
}

enum auth_client_status auth_client_request(struct auth_client *ac, const void *req, size_t len,
					    struct buf *reply, const char **error_r)
{
	struct buf out = BUF_INIT;
	uint64_t deadline;
	char tmp[4096];
	int fd;

	buf_reset(reply);
	if (ac->rip != NULL && meta_ok(ac->rip))
		buf_printf(&out, "TCPREMOTEIP=%s\n", ac->rip);
	buf_append(&out, req, len);
	fd = connect_to(ac, "socket", error_r);
	if (fd < 0) {
		buf_free_secure(&out);
		return AUTH_CLIENT_TEMPFAIL;
	}
	if (write_timeout(fd, out.data, out.len, WRITE_TIMEOUT_MS) < 0) {
		buf_free_secure(&out);
		close(fd);
		*error_r = "cannot write to authdaemond";
		return AUTH_CLIENT_TEMPFAIL;
	}
	buf_free_secure(&out);
	deadline = now_ms() + (uint64_t)ac->timeout_ms;
	for (;;) {
		uint64_t now = now_ms();
		ssize_t n;

		if (reply->len == 3 && memcmp(reply->data, "OK\n", 3) == 0) {
			close(fd); /* the PASSWD success reply */
			return AUTH_CLIENT_OK;
		}
		if (reply->len == 5 && memcmp(reply->data, "FAIL\n", 5) == 0) {
			close(fd);
			return AUTH_CLIENT_FAIL;
		}
		if ((reply->len == 2 && memcmp(reply->data, ".\n", 2) == 0) ||
		    (reply->len >= 3 && memcmp(reply->data + reply->len - 3, "\n.\n", 3) == 0)) {
			close(fd);
			return AUTH_CLIENT_OK;
		}
		if (now >= deadline || reply->len > AUTH_CLIENT_MAX_REPLY) {
			*error_r = now >= deadline ? "authdaemond timed out" : "reply too long";
			break;
		}
		n = read_timeout(fd, tmp, sizeof(tmp), (int)(deadline - now));
		if (n == -2)
			continue;
		if (n <= 0) {
			*error_r = n == 0 ? "authdaemond closed without a reply (temporary failure)"
					  : "read from authdaemond failed";
			break;
		}
		buf_append(reply, tmp, (size_t)n);
	}
	secure_zero(tmp, sizeof(tmp));
	close(fd);
	return AUTH_CLIENT_TEMPFAIL;
}

int auth_client_parse_account(const char *data, size_t len, struct account **acct_r)
{
	struct account *a = account_new();
	const char *p = data, *end = data + len;
	int have_uid = 0, have_gid = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *eq;
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		char **field = NULL;

		if (n == 1 && *p == '.')
			break;
		eq = memchr(p, '=', n);
		if (eq != NULL) {
			size_t klen = (size_t)(eq - p);
			char *val = xstrndup(eq + 1, n - klen - 1);
#define KEY(k) (klen == sizeof(k) - 1 && memcmp(p, k, klen) == 0)
			if (KEY("UID")) {
				a->uid = (uid_t)strtoul(val, NULL, 10);
				have_uid = 1;
			} else if (KEY("GID")) {
				a->gid = (gid_t)strtoul(val, NULL, 10);
				have_gid = 1;
			} else if (KEY("USERNAME")) {
				field = &a->sysusername;
			} else if (KEY("HOME")) {
				field = &a->home;
			} else if (KEY("ADDRESS")) {
				field = &a->address;
			} else if (KEY("NAME")) {
				field = &a->fullname;
			} else if (KEY("MAILDIR")) {
				field = &a->maildir;
			} else if (KEY("QUOTA")) {
				field = &a->quota;
			} else if (KEY("PASSWD")) {
				field = &a->passwd;
			} else if (KEY("PASSWD2")) {
				field = &a->clearpasswd;
			} else if (KEY("OPTIONS")) {
				field = &a->options;
			}
#undef KEY
			if (field != NULL) {
				if (*field != NULL) {
					secure_zero(*field, strlen(*field));
					free(*field);
				}
				*field = val;
			} else {
				secure_zero(val, strlen(val));
				free(val);
			}
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	if (a->home == NULL || !have_gid || (!have_uid && a->sysusername == NULL)) {
		account_free(a);
		return -1;
	}
	*acct_r = a;
	return 0;
}

/* Send req and turn an OK reply into an account. */
static enum auth_client_status account_request(struct auth_client *ac, struct buf *req,
					       struct account **acct_r, const char **error_r)
{
	struct buf reply = BUF_INIT;
	enum auth_client_status st = auth_client_request(ac, req->data, req->len, &reply, error_r);

	if (st == AUTH_CLIENT_OK && auth_client_parse_account(reply.data, reply.len, acct_r) < 0) {
		*error_r = "malformed account record from authdaemond";
		st = AUTH_CLIENT_TEMPFAIL;
	}
	buf_free_secure(&reply);
	buf_free_secure(req);
	return st;
}

/* Names and services travel inside one line: no control characters or spaces. */
static int word_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20)
			return 0;
	return 1;
}

enum auth_client_status auth_client_pre(struct auth_client *ac, const char *service,
					const char *user, struct account **acct_r,
					const char **error_r)
{
	struct buf req = BUF_INIT;

	if (!word_ok(service) || !word_ok(user)) {
		*error_r = "invalid name";
		return AUTH_CLIENT_FAIL;
	}
	buf_printf(&req, "PRE . %s %s\n", service, user);
	return account_request(ac, &req, acct_r, error_r);
}

/* AUTH <n>\nservice\nauthtype\n<data>: n counts everything after the AUTH line. */
static enum auth_client_status auth_request(struct auth_client *ac, const char *service,
					    const char *authtype, struct buf *data,
					    struct account **acct_r, const char **error_r)
{
	struct buf req = BUF_INIT;

	if (!word_ok(service)) {
		buf_free_secure(data);
		*error_r = "invalid service";
		return AUTH_CLIENT_FAIL;
	}
	buf_printf(&req, "AUTH %zu\n%s\n%s\n", strlen(service) + strlen(authtype) + 2 + data->len,
		   service, authtype);
	buf_append(&req, data->data, data->len);
	buf_free_secure(data);
	return account_request(ac, &req, acct_r, error_r);
}

/* Each value one line of the authdata. */
static int line_ok(const char *s)
{
	return strchr(s, '\n') == NULL;
}

enum auth_client_status auth_client_login(struct auth_client *ac, const char *service,
					  const char *user, const char *password,
					  struct account **acct_r, const char **error_r)
{
	struct buf data = BUF_INIT;

	if (!line_ok(user) || !line_ok(password) || *user == '\0') {
		*error_r = "invalid name or password";
		return AUTH_CLIENT_FAIL;
	}
	buf_printf(&data, "%s\n%s\n", user, password);
	return auth_request(ac, service, "login", &data, acct_r, error_r);
}

enum auth_client_status auth_client_cram(struct auth_client *ac, const char *service,
					 const char *authtype, const char *challenge,
					 const char *response, struct account **acct_r,
					 const char **error_r)
{
	struct buf data = BUF_INIT;

	auth_base64_encode(&data, challenge, strlen(challenge));
	buf_putc(&data, '\n');
	auth_base64_encode(&data, response, strlen(response));
	buf_putc(&data, '\n');
	return auth_request(ac, service, authtype, &data, acct_r, error_r);
}

enum auth_client_status auth_client_apop(struct auth_client *ac, const char *service,
					 const char *user, const char *timestamp,
					 const char *digest_hex, struct account **acct_r,
					 const char **error_r)
{
	struct buf data = BUF_INIT;

	if (!line_ok(user) || !line_ok(timestamp) || !line_ok(digest_hex) || *user == '\0') {
		*error_r = "invalid APOP data";
		return AUTH_CLIENT_FAIL;
	}
	buf_printf(&data, "%s\n%s\n%s\n", user, timestamp, digest_hex);
	return auth_request(ac, service, "apop", &data, acct_r, error_r);
}

enum auth_client_status auth_client_passwd(struct auth_client *ac, const char *service,
					   const char *user, const char *oldpw, const char *newpw,
					   const char **error_r)
{
	struct buf req = BUF_INIT, reply = BUF_INIT;
	enum auth_client_status st;

	if (!word_ok(service) || !meta_ok(user) || !meta_ok(oldpw) || !meta_ok(newpw) ||
	    strchr(user, '\t') != NULL) {
		*error_r = "invalid name or password";
		return AUTH_CLIENT_FAIL;
	}
	/* meta_ok refused control characters, so TABs inside passwords cannot occur either. */
	buf_printf(&req, "PASSWD %s\t%s\t%s\t%s\n", service, user, oldpw, newpw);
	st = auth_client_request(ac, req.data, req.len, &reply, error_r);
	if (st == AUTH_CLIENT_OK && (reply.len != 3 || memcmp(reply.data, "OK\n", 3) != 0)) {
		*error_r = "unexpected reply to PASSWD";
		st = AUTH_CLIENT_TEMPFAIL;
	}
	buf_free_secure(&req);
	buf_free(&reply);
	return st;
}

enum auth_client_status auth_client_enumerate(struct auth_client *ac, struct buf *reply,
					      const char **error_r)
{
	return auth_client_request(ac, "ENUMERATE\n", 10, reply, error_r);
}

/* ---- Dovecot authentication client protocol ---- */

struct auth_client_session {
	int fd;
	int timeout_ms;
	unsigned long next_id;
	struct buf in;
	char *mechs[SESSION_MAX_MECHS];
	size_t nmechs;
};

/* The next line (without "\n") into *line (reset first). Returns 0, or -1. */
static int session_line(struct auth_client_session *s, struct buf *line, const char **error_r)
{
	uint64_t deadline = now_ms() + (uint64_t)s->timeout_ms;
	char tmp[4096];

	for (;;) {
		char *nl = s->in.len > 0 ? memchr(s->in.data, '\n', s->in.len) : NULL;
		uint64_t now = now_ms();
		ssize_t n;

		if (nl != NULL) {
			size_t len = (size_t)(nl - s->in.data);
			buf_reset(line);
			buf_append(line, s->in.data, len);
			buf_consume(&s->in, len + 1);
			return 0;
		}
		if (s->in.len > SESSION_MAX_LINE) {
			*error_r = "auth-client line too long";
			return -1;
		}
		if (now >= deadline) {
			*error_r = "authdaemond timed out";
			return -1;
		}
		n = read_timeout(s->fd, tmp, sizeof(tmp), (int)(deadline - now));
		if (n == -2)
			continue;
		if (n <= 0) {
			*error_r = "authdaemond closed the auth-client connection";
			return -1;
		}
		buf_append(&s->in, tmp, (size_t)n);
	}
}

/* Split line at TABs in place; returns the number of fields (at most max). */
static size_t split_tabs(char *line, char **f, size_t max)
{
	size_t n = 0;

	f[n++] = line;
	for (char *p = line; *p != '\0' && n < max; p++)
		if (*p == '\t') {
			*p = '\0';
			f[n++] = p + 1;
		}
	return n;
}

/* Undo Dovecot's escaping (\001 1, \001 t, \001 n). */
static char *unescape(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;

	for (; *s != '\0'; s++) {
		if (*s == '\001' && s[1] != '\0') {
			s++;
			*o++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s == '1' ? '\001' : *s;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	return out;
}

struct auth_client_session *auth_client_session_new(struct auth_client *ac, const char **error_r)
{
	struct auth_client_session *s;
	struct buf line = BUF_INIT, hello = BUF_INIT;
	int fd = connect_to(ac, "auth-client", error_r), got_version = 0;

	if (fd < 0)
		return NULL;
	s = xcalloc(1, sizeof(*s));
	s->fd = fd;
	s->timeout_ms = ac->timeout_ms;
	buf_printf(&hello, "VERSION\t1\t2\nCPID\t%lu\n", (unsigned long)getpid());
	if (write_timeout(fd, hello.data, hello.len, WRITE_TIMEOUT_MS) < 0) {
		*error_r = "cannot write to authdaemond";
		goto fail;
	}
	for (;;) {
		char *f[4];
		size_t n;

		if (session_line(s, &line, error_r) < 0)
			goto fail;
		n = split_tabs((char *)buf_cstr(&line), f, 4);
		if (strcmp(f[0], "VERSION") == 0) {
			if (n < 2 || strcmp(f[1], "1") != 0) {
				*error_r = "unsupported auth-client protocol version";
				goto fail;
			}
			got_version = 1;
		} else if (strcmp(f[0], "MECH") == 0 && n >= 2 && s->nmechs < SESSION_MAX_MECHS) {
			s->mechs[s->nmechs++] = xstrdup(f[1]);
		} else if (strcmp(f[0], "DONE") == 0) {
			break;
		}
	}
	if (!got_version) {
		*error_r = "no VERSION in the auth-client handshake";
		goto fail;
	}
	buf_free(&line);
	buf_free(&hello);
	return s;
fail:
	buf_free(&line);
	buf_free(&hello);
	auth_client_session_free(s);
	return NULL;
}

void auth_client_session_free(struct auth_client_session *s)
{
	if (s == NULL)
		return;
	close(s->fd);
	for (size_t i = 0; i < s->nmechs; i++)
		free(s->mechs[i]);
	buf_free_secure(&s->in);
	free(s);
}

int auth_client_session_has_mech(const struct auth_client_session *s, const char *mech)
{
	for (size_t i = 0; i < s->nmechs; i++)
		if (strcasecmp(s->mechs[i], mech) == 0)
			return 1;
	return 0;
}

void auth_client_reply_clear(struct auth_client_reply *r)
{
	buf_free_secure(&r->data);
	free(r->user);
	free(r->reason);
	memset(r, 0, sizeof(*r));
}

/* Read lines until the reply for id; fill *r. */
static int session_reply(struct auth_client_session *s, unsigned long id,
			 struct auth_client_reply *r, const char **error_r)
{
	struct buf line = BUF_INIT;

	memset(r, 0, sizeof(*r));
	for (;;) {
		char *f[16], *end;
		size_t n;

		if (session_line(s, &line, error_r) < 0) {
			buf_free_secure(&line);
			r->status = AUTH_CLIENT_TEMPFAIL;
			return -1;
		}
		n = split_tabs((char *)buf_cstr(&line), f, 16);
		if (n < 2 || strtoul(f[1], &end, 10) != id || *end != '\0')
			continue;
		if (strcmp(f[0], "CONT") == 0) {
			r->status = AUTH_CLIENT_CONTINUE;
			if (n >= 3)
				buf_puts(&r->data, f[2]);
		} else if (strcmp(f[0], "OK") == 0) {
			r->status = AUTH_CLIENT_OK;
		} else if (strcmp(f[0], "FAIL") == 0) {
			r->status = AUTH_CLIENT_FAIL;
		} else {
			continue;
		}
		for (size_t i = 2; i < n && r->status != AUTH_CLIENT_CONTINUE; i++) {
			if (strncmp(f[i], "user=", 5) == 0 && r->user == NULL)
				r->user = unescape(f[i] + 5);
			else if (strncmp(f[i], "resp=", 5) == 0)
				buf_puts(&r->data, f[i] + 5);
			else if (strncmp(f[i], "reason=", 7) == 0 && r->reason == NULL)
				r->reason = unescape(f[i] + 7);
			else if (strcmp(f[i], "temp") == 0 && r->status == AUTH_CLIENT_FAIL)
				r->status = AUTH_CLIENT_TEMPFAIL;
		}
		if (r->status == AUTH_CLIENT_OK && r->user == NULL) {
			*error_r = "OK without user=";
			r->status = AUTH_CLIENT_TEMPFAIL;
		}
		buf_free_secure(&line);
		return 0;
	}
}

/* A value sent inside a TAB-separated line. */
static int field_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\t' || *s == '\n' || *s == '\001')
			return 0;
	return 1;
}

int auth_client_session_auth(struct auth_client_session *s, const char *mech, const char *service,
			     const char *rip, const char *lip, int secured, const char *resp_b64,
			     struct auth_client_reply *reply, const char **error_r)
{
	struct buf req = BUF_INIT;
	unsigned long id = ++s->next_id; /* a new id per exchange, as Dovecot's clients do */
	int ret;

	memset(reply, 0, sizeof(*reply));
	if (!word_ok(mech) || !field_ok(mech) || !field_ok(service) ||
	    (rip != NULL && !field_ok(rip)) || (lip != NULL && !field_ok(lip)) ||
	    (resp_b64 != NULL && !field_ok(resp_b64))) {
		reply->status = AUTH_CLIENT_FAIL;
		return 0;
	}
	buf_printf(&req, "AUTH\t%lu\t%s\tservice=%s", id, mech, service);
	if (lip != NULL)
		buf_printf(&req, "\tlip=%s", lip);
	if (rip != NULL)
		buf_printf(&req, "\trip=%s", rip);
	if (secured)
		buf_puts(&req, "\tsecured");
	if (resp_b64 != NULL)
		buf_printf(&req, "\tresp=%s", resp_b64);
	buf_putc(&req, '\n');
	ret = write_timeout(s->fd, req.data, req.len, WRITE_TIMEOUT_MS);
	buf_free_secure(&req);
	if (ret < 0) {
		*error_r = "cannot write to authdaemond";
		reply->status = AUTH_CLIENT_TEMPFAIL;
		return -1;
	}
	return session_reply(s, id, reply, error_r);
}

int auth_client_session_cont(struct auth_client_session *s, const char *data_b64,
			     struct auth_client_reply *reply, const char **error_r)
{
	struct buf req = BUF_INIT;
	unsigned long id = s->next_id;
	int ret;

	memset(reply, 0, sizeof(*reply));
	if (!field_ok(data_b64)) {
		reply->status = AUTH_CLIENT_FAIL;
		return 0;
	}
	buf_printf(&req, "CONT\t%lu\t%s\n", id, data_b64);
	ret = write_timeout(s->fd, req.data, req.len, WRITE_TIMEOUT_MS);
	buf_free_secure(&req);
	if (ret < 0) {
		*error_r = "cannot write to authdaemond";
		reply->status = AUTH_CLIENT_TEMPFAIL;
		return -1;
	}
	return session_reply(s, id, reply, error_r);
}
