/* Test driver (not installed): replays a POP3 client byte stream through the login and the
 * transaction state machines over an in-memory mailbox described by a fixture file, and writes
 * the server's bytes to stdout. Formats: tests/transcripts/README.md.
 * Usage: pop3-transcript-driver [-1] [-d DELETED_FILE] FIXTURE < CLIENT_BYTES > SERVER_BYTES
 *   -1  feed each packet one byte at a time (the output must not change)
 *   -d  write the UIDLs that QUIT deletes, one a line */
#include "config.h"
#include "pop3-login-session.h"
#include "pop3-session.h"
#include "buf.h"
#include "strutil.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_MSGS 100
#define MAX_PACKETS 64

struct fixture {
	struct pop3_login_settings set;
	char *user, *pass, *options;
	char *apop_user, *apop_digest;
	unsigned int count;
	struct pop3_mailbox_msg msgs[MAX_MSGS];
	struct buf bodies[MAX_MSGS];
};

static struct fixture fx;

static void die(const char *what)
{
	fprintf(stderr, "pop3-transcript-driver: %s\n", what);
	exit(2);
}

/* C-like escapes: \n \r \t \\ \xHH. */
static void unescape(const char *s, struct buf *out)
{
	for (; *s != '\0'; s++) {
		if (*s != '\\') {
			buf_putc(out, *s);
			continue;
		}
		switch (*++s) {
		case 'n':
			buf_putc(out, '\n');
			break;
		case 'r':
			buf_putc(out, '\r');
			break;
		case 't':
			buf_putc(out, '\t');
			break;
		case '\\':
			buf_putc(out, '\\');
			break;
		case 'x':
			if (str_hex_digit(s[1]) < 0 || str_hex_digit(s[2]) < 0)
				die("bad \\x escape in fixture");
			buf_putc(out, (char)(str_hex_digit(s[1]) * 16 + str_hex_digit(s[2])));
			s += 2;
			break;
		default:
			die("bad escape in fixture");
		}
	}
}

/* Split off the next space-separated word of *p ("" at the end). */
static char *word(char **p)
{
	char *w = *p, *e;

	while (*w == ' ')
		w++;
	e = w + strcspn(w, " ");
	*p = *e != '\0' ? e + 1 : e;
	*e = '\0';
	return w;
}

static void set_option(struct fixture *f, const char *name, char *value)
{
	if (strcmp(name, "tls_active") == 0)
		f->set.tls_active = atoi(value);
	else if (strcmp(name, "tls_available") == 0)
		f->set.tls_available = atoi(value);
	else if (strcmp(name, "tls_required") == 0)
		f->set.tls_required = atoi(value);
	else if (strcmp(name, "allow_user") == 0)
		f->set.allow_user = atoi(value);
	else if (strcmp(name, "max_failures") == 0)
		f->set.max_failures = (unsigned int)atoi(value);
	else if (strcmp(name, "auth_mechs") == 0)
		f->set.auth_mechs = xstrdup(value);
	else if (strcmp(name, "auth_mechs_tls") == 0)
		f->set.auth_mechs_tls = xstrdup(value);
	else if (strcmp(name, "apop") == 0)
		f->set.apop_timestamp = xstrdup(value);
	else
		die("unknown setting in fixture");
}

static void read_fixture(const char *path, struct fixture *f)
{
	FILE *fp = fopen(path, "r");
	char line[8192];

	if (fp == NULL)
		die("cannot open fixture");
	f->set.allow_user = 1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *p = line, *key;

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		key = word(&p);
		if (strcmp(key, "set") == 0) {
			char *name = word(&p);
			set_option(f, name, p);
		} else if (strcmp(key, "user") == 0) {
			f->user = xstrdup(word(&p));
			f->pass = xstrdup(word(&p));
			f->options = xstrdup(word(&p));
		} else if (strcmp(key, "apop") == 0) {
			f->apop_user = xstrdup(word(&p));
			f->apop_digest = xstrdup(word(&p));
		} else if (strcmp(key, "msg") == 0) {
			struct buf *b = &f->bodies[f->count];

			if (f->count == MAX_MSGS)
				die("too many messages in fixture");
			f->msgs[f->count].uidl = xstrdup(word(&p));
			unescape(p, b);
			f->msgs[f->count].size = pop3_output_size(b->data, b->len);
			f->count++;
		} else {
			die("unknown fixture line");
		}
	}
	fclose(fp);
}

static int b64val(char c)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c != '\0' ? strchr(tab, c) : NULL;

	return p == NULL ? -1 : (int)(p - tab);
}

/* Lenient base64 decoding, enough for the fake PLAIN check. */
static void b64decode(const char *s, struct buf *out)
{
	unsigned int acc = 0, bits = 0;

	for (; *s != '\0' && *s != '='; s++) {
		int v = b64val(*s);

		if (v < 0)
			return;
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_putc(out, (char)((acc >> bits) & 0xff));
		}
	}
}

