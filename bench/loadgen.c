/* bench/loadgen: the compiled IMAP load driver of bench/ (issue 7), plain and TLS (GnuTLS).
 *
 *   loadgen conn  -p PORT [-t] [-m CRAM-MD5|LOGIN] [-u U -w P] [-c CLIENTS] [-d SECONDS] [-n]
 *        connect + login + SELECT INBOX (-n: no SELECT) + LOGOUT in a loop, CLIENTS processes
 *   loadgen cmd   -p PORT [-t] [-m ...] [-s] [-k NEWEST] -x "COMMAND" [-x ...]
 *        one session; -s SELECTs INBOX first (untimed); each -x is timed alone; "{range}" in a
 *        command becomes the newest NEWEST messages (after the untimed SELECT)
 *   loadgen mixed -p PORT [-m ...] [-c CLIENTS] [-o OPS_PER_CLIENT] [-r RUNID]
 *        CLIENTS held sessions mixing FETCH, STORE, APPEND, EXPUNGE, IDLE for a fixed number
 *        of operations; then one session checks that no appended message was lost or duplicated
 *        and removes what the run appended
 *   loadgen trivial-server -p PORT [-C CERT.pem]      a do-nothing IMAP server (threads)
 *   loadgen ceiling [-C CERT.pem] [-d SECONDS]         the driver against the trivial server
 *
 * Every result is one JSON object on stdout. Concurrency is one process per client (fork),
 * started together through a pipe, so the driver is never one interpreter's thread. The
 * driver never pipelines (Courier drops commands sent behind LOGIN). A benchmark, not a test:
 * nothing here judges a timing. */
#define _GNU_SOURCE
#include <errno.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 16
#define MAX_CLIENTS 512
#define ERRLEN 200

struct opts {
	int port, tls, clients, no_select, select, newest, ops;
	double duration;
	const char *mech, *user, *pass, *cert, *runid;
	const char *cmds[MAX_CMDS];
	int ncmds;
};

static gnutls_certificate_credentials_t client_cred;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------ connection + reader */

struct conn {
	int fd;
	gnutls_session_t tls;
	char *buf;
	size_t cap, start, end;
	unsigned int tagn;
	char err[ERRLEN];
};

static int fail(struct conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct conn *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	return -1;
}

static ssize_t c_recv(struct conn *c, void *p, size_t n)
{
	ssize_t r;

	if (c->tls != NULL) {
		do
			r = gnutls_record_recv(c->tls, p, n);
		while (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED);
		if (r == GNUTLS_E_PREMATURE_TERMINATION)
			return 0;
		if (r < 0)
			return fail(c, "TLS recv: %s", gnutls_strerror((int)r));
		return r;
	}
	do
		r = recv(c->fd, p, n, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return fail(c, "recv: %s", strerror(errno));
	return r;
}

static int c_send(struct conn *c, const void *p, size_t n)
{
	const char *s = p;

	while (n > 0) {
		ssize_t r = c->tls != NULL ? gnutls_record_send(c->tls, s, n)
					   : send(c->fd, s, n, MSG_NOSIGNAL);
		if (r < 0) {
			if (c->tls == NULL && errno == EINTR)
				continue;
			if (c->tls != NULL && (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED))
				continue;
			return fail(c, "send: %s", c->tls ? gnutls_strerror((int)r) : strerror(errno));
		}
		s += r;
		n -= (size_t)r;
	}
	return 0;
}

static int c_fill(struct conn *c)
{
	ssize_t r;

	if (c->start > 0 && c->start == c->end)
		c->start = c->end = 0;
	if (c->end == c->cap) {
		if (c->start > 0) {
			memmove(c->buf, c->buf + c->start, c->end - c->start);
			c->end -= c->start;
			c->start = 0;
		} else {
			if (c->cap >= (64u << 20))
				return fail(c, "line longer than 64 MB");
			c->cap *= 2;
			c->buf = realloc(c->buf, c->cap);
			if (c->buf == NULL)
				abort();
		}
	}
	r = c_recv(c, c->buf + c->end, c->cap - c->end);
	if (r < 0)
		return -1;
	if (r == 0)
		return fail(c, "server closed the connection");
	c->end += (size_t)r;
	return 0;
}

/* One line (CRLF included) in *line_r, valid until the next read. */
static int c_line(struct conn *c, char **line_r, size_t *len_r)
{
	size_t scanned = 0;

	for (;;) {
		char *nl = memchr(c->buf + c->start + scanned, '\n', c->end - c->start - scanned);

		if (nl != NULL) {
			*line_r = c->buf + c->start;
			*len_r = (size_t)(nl - *line_r) + 1;
			c->start += *len_r;
			return 0;
		}
		scanned = c->end - c->start;
		if (c_fill(c) < 0)
			return -1;
	}
}

/* A growing byte string (capture of a response). */
struct sbuf {
	char *p;
	size_t len, cap;
};

static void sb_add(struct sbuf *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (b->p == NULL)
			abort();
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Consumes n literal bytes, appended to cap when cap is not NULL. */
static int c_literal(struct conn *c, unsigned long long n, struct sbuf *cap)
{
	while (n > 0) {
		size_t have = c->end - c->start;

		if (have == 0) {
			c->start = c->end = 0;
			if (c_fill(c) < 0)
				return -1;
			continue;
		}
		if (have > n)
			have = (size_t)n;
		if (cap != NULL)
			sb_add(cap, c->buf + c->start, have);
		c->start += have;
		n -= have;
	}
	return 0;
}

struct resp {
	char tagged[256];
	int ok, cont;		/* tagged OK; stopped at a "+" continuation */
	long lines, exists, search_count;
	unsigned long long lit;
	unsigned long appenduid;
	struct sbuf *capture;	/* untagged lines and literals, when set */
	int want_cont;		/* return at a "+" line */
};

/* Reads to the tagged line of tag (or a continuation when r->want_cont). */
static int c_response(struct conn *c, const char *tag, struct resp *r)
{
	size_t taglen = strlen(tag);

	r->ok = r->cont = 0;
	for (;;) {
		char *line, *p;
		size_t len;
		unsigned long long n;

		if (c_line(c, &line, &len) < 0)
			return -1;
		if (len >= 2 && line[0] == '+' && (line[1] == ' ' || line[1] == '\r')) {
			if (r->want_cont) {
				r->cont = 1;
				return 0;
			}
			continue;
		}
		if (len > taglen && memcmp(line, tag, taglen) == 0 && line[taglen] == ' ') {
			size_t l = len < sizeof(r->tagged) - 1 ? len : sizeof(r->tagged) - 1;
			memcpy(r->tagged, line, l);
			r->tagged[l] = '\0';
			while (l > 0 && (r->tagged[l - 1] == '\r' || r->tagged[l - 1] == '\n'))
				r->tagged[--l] = '\0';
			r->ok = strncmp(line + taglen + 1, "OK", 2) == 0;
			p = strstr(r->tagged, "[APPENDUID ");
			if (p != NULL)
				r->appenduid = strtoul(strchr(p + 11, ' ') ? strchr(p + 11, ' ') + 1 : p,
						       NULL, 10);
			return 0;
		}
		r->lines++;
		if (len > 2 && line[0] == '*' && line[1] == ' ') {
			char *end;
			long v = strtol(line + 2, &end, 10);

			if (end != line + 2 && strncmp(end, " EXISTS", 7) == 0)
				r->exists = v;
			else if (len >= 8 && strncmp(line + 2, "SEARCH", 6) == 0) {
				for (p = line + 8; p < line + len; p++)
					if (*p >= '0' && *p <= '9' && p[-1] == ' ')
						r->search_count++;
			}
		}
		if (r->capture != NULL)
			sb_add(r->capture, line, len);
		/* a literal announced at the end of the line: {n} or {n+} */
		if (len >= 4 && line[len - 2] == '\r' && line[len - 3] == '}') {
			p = line + len - 4;
			while (p > line && ((*p >= '0' && *p <= '9') || *p == '+'))
				p--;
			if (*p == '{') {
				n = strtoull(p + 1, NULL, 10);
				r->lit += n;
				if (c_literal(c, n, r->capture) < 0)
					return -1;
			}
		}
	}
}

/* Sends "<tag> text\r\n" and reads the response. */
static int c_cmd(struct conn *c, const char *text, struct resp *r)
{
	char tag[16], *out;
	int n, ret;

	snprintf(tag, sizeof(tag), "b%u", ++c->tagn);
	n = asprintf(&out, "%s %s\r\n", tag, text);
	if (n < 0)
		abort();
	ret = c_send(c, out, (size_t)n);
	free(out);
	if (ret < 0)
		return -1;
	return c_response(c, tag, r);
}

/* A command that must end in OK. */
static int c_ok(struct conn *c, const char *text, struct resp *r)
{
	struct resp tmp = { 0 };

	if (r == NULL)
		r = &tmp;
	if (c_cmd(c, text, r) < 0)
		return -1;
	if (!r->ok) {
		char verb[40];

		snprintf(verb, sizeof(verb), "%s", text);
		verb[strcspn(verb, " ")] = '\0';
		if (strncmp(text, "UID ", 4) == 0)
			snprintf(verb, sizeof(verb), "UID %.20s", text + 4), verb[strcspn(verb + 4, " ") + 4] = 0;
		return fail(c, "%s -> %s", verb, r->tagged);
	}
	return 0;
}

static void c_close(struct conn *c)
{
	if (c->tls != NULL) {
		gnutls_deinit(c->tls);
		c->tls = NULL;
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
}

static void tls_client_init(void)
{
	if (client_cred == NULL && gnutls_certificate_allocate_credentials(&client_cred) < 0)
		abort();
}

/* Connects (and handshakes), reads the greeting. */
static int c_open(struct conn *c, const struct opts *o)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)o->port) };
	struct timeval tv = { .tv_sec = 120 };
	char *line;
	size_t len;
	int one = 1;

	memset(c, 0, sizeof(*c));
	c->cap = 1 << 16;
	c->buf = malloc(c->cap);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return fail(c, "socket: %s", strerror(errno));
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(c->fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		return fail(c, "connect %d: %s", o->port, strerror(errno));
	if (o->tls) {
		int r;

		tls_client_init();
		if (gnutls_init(&c->tls, GNUTLS_CLIENT) < 0 ||
		    gnutls_set_default_priority(c->tls) < 0 ||
		    gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE, client_cred) < 0)
			return fail(c, "gnutls_init failed");
		gnutls_transport_set_int(c->tls, c->fd);
		do
			r = gnutls_handshake(c->tls);
		while (r < 0 && !gnutls_error_is_fatal(r));
		if (r < 0) {
			gnutls_deinit(c->tls);
			c->tls = NULL;
			return fail(c, "TLS handshake: %s", gnutls_strerror(r));
		}
	}
	if (c_line(c, &line, &len) < 0)
		return -1;
	if (len < 4 || strncmp(line, "* OK", 4) != 0)
		return fail(c, "greeting: %.*s", (int)(len > 100 ? 100 : len), line);
	return 0;
}

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void b64_encode(const unsigned char *in, size_t n, char *out)
{
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		*out++ = b64chars[in[i] >> 2];
		*out++ = b64chars[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
		*out++ = b64chars[((in[i + 1] & 15) << 2) | (in[i + 2] >> 6)];
		*out++ = b64chars[in[i + 2] & 63];
	}
	if (i < n) {
		*out++ = b64chars[in[i] >> 2];
		if (i + 1 < n) {
			*out++ = b64chars[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
			*out++ = b64chars[(in[i + 1] & 15) << 2];
		} else {
			*out++ = b64chars[(in[i] & 3) << 4];
			*out++ = '=';
		}
		*out++ = '=';
	}
	*out = '\0';
}

static size_t b64_decode(const char *in, size_t n, unsigned char *out)
{
	unsigned int acc = 0, bits = 0;
	size_t o = 0, i;

	for (i = 0; i < n; i++) {
		const char *p = in[i] ? strchr(b64chars, in[i]) : NULL;

		if (p == NULL)
			continue;
		acc = (acc << 6) | (unsigned int)(p - b64chars);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	return o;
}

static int c_login(struct conn *c, const struct opts *o)
{
	struct resp r = { 0 };

	if (strcmp(o->mech, "CRAM-MD5") == 0) {
		char tag[16], line[600], *l;
		unsigned char chal[512], digest[16];
		char hex[33], resp[300];
		size_t len, n;
		int i;

		snprintf(tag, sizeof(tag), "b%u", ++c->tagn);
		snprintf(line, sizeof(line), "%s AUTHENTICATE CRAM-MD5\r\n", tag);
		if (c_send(c, line, strlen(line)) < 0 || c_line(c, &l, &len) < 0)
			return -1;
		if (len < 2 || l[0] != '+' || len > 600)
			return fail(c, "AUTHENTICATE CRAM-MD5 -> %.*s", (int)(len > 100 ? 100 : len), l);
		n = b64_decode(l + 2, len - 2, chal);
		if (gnutls_hmac_fast(GNUTLS_MAC_MD5, o->pass, strlen(o->pass), chal, n, digest) < 0)
			return fail(c, "HMAC-MD5 unavailable");
		for (i = 0; i < 16; i++)
			sprintf(hex + 2 * i, "%02x", digest[i]);
		snprintf(resp, sizeof(resp), "%s %s", o->user, hex);
		b64_encode((unsigned char *)resp, strlen(resp), line);
		strcat(line, "\r\n");
		if (c_send(c, line, strlen(line)) < 0 || c_response(c, tag, &r) < 0)
			return -1;
		if (!r.ok)
			return fail(c, "AUTHENTICATE CRAM-MD5 -> %s", r.tagged);
		return 0;
	} else {
		char text[300];

		snprintf(text, sizeof(text), "LOGIN \"%s\" \"%s\"", o->user, o->pass);
		return c_ok(c, text, &r);
	}
}

static void c_logout(struct conn *c)
{
	struct resp r = { 0 };

	(void)c_cmd(c, "LOGOUT", &r);
	if (c->tls != NULL)
		gnutls_bye(c->tls, GNUTLS_SHUT_WR);
}

/* ------------------------------------------------------------------ output helpers */

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* ------------------------------------------------------------------ worker processes */

struct shared {
	double start;		/* common start time (CLOCK_MONOTONIC) */
	struct slot {
		long n, errors, ready;
		char last[ERRLEN], first[ERRLEN];
	} slot[MAX_CLIENTS];
};

static int g_go_rd = -1, g_ready_wr = -1;

/* Tells the parent this worker is ready and waits for the common start (the parent closes
 * the go pipe: every child's read returns 0 at once). */
static void worker_ready(void)
{
	char ch = 1;

	if (write(g_ready_wr, &ch, 1) < 0)
		_exit(1);
	while (read(g_go_rd, &ch, 1) > 0)
		;
}

/* ------------------------------------------------------------------ conn */

static struct opts *G;

/* Cycles until the end of the sample; a cycle started before the end is finished and counted
 * (the rate divides by the wall time until the last client is done), so a slow server still
 * gives a figure when one cycle takes longer than the sample. */
static void conn_worker(int i, struct shared *sh, void *extra)
{
	struct slot *s = &sh->slot[i];
	double end;

	(void)extra;
	worker_ready();
	end = sh->start + G->duration;
	while (now() < sh->start)
		usleep(1000);
	do {
		struct conn c;
		int ret = c_open(&c, G);

		if (ret == 0)
			ret = c_login(&c, G);
		if (ret == 0 && !G->no_select)
			ret = c_ok(&c, "SELECT INBOX", NULL);
		if (ret == 0)
			c_logout(&c);
		if (ret == 0)
			s->n++;
		else {
			s->errors++;
			snprintf(s->last, sizeof(s->last), "%s", c.err);
		}
		c_close(&c);
	} while (now() < end);
}

/* spawn() with the go/ready pipes published to the children. */
static struct shared *spawn_workers(int clients, void (*fn)(int, struct shared *, void *),
				    void *extra, double *wall_r);

static int cmd_conn(struct opts *o)
{
	struct shared *sh;
	long n = 0, err = 0;
	const char *last = "";
	double wall;
	int i;

	G = o;
	sh = spawn_workers(o->clients, conn_worker, NULL, &wall);
	for (i = 0; i < o->clients; i++) {
		n += sh->slot[i].n;
		err += sh->slot[i].errors;
		if (sh->slot[i].last[0])
			last = sh->slot[i].last;
	}
	printf("{\"rate\": %.3f, \"n\": %ld, \"errors\": %ld, \"seconds\": %.3f, \"clients\": %d, "
	       "\"tls\": %d, \"mech\": ", wall > 0 ? (double)n / wall : 0.0, n, err, wall, o->clients,
	       o->tls);
	json_str(stdout, o->mech);
	printf(", \"last_error\": ");
	json_str(stdout, last);
	printf("}\n");
	return n > 0 ? 0 : 1;
}

/* ------------------------------------------------------------------ cmd */

static int cmd_cmd(struct opts *o)
{
	struct conn c;
	long exists = -1;
	int i, ret = 0;

	if (c_open(&c, o) < 0 || c_login(&c, o) < 0)
		goto err;
	if (o->select) {
		struct resp r = { 0 };

		if (c_ok(&c, "SELECT INBOX", &r) < 0)
			goto err;
		exists = r.exists;
	}
	printf("{\"exists\": %ld, \"results\": [", exists);
	for (i = 0; i < o->ncmds; i++) {
		struct resp r = { 0 };
		char text[512], *p;
		double t0, dt;

		snprintf(text, sizeof(text), "%s", o->cmds[i]);
		p = strstr(text, "{range}");
		if (p != NULL) {
			char rest[512], rng[64];
			long first = exists - o->newest + 1;

			snprintf(rest, sizeof(rest), "%s", p + 7);
			snprintf(rng, sizeof(rng), "%ld:%ld", first < 1 ? 1 : first, exists);
			snprintf(p, sizeof(text) - (size_t)(p - text), "%s%s", rng, rest);
		}
		t0 = now();
		if (c_cmd(&c, text, &r) < 0) {
			printf("%s{\"error\": ", i ? ", " : "");
			json_str(stdout, c.err);
			printf("}");
			ret = 1;
			break;
		}
		dt = now() - t0;
		printf("%s{\"ms\": %.3f, \"ok\": %d, \"lines\": %ld, \"literal_bytes\": %llu, "
		       "\"search_count\": %ld, \"exists\": %ld, \"tagged\": ",
		       i ? ", " : "", dt * 1000, r.ok, r.lines, r.lit, r.search_count,
		       r.exists ? r.exists : -1);
		json_str(stdout, r.tagged);
		printf("}");
	}
	printf("]}\n");
	c_logout(&c);
	c_close(&c);
	return ret;
err:
	printf("{\"error\": ");
	json_str(stdout, c.err);
	printf("}\n");
	c_close(&c);
	return 1;
}

/* ------------------------------------------------------------------ mixed */

#define MIX_MAX_APPEND 256
enum { ST_NONE, ST_APPENDED, ST_EXPUNGED, ST_UNCERTAIN };

struct mixshared {
	long exists0;
	unsigned char state[MAX_CLIENTS][MIX_MAX_APPEND];
	unsigned long uid[MAX_CLIENTS][MIX_MAX_APPEND];
	long nappend[MAX_CLIENTS];
	long opcount[MAX_CLIENTS][7];
	float lat[];		/* clients x ops, seconds; <0 = failed */
};

static const char *const op_names[7] = { "fetch_flags", "fetch_body", "fetch_envelope", "store",
					 "append", "expunge", "idle" };

static int mix_append(struct conn *c, struct mixshared *m, int client, int *idx_r)
{
	char text[128], msg[1024], tag[16], *cmdline;
	struct resp r = { 0 };
	int idx = (int)m->nappend[client], n;

	if (idx >= MIX_MAX_APPEND)
		return fail(c, "too many APPENDs per client");
	*idx_r = idx;
	m->nappend[client]++;
	m->state[client][idx] = ST_UNCERTAIN;
	n = snprintf(msg, sizeof(msg),
		     "From: Mixed Load <mixed@bench.example>\r\n"
		     "To: testuser@bench.example\r\n"
		     "Subject: mixed load %s %d.%d\r\n"
		     "Date: Mon, 23 Nov 2026 12:00:00 +0000\r\n"
		     "Message-ID: <mix.%s.%d.%d@bench.hato>\r\n"
		     "\r\n"
		     "Appended by the mixed load of bench/loadgen, client %d, number %d.\r\n",
		     G->runid, client, idx, G->runid, client, idx, client, idx);
	snprintf(tag, sizeof(tag), "b%u", ++c->tagn);
	snprintf(text, sizeof(text), "%s APPEND INBOX {%d}\r\n", tag, n);
	if (c_send(c, text, strlen(text)) < 0)
		return -1;
	r.want_cont = 1;
	if (c_response(c, tag, &r) < 0)
		return -1;
	if (!r.cont)
		return fail(c, "APPEND -> %s", r.tagged);
	if (asprintf(&cmdline, "%s\r\n", msg) < 0)
		abort();
	n = c_send(c, cmdline, strlen(cmdline));
	free(cmdline);
	if (n < 0)
		return -1;
	r.want_cont = 0;
	if (c_response(c, tag, &r) < 0)
		return -1;
	if (!r.ok)
		return fail(c, "APPEND -> %s", r.tagged);
	m->state[client][idx] = ST_APPENDED;
	m->uid[client][idx] = r.appenduid;
	return 0;
}

static void mixed_worker(int i, struct shared *sh, void *extra)
{
	struct mixshared *m = extra;
	struct slot *s = &sh->slot[i];
	unsigned int seed = (unsigned int)i * 7919u + 17u;
	struct conn c;
	struct resp r = { 0 };
	long exists;
	int k;

	if (c_open(&c, G) < 0 || c_login(&c, G) < 0 || c_ok(&c, "SELECT INBOX", &r) < 0) {
		s->errors++;
		snprintf(s->last, sizeof(s->last), "%s", c.err);
		worker_ready();
		return;
	}
	exists = m->exists0 > 0 ? m->exists0 : r.exists;
	if (exists < 1)
		exists = 1;
	worker_ready();
	while (now() < sh->start)
		usleep(1000);
	for (k = 0; k < G->ops; k++) {
		int roll = (int)(rand_r(&seed) % 100), op, ret = 0, idx;
		long n = 1 + (long)(rand_r(&seed) % (unsigned long)exists);
		char text[256];
		double t0 = now();

		memset(&r, 0, sizeof(r));
		op = roll < 20 ? 0 : roll < 30 ? 1 : roll < 40 ? 2 : roll < 60 ? 3 : roll < 80 ? 4
		   : roll < 90 ? 5 : 6;
		if (op == 5) {
			/* EXPUNGE one of this client's own appended messages (by UID) */
			idx = -1;
			for (int j = (int)m->nappend[i] - 1; j >= 0; j--)
				if (m->state[i][j] == ST_APPENDED && m->uid[i][j] != 0) {
					idx = j;
					break;
				}
			if (idx < 0)
				op = 4;
			else {
				snprintf(text, sizeof(text), "UID STORE %lu +FLAGS.SILENT (\\Deleted)",
					 m->uid[i][idx]);
				ret = c_ok(&c, text, NULL);
				if (ret == 0) {
					m->state[i][idx] = ST_UNCERTAIN;
					snprintf(text, sizeof(text), "UID EXPUNGE %lu", m->uid[i][idx]);
					ret = c_ok(&c, text, NULL);
					if (ret == 0)
						m->state[i][idx] = ST_EXPUNGED;
				}
			}
		}
		switch (op) {
		case 0:
			snprintf(text, sizeof(text), "FETCH %ld (FLAGS UID)", n);
			ret = c_ok(&c, text, NULL);
			break;
		case 1:
			snprintf(text, sizeof(text), "FETCH %ld BODY.PEEK[]", n);
			ret = c_ok(&c, text, NULL);
			break;
		case 2:
			snprintf(text, sizeof(text), "FETCH %ld:%ld (ENVELOPE)",
				 exists > 49 ? exists - 49 : 1, exists);
			ret = c_ok(&c, text, NULL);
			break;
		case 3:
			snprintf(text, sizeof(text), "STORE %ld %cFLAGS.SILENT (\\Flagged)", n,
				 rand_r(&seed) % 2 ? '+' : '-');
			ret = c_ok(&c, text, NULL);
			break;
		case 4:
			ret = mix_append(&c, m, i, &idx);
			break;
		case 6: {
			char tag[16], line[32];

			snprintf(tag, sizeof(tag), "b%u", ++c.tagn);
			snprintf(line, sizeof(line), "%s IDLE\r\n", tag);
			r.want_cont = 1;
			ret = c_send(&c, line, strlen(line));
			if (ret == 0)
				ret = c_response(&c, tag, &r);
			if (ret == 0 && !r.cont)
				ret = fail(&c, "IDLE -> %s", r.tagged);
			r.want_cont = 0;
			if (ret == 0)
				ret = c_send(&c, "DONE\r\n", 6);
			if (ret == 0)
				ret = c_response(&c, tag, &r);
			if (ret == 0 && !r.ok)
				ret = fail(&c, "IDLE/DONE -> %s", r.tagged);
			break;
		}
		}
		m->opcount[i][op]++;
		m->lat[(size_t)i * (size_t)G->ops + (size_t)k] = ret == 0 ? (float)(now() - t0) : -1;
		if (ret == 0)
			s->n++;
		else {
			s->errors++;
			snprintf(s->last, sizeof(s->last), "%s", c.err);
			if (!s->first[0])
				snprintf(s->first, sizeof(s->first), "%s", c.err);
			if (strstr(c.err, "closed") || strstr(c.err, "recv") || strstr(c.err, "send"))
				break;
		}
	}
	c_logout(&c);
	c_close(&c);
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

/* After the run: every Message-ID the run appended, and how often it is in the INBOX now. */
static int mixed_verify(struct opts *o, struct mixshared *m, long *exists_r, long *lost_r,
			long *dup_r, long *resurrected_r, long *uiddup_r, long *uidmis_r,
			const char **err_r)
{
	static char errbuf[ERRLEN + 16];
	struct conn c;
	struct resp r = { 0 };
	struct sbuf cap = { 0 };
	unsigned short *seen = calloc((size_t)o->clients * MIX_MAX_APPEND, sizeof(*seen));
	char marker[64], *p;
	unsigned long *uids = NULL, *mixuids = NULL;
	size_t nuids = 0, nmix = 0, j;
	long lost = 0, dup = 0, res = 0, uiddup = 0;
	int ci, ai;

	if (c_open(&c, o) < 0 || c_login(&c, o) < 0 || c_ok(&c, "SELECT INBOX", &r) < 0)
		goto err;
	*exists_r = r.exists;
	memset(&r, 0, sizeof(r));
	r.capture = &cap;
	if (c_ok(&c, "FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])", &r) < 0)
		goto err;
	uids = calloc((size_t)r.exists + (size_t)*exists_r + 16, sizeof(*uids));
	mixuids = calloc((size_t)o->clients * MIX_MAX_APPEND + 16, sizeof(*mixuids));
	snprintf(marker, sizeof(marker), "<mix.%s.", o->runid);
	/* UIDs: every "UID n" inside a FETCH line */
	for (p = cap.p; p != NULL && (p = strstr(p, " FETCH (")) != NULL; p++) {
		char *u = strstr(p, "UID ");

		if (u != NULL && nuids < (size_t)*exists_r + 16)
			uids[nuids++] = strtoul(u + 4, NULL, 10);
		/* this message's Message-ID, if it is one of ours (before the next FETCH) */
		char *next = strstr(p + 1, " FETCH (");
		char *mk = strstr(p, marker);

		if (mk != NULL && (next == NULL || mk < next) &&
		    sscanf(mk + strlen(marker), "%d.%d@", &ci, &ai) == 2 && ci >= 0 &&
		    ci < o->clients && ai >= 0 && ai < MIX_MAX_APPEND) {
			seen[ci * MIX_MAX_APPEND + ai]++;
			if (u != NULL) {
				mixuids[nmix++] = strtoul(u + 4, NULL, 10);
				/* the UID the server named in APPENDUID must be the message's UID */
				if (m->uid[ci][ai] != 0 && m->uid[ci][ai] != mixuids[nmix - 1])
					(*uidmis_r)++;
			}
		}
	}
	for (size_t a = 1; a < nuids; a++)	/* UIDs come in ascending order: a repeat is adjacent */
		if (uids[a] <= uids[a - 1])
			uiddup++;
	for (ci = 0; ci < o->clients; ci++)
		for (ai = 0; ai < m->nappend[ci]; ai++) {
			unsigned short sn = seen[ci * MIX_MAX_APPEND + ai];

			switch (m->state[ci][ai]) {
			case ST_APPENDED:
				if (sn == 0)
					lost++;
				else if (sn > 1)
					dup += sn - 1;
				break;
			case ST_EXPUNGED:
				if (sn > 0)
					res += sn;
				break;
			default:
				if (sn > 1)
					dup += sn - 1;
			}
		}
	*lost_r = lost;
	*dup_r = dup;
	*resurrected_r = res;
	*uiddup_r = uiddup;
	/* Put the mailbox back: remove what the run appended (only ours carry the marker). */
	if (nmix > 0) {
		struct sbuf set = { 0 };
		char num[32], *cmd1 = NULL, *cmd2 = NULL;
		int bad;

		for (j = 0; j < nmix; j++) {
			snprintf(num, sizeof(num), "%s%lu", j ? "," : "", mixuids[j]);
			sb_add(&set, num, strlen(num));
		}
		/* UID EXPUNGE of exactly these: the corpus has \Deleted messages of its own */
		if (asprintf(&cmd1, "UID STORE %s +FLAGS.SILENT (\\Deleted)", set.p) < 0 ||
		    asprintf(&cmd2, "UID EXPUNGE %s", set.p) < 0)
			abort();
		bad = c_ok(&c, cmd1, NULL) < 0 || c_ok(&c, cmd2, NULL) < 0;
		free(cmd1);
		free(cmd2);
		free(set.p);
		if (bad)
			goto err;
	}
	c_logout(&c);
	c_close(&c);
	free(cap.p);
	free(seen);
	free(uids);
	free(mixuids);
	return 0;
err:
	snprintf(errbuf, sizeof(errbuf), "verify: %s", c.err);
	*err_r = errbuf;
	c_close(&c);
	free(cap.p);
	free(seen);
	free(uids);
	free(mixuids);
	return -1;
}

static int cmd_mixed(struct opts *o)
{
	size_t size = sizeof(struct mixshared) + (size_t)o->clients * (size_t)o->ops * sizeof(float);
	struct mixshared *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				   -1, 0);
	struct shared *sh;
	struct conn c;
	struct resp r = { 0 };
	long n = 0, err = 0, appended = 0, expunged = 0, uncertain = 0, ops[7] = { 0 };
	long exists_after = -1, lost = -1, dup = -1, res = -1, uiddup = -1, uidmis = 0;
	const char *last = "", *first = "", *verr = NULL;
	float *lat;
	size_t nlat = 0;
	double wall;
	int i, j;

	if (m == MAP_FAILED)
		abort();
	G = o;
	if (c_open(&c, o) < 0 || c_login(&c, o) < 0 || c_ok(&c, "SELECT INBOX", &r) < 0) {
		printf("{\"error\": ");
		json_str(stdout, c.err);
		printf("}\n");
		return 1;
	}
	m->exists0 = r.exists;
	c_logout(&c);
	c_close(&c);
	sh = spawn_workers(o->clients, mixed_worker, m, &wall);
	lat = malloc((size_t)o->clients * (size_t)o->ops * sizeof(float) + 1);
	for (i = 0; i < o->clients; i++) {
		n += sh->slot[i].n;
		err += sh->slot[i].errors;
		if (sh->slot[i].last[0])
			last = sh->slot[i].last;
		if (sh->slot[i].first[0] && !first[0])
			first = sh->slot[i].first;
		for (j = 0; j < 7; j++)
			ops[j] += m->opcount[i][j];
		for (j = 0; j < m->nappend[i]; j++) {
			appended += m->state[i][j] != ST_NONE;
			expunged += m->state[i][j] == ST_EXPUNGED;
			uncertain += m->state[i][j] == ST_UNCERTAIN;
		}
		for (j = 0; j < o->ops; j++) {
			float v = m->lat[(size_t)i * (size_t)o->ops + (size_t)j];

			if (v > 0)
				lat[nlat++] = v;
		}
	}
	qsort(lat, nlat, sizeof(float), cmp_float);
	if (mixed_verify(o, m, &exists_after, &lost, &dup, &res, &uiddup, &uidmis, &verr) < 0)
		last = verr;
	printf("{\"ops\": %ld, \"errors\": %ld, \"seconds\": %.3f, \"rate\": %.3f, "
	       "\"p50_ms\": %.2f, \"p99_ms\": %.2f, \"clients\": %d, \"ops_per_client\": %d, ",
	       n, err, wall, wall > 0 ? (double)n / wall : 0.0,
	       nlat ? lat[nlat / 2] * 1000.0 : -1.0,
	       nlat ? lat[nlat * 99 / 100 < nlat ? nlat * 99 / 100 : nlat - 1] * 1000.0 : -1.0,
	       o->clients, o->ops);
	printf("\"mix\": {");
	for (j = 0; j < 7; j++)
		printf("%s\"%s\": %ld", j ? ", " : "", op_names[j], ops[j]);
	printf("}, \"exists_before\": %ld, \"appended\": %ld, \"expunged\": %ld, "
	       "\"uncertain\": %ld, \"exists_after\": %ld, \"exists_expected\": %ld, "
	       "\"lost\": %ld, \"duplicated\": %ld, \"resurrected\": %ld, \"uid_not_ascending\": %ld, "
	       "\"appenduid_mismatch\": %ld, \"verified\": %d, \"first_error\": ",
	       m->exists0, appended - uncertain, expunged, uncertain, exists_after,
	       m->exists0 + appended - uncertain - expunged, lost, dup, res, uiddup, uidmis,
	       verr == NULL);
	json_str(stdout, first);
	printf(", \"last_error\": ");
	json_str(stdout, last);
	printf("}\n");
	free(lat);
	return verr == NULL && n > 0 ? 0 : 1;
}

/* ------------------------------------------------------------------ spawn plumbing */

static struct shared *spawn_workers(int clients, void (*fn)(int, struct shared *, void *),
				    void *extra, double *wall_r)
{
	struct shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int go[2], readyp[2], i;
	char ch;
	double t0;

	if (sh == MAP_FAILED || pipe(go) < 0 || pipe(readyp) < 0)
		abort();
	sh->start = 1e18;
	fflush(NULL);
	for (i = 0; i < clients; i++) {
		pid_t pid = fork();

		if (pid < 0)
			abort();
		if (pid == 0) {
			close(go[1]);
			close(readyp[0]);
			g_go_rd = go[0];
			g_ready_wr = readyp[1];
			fn(i, sh, extra);
			_exit(0);
		}
	}
	close(go[0]);
	close(readyp[1]);
	for (i = 0; i < clients; i++)
		if (read(readyp[0], &ch, 1) != 1)
			break;
	sh->start = now() + 0.02;
	t0 = sh->start;
	close(go[1]);
	while (wait(NULL) > 0)
		;
	if (wall_r != NULL)
		*wall_r = now() - t0;
	close(readyp[0]);
	return sh;
}

/* ------------------------------------------------------------------ trivial server */

static gnutls_certificate_credentials_t server_cred;
static char *trivial_body;
#define TRIVIAL_BODY 65536

static void *trivial_conn(void *arg)
{
	struct conn c = { .fd = (int)(intptr_t)arg };
	char *line, tag[64], word[32], out[256];
	size_t len;
	int one = 1;

	c.cap = 1 << 16;
	c.buf = malloc(c.cap);
	setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (server_cred != NULL) {
		int r;

		gnutls_init(&c.tls, GNUTLS_SERVER);
		gnutls_set_default_priority(c.tls);
		gnutls_credentials_set(c.tls, GNUTLS_CRD_CERTIFICATE, server_cred);
		gnutls_transport_set_int(c.tls, c.fd);
		do
			r = gnutls_handshake(c.tls);
		while (r < 0 && !gnutls_error_is_fatal(r));
		if (r < 0)
			goto out;
	}
#define SAY(s) c_send(&c, s, strlen(s))
	if (SAY("* OK [CAPABILITY IMAP4rev1 AUTH=CRAM-MD5 IDLE UIDPLUS] trivial\r\n") < 0)
		goto out;
	for (;;) {
		if (c_line(&c, &line, &len) < 0)
			break;
		tag[0] = word[0] = '\0';
		sscanf(line, "%63s %31s", tag, word);
		if (strcasecmp(word, "AUTHENTICATE") == 0) {
			SAY("+ PDEyMzQ1QHRyaXZpYWw+\r\n");
			if (c_line(&c, &line, &len) < 0)
				break;
		} else if (strcasecmp(word, "SELECT") == 0) {
			SAY("* 1000 EXISTS\r\n");
		} else if (strcasecmp(word, "FETCH") == 0) {
			int i;

			for (i = 1; i <= 1000; i++) {
				snprintf(out, sizeof(out), "* %d FETCH (BODY[] {%d}\r\n", i,
					 TRIVIAL_BODY);
				if (SAY(out) < 0 || c_send(&c, trivial_body, TRIVIAL_BODY) < 0 ||
				    SAY(")\r\n") < 0)
					goto out;
			}
		} else if (strcasecmp(word, "LOGOUT") == 0) {
			snprintf(out, sizeof(out), "* BYE bye\r\n%s OK done\r\n", tag);
			SAY(out);
			break;
		}
		snprintf(out, sizeof(out), "%s OK done\r\n", tag);
		if (SAY(out) < 0)
			break;
	}
out:
	if (c.tls != NULL)
		gnutls_bye(c.tls, GNUTLS_SHUT_WR);
	c_close(&c);
	return NULL;
}

static int trivial_server(int port, const char *cert)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	signal(SIGPIPE, SIG_IGN);
	trivial_body = malloc(TRIVIAL_BODY);
	memset(trivial_body, 'x', TRIVIAL_BODY);
	memcpy(trivial_body + TRIVIAL_BODY - 2, "\r\n", 2);
	if (cert != NULL) {
		if (gnutls_certificate_allocate_credentials(&server_cred) < 0 ||
		    gnutls_certificate_set_x509_key_file(server_cred, cert, cert,
							 GNUTLS_X509_FMT_PEM) < 0) {
			fprintf(stderr, "loadgen: cannot load %s\n", cert);
			return 1;
		}
	}
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(s, 1024) < 0) {
		perror("loadgen: bind");
		return 1;
	}
	for (;;) {
		int fd = accept(s, NULL, NULL);
		pthread_t t;

		if (fd < 0)
			continue;
		if (pthread_create(&t, NULL, trivial_conn, (void *)(intptr_t)fd) != 0)
			close(fd);
		else
			pthread_detach(t);
	}
}