static enum pop3_login_result check_user(const char *user, const char *pass, int tls,
					 const char **refusal_r)
{
	if (fx.user == NULL || strcmp(user, fx.user) != 0 || strcmp(pass, fx.pass) != 0)
		return POP3_LOGIN_FAILED;
	*refusal_r = pop3_login_account_refusal(fx.options, tls);
	return *refusal_r != NULL ? POP3_LOGIN_REFUSED : POP3_LOGIN_OK;
}

/* PLAIN (RFC 4616): authzid NUL authcid NUL passwd. */
static enum pop3_login_result check_plain(const char *b64, int tls, const char **refusal_r)
{
	struct buf d = BUF_INIT;
	enum pop3_login_result r = POP3_LOGIN_FAILED;
	const char *authcid, *pass, *end;

	b64decode(b64, &d);
	end = buf_cstr(&d) + d.len;
	authcid = memchr(buf_cstr(&d), '\0', d.len);
	if (authcid != NULL && ++authcid < end) {
		pass = memchr(authcid, '\0', (size_t)(end - authcid));
		if (pass != NULL) {
			pass++;
			if (strlen(pass) == (size_t)(end - pass))
				r = check_user(authcid, pass, tls, refusal_r);
		}
	}
	buf_free_secure(&d);
	return r;
}

/* The fake authenticating parent: the outcome of one login action. */
static enum pop3_login_result fake_auth(const struct pop3_login_action *act, int tls,
					const char **refusal_r)
{
	switch (act->kind) {
	case POP3_LOGIN_USERPASS:
		return check_user(act->user, act->pass, tls, refusal_r);
	case POP3_LOGIN_APOP:
		if (fx.apop_user == NULL || strcmp(act->user, fx.apop_user) != 0 ||
		    strcmp(act->pass, fx.apop_digest) != 0)
			return POP3_LOGIN_FAILED;
		return check_user(act->user, fx.pass, tls, refusal_r);
	case POP3_LOGIN_AUTH_START:
		if (strcmp(act->mech, "PLAIN") != 0)
			return POP3_LOGIN_FAILED; /* the fake knows only PLAIN */
		return check_plain(act->data, tls, refusal_r);
	default:
		return check_plain(act->data, tls, refusal_r);
	}
}

static int stream(void *ctx, unsigned int idx, pop3_mailbox_sink_fn *sink, void *sink_ctx,
		  const char **error_r)
{
	const struct buf *b = &fx.bodies[idx];

	(void)ctx;
	(void)error_r;
	/* Small chunks, so lines span chunk boundaries as with a real file. */
	for (size_t pos = 0; pos < b->len; pos += 5)
		if (sink(sink_ctx, b->data + pos, b->len - pos < 5 ? b->len - pos : 5) != 0)
			break;
	return 0;
}

static int write_stdout(void *ctx, const void *data, size_t len)
{
	(void)ctx;
	return fwrite(data, 1, len, stdout) == len ? 0 : -1;
}

static void flush_out(struct buf *out)
{
	write_stdout(NULL, out->data, out->len);
	buf_reset(out);
}

struct packets {
	size_t n;
	const char *data[MAX_PACKETS];
	size_t len[MAX_PACKETS];
};

/* The client bytes split at lines that are exactly "@@@". */
static void split_packets(const struct buf *all, struct packets *pk)
{
	const char *p = buf_cstr(all), *end = p + all->len;

	pk->n = 0;
	for (;;) {
		const char *mark = NULL;

		for (const char *q = p; q + 4 <= end; q++) {
			if ((q == all->data || q[-1] == '\n') && memcmp(q, "@@@\n", 4) == 0) {
				mark = q;
				break;
			}
		}
		if (pk->n == MAX_PACKETS)
			die("too many packets");
		pk->data[pk->n] = p;
		pk->len[pk->n] = (size_t)((mark != NULL ? mark : end) - p);
		pk->n++;
		if (mark == NULL)
			break;
		p = mark + 4;
	}
}

/* Position in the client stream. */
struct cursor {
	size_t pk;
	size_t pos;
};

/* AUTHORIZATION, as the login child runs it. Returns 1 when logged in (cur then points at
 * the first byte not consumed), 0 when the connection ends. */
static int run_login(const struct packets *pk, int bytewise, struct cursor *cur)
{
	struct pop3_parser *p = pop3_parser_new(0);
	struct pop3_login_session *ls = pop3_login_session_new(&fx.set);
	struct buf out = BUF_INIT;
	int result = 0;

	pop3_login_session_greeting(ls, &out);
	flush_out(&out);
	for (; cur->pk < pk->n; cur->pk++, cur->pos = 0) {
		while (cur->pos < pk->len[cur->pk]) {
			struct pop3_command cmd;
			struct pop3_login_action act;
			size_t avail = bytewise ? 1 : pk->len[cur->pk] - cur->pos, used;
			enum pop3_parser_result r =
				pop3_parser_feed(p, pk->data[cur->pk] + cur->pos, avail, &used, &cmd);
			enum pop3_login_action_kind k;

			cur->pos += used;
			if (r == POP3_PARSER_NEED_MORE)
				continue;
			k = r == POP3_PARSER_COMMAND ? pop3_login_session_command(ls, &cmd, &out, &act)
						     : pop3_login_session_parse_error(ls, r, &out, &act);
			while (k != POP3_LOGIN_NONE && k != POP3_LOGIN_AUTH_CANCEL) {
				const char *refusal = NULL;
				enum pop3_login_result res;

				if (k == POP3_LOGIN_QUIT || k == POP3_LOGIN_DISCONNECT)
					goto end;
				if (k == POP3_LOGIN_START_TLS) {
					/* Bytes that came with STLS are dropped; the handshake is
					 * simulated. */
					pop3_parser_discard(p);
					cur->pos = pk->len[cur->pk];
					pop3_login_session_tls_started(ls);
					break;
				}
				if (k == POP3_LOGIN_AUTH_START && act.data == NULL &&
				    strcmp(act.mech, "PLAIN") == 0) {
					pop3_login_session_auth_challenge(ls, "", &out);
					break;
				}
				res = fake_auth(&act, pop3_login_session_tls_active(ls), &refusal);
				/* The delay is not slept: transcripts check bytes, not time. */
				k = pop3_login_session_auth_result(ls, res, refusal, &out, &act);
				if (pop3_login_session_logged_in(ls)) {
					result = 1;
					goto end;
				}
			}
			flush_out(&out);
		}
	}
end:
	flush_out(&out);
	buf_free(&out);
	pop3_login_session_free(&ls);
	pop3_parser_free(&p);
	return result;
}

static void write_deletions(const struct pop3_session *ts, const char *path)
{
	const unsigned int *idx;
	unsigned int n = pop3_session_deletions(ts, &idx);
	FILE *df;

	if (path == NULL)
		return;
	df = fopen(path, "w");
	if (df == NULL)
		die("cannot write the deletions file");
	for (unsigned int i = 0; i < n; i++)
		fprintf(df, "%s\n", fx.msgs[idx[i]].uidl);
	fclose(df);
}

/* TRANSACTION / UPDATE, as pop3d runs it on the bytes the login child left. */
static void run_transaction(const struct packets *pk, int bytewise, struct cursor *cur,
			    const char *deleted_path)
{
	struct pop3_mailbox box = { fx.count, fx.msgs, stream, NULL };
	struct pop3_parser *p = pop3_parser_new(0);
	struct pop3_session *ts = pop3_session_new(&box, write_stdout, NULL);

	if (pop3_session_begin(ts) != POP3_SESSION_NONE)
		goto end;
	for (; cur->pk < pk->n; cur->pk++, cur->pos = 0) {
		while (cur->pos < pk->len[cur->pk]) {
			struct pop3_command cmd;
			size_t avail = bytewise ? 1 : pk->len[cur->pk] - cur->pos, used;
			enum pop3_parser_result r =
				pop3_parser_feed(p, pk->data[cur->pk] + cur->pos, avail, &used, &cmd);
			enum pop3_session_action a = POP3_SESSION_NONE;

			cur->pos += used;
			pop3_session_count_received(ts, used);
			if (r == POP3_PARSER_COMMAND)
				a = pop3_session_command(ts, &cmd);
			else if (r != POP3_PARSER_NEED_MORE)
				a = pop3_session_parse_error(ts, r);
			if (a == POP3_SESSION_DISCONNECT)
				goto end;
			if (a == POP3_SESSION_QUIT) {
				write_deletions(ts, deleted_path);
				pop3_session_quit_done(ts, 0);
				goto end;
			}
		}
	}
end:
	pop3_session_free(&ts);
	pop3_parser_free(&p);
}

int main(int argc, char **argv)
{
	int bytewise = 0, opt;
	const char *deleted_path = NULL;
	struct buf all = BUF_INIT;
	struct packets pk;
	struct cursor cur = { 0, 0 };
	char chunk[4096];
	size_t n;

	while ((opt = getopt(argc, argv, "1d:")) != -1) {
		if (opt == '1')
			bytewise = 1;
		else if (opt == 'd')
			deleted_path = optarg;
		else
			die("usage: pop3-transcript-driver [-1] [-d DELETED] FIXTURE");
	}
	if (optind + 1 != argc)
		die("usage: pop3-transcript-driver [-1] [-d DELETED] FIXTURE");
	read_fixture(argv[optind], &fx);
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		buf_append(&all, chunk, n);
	split_packets(&all, &pk);
	if (deleted_path != NULL)
		unlink(deleted_path);
	if (run_login(&pk, bytewise, &cur))
		run_transaction(&pk, bytewise, &cur, deleted_path);
	buf_free(&all);
	return fflush(stdout) == 0 ? 0 : 1;
}