static int free_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t l = sizeof(sin);
	int s = socket(AF_INET, SOCK_STREAM, 0), port;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(s, (struct sockaddr *)&sin, sizeof(sin));
	getsockname(s, (struct sockaddr *)&sin, &l);
	port = ntohs(sin.sin_port);
	close(s);
	return port;
}

/* Runs one measurement in a child with stdout to a pipe; returns its JSON line. */
static char *capture_run(int (*fn)(struct opts *), struct opts *o)
{
	int p[2];
	pid_t pid;
	static char out[8192];
	size_t n = 0;
	ssize_t r;

	if (pipe(p) < 0)
		abort();
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		int rc = fn(o);

		fflush(stdout);
		_exit(rc);
	}
	close(p[1]);
	while (n < sizeof(out) - 1 && (r = read(p[0], out + n, sizeof(out) - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = '\0';
	while (n > 0 && out[n - 1] == '\n')
		out[--n] = '\0';
	close(p[0]);
	waitpid(pid, NULL, 0);
	return n ? out : (char *)"null";
}

static int cmd_ceiling(struct opts *o)
{
	int port = free_port(), tport = o->cert ? free_port() : 0, i;
	pid_t srv, tsrv = -1;
	struct opts c = *o;
	static const char *peek[] = { "FETCH {range} BODY.PEEK[]" };

	srv = fork();
	if (srv == 0)
		_exit(trivial_server(port, NULL));
	if (o->cert) {
		tsrv = fork();
		if (tsrv == 0)
			_exit(trivial_server(tport, o->cert));
	}
	for (i = 0; i < 200; i++) {
		struct conn probe;
		struct opts po = *o;

		po.port = port;
		po.tls = 0;
		if (c_open(&probe, &po) == 0) {
			c_close(&probe);
			break;
		}
		c_close(&probe);
		usleep(20000);
	}
	usleep(100000);
	c.mech = "CRAM-MD5";
	c.user = "u";
	c.pass = "p";
	printf("{");
	for (int tls = 0; tls <= (o->cert ? 1 : 0); tls++) {
		const char *sfx = tls ? "_tls" : "";

		c.port = tls ? tport : port;
		c.tls = tls;
		c.mech = tls ? "LOGIN" : "CRAM-MD5";
		for (int k = 0; k < 2; k++) {
			c.clients = k ? 16 : 1;
			printf("%s\"conn_rate%s_%d\": %s", tls || k ? ", " : "", sfx, c.clients,
			       capture_run(cmd_conn, &c));
		}
		c.select = 1;
		c.newest = 1000;
		c.cmds[0] = peek[0];
		c.ncmds = 1;
		printf(", \"body_peek%s\": %s", sfx, capture_run(cmd_cmd, &c));
		c.select = 0;
		c.ncmds = 0;
	}
	printf(", \"body_bytes\": %d}\n", 1000 * TRIVIAL_BODY);
	kill(srv, SIGTERM);
	if (tsrv > 0)
		kill(tsrv, SIGTERM);
	waitpid(srv, NULL, 0);
	if (tsrv > 0)
		waitpid(tsrv, NULL, 0);
	return 0;
}

/* ------------------------------------------------------------------ main */

static void usage(void)
{
	fprintf(stderr, "usage: loadgen conn|cmd|mixed|trivial-server|ceiling [options] "
			"(see the comment at the top of bench/loadgen.c)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct opts o = { .port = 0, .clients = 1, .duration = 3, .mech = "CRAM-MD5",
			  .user = "testuser", .pass = "password", .newest = 1000, .ops = 20,
			  .runid = "0" };
	const char *mode;
	int ch;

	if (argc < 2)
		usage();
	mode = argv[1];
	optind = 2;
	while ((ch = getopt(argc, argv, "p:tm:u:w:c:d:nsk:x:o:r:C:")) != -1) {
		switch (ch) {
		case 'p': o.port = atoi(optarg); break;
		case 't': o.tls = 1; break;
		case 'm': o.mech = optarg; break;
		case 'u': o.user = optarg; break;
		case 'w': o.pass = optarg; break;
		case 'c': o.clients = atoi(optarg); break;
		case 'd': o.duration = atof(optarg); break;
		case 'n': o.no_select = 1; break;
		case 's': o.select = 1; break;
		case 'k': o.newest = atoi(optarg); break;
		case 'x':
			if (o.ncmds < MAX_CMDS)
				o.cmds[o.ncmds++] = optarg;
			break;
		case 'o': o.ops = atoi(optarg); break;
		case 'r': o.runid = optarg; break;
		case 'C': o.cert = optarg; break;
		default: usage();
		}
	}
	if (o.clients < 1 || o.clients > MAX_CLIENTS || o.ops < 1)
		usage();
	signal(SIGPIPE, SIG_IGN);
	if (strcmp(mode, "conn") == 0)
		return cmd_conn(&o);
	if (strcmp(mode, "cmd") == 0)
		return cmd_cmd(&o);
	if (strcmp(mode, "mixed") == 0)
		return cmd_mixed(&o);
	if (strcmp(mode, "trivial-server") == 0)
		return trivial_server(o.port, o.cert);
	if (strcmp(mode, "ceiling") == 0)
		return cmd_ceiling(&o);
	usage();
	return 2;
}
