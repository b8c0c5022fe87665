/* imap-login: the IMAP login program (DESIGN.md §2). Run by hato-tcpd as
 *   imap-login <mail program> [args...]      e.g.  imap-login imapd Maildir
 * The parent stays root and authenticates; a forked child, chrooted and unprivileged, speaks
 * TLS and the not-authenticated state (imap-login-session.h) and relays logins to the parent.
 * After a login the child sends the tagged OK itself and hands the connection (and the bytes
 * pipelined after the login command) on; the mail program sends no greeting. */
#include "config.h"
#include "imap-login-capa.h"
#include "imap-login-session.h"
#include "imap-parser.h"
#include "env.h"
#include "login-conn.h"
#include "log.h"
#include "safe-io.h"
#include "tls.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Input buffer of the child: also the bound on a SASL response line and on the bytes a client
 * may pipeline after its login command. */
#define IMAP_LOGIN_INBUF (IMAP_LOGIN_MAX_SASL_LINE + 2)
/* Pre-auth parser limits: logins are short; nothing needs big literals before login. */
#define IMAP_LOGIN_MAX_LINE 8192
#define IMAP_LOGIN_MAX_LITERAL 8192

static const struct login_service imap_login_service = {
	.service = "imap",
	.protocol = "IMAP",
	.tls_env = "IMAP_TLS",
	.account_refusal = imap_login_account_refusal,
};

/* Set for the idle-timeout goodbye on a plain connection (a TLS record cannot be written from
 * a signal handler: there the connection just closes). */
static volatile sig_atomic_t imap_login_plain = 1;

static void imap_login_alarm(int sig)
{
	static const char bye[] = "* BYE Disconnected for inactivity.\r\n";
	ssize_t ignored;

	(void)sig;
	if (imap_login_plain)
		ignored = write(1, bye, sizeof(bye) - 1);
	(void)ignored;
	_exit(1);
}

/* Relay the action to the parent and feed its answer into the session. 0 = go on (out holds
 * the answer), 1 = logged in (out holds the tagged OK), -1 = end. */
static int imap_login_relay(struct imap_login_session *s, int sock,
			    const struct imap_login_action *act, struct buf *out)
{
	const char *secured = imap_login_session_tls_active(s) ? "1" : "0";
	const char *f[3];
	enum login_proto_type type;
	unsigned int n;
	enum login_verdict verdict;
	struct imap_login_action next;
	enum imap_login_result result;
	char *text;

	switch (act->kind) {
	case IMAP_LOGIN_AUTH_START:
		f[0] = act->mech, f[1] = login_initial_response_field(act->data), f[2] = secured;
		type = LOGIN_MSG_AUTH_START, n = 3;
		break;
	case IMAP_LOGIN_AUTH_CONTINUE:
		f[0] = act->data, type = LOGIN_MSG_AUTH_CONTINUE, n = 1;
		break;
	default: /* IMAP_LOGIN_LOGIN */
		f[0] = act->user, f[1] = act->pass, f[2] = secured;
		type = LOGIN_MSG_USERPASS, n = 3;
		break;
	}
	verdict = login_child_ask(sock, type, f, n, &text);
	if (verdict == LOGIN_VERDICT_CHALLENGE) {
		imap_login_session_auth_challenge(s, text != NULL ? text : "", out);
		free(text);
		return 0;
	}
	result = verdict == LOGIN_VERDICT_OK	     ? IMAP_LOGIN_OK
		 : verdict == LOGIN_VERDICT_REFUSED ? IMAP_LOGIN_REFUSED
		 : verdict == LOGIN_VERDICT_TEMPFAIL ? IMAP_LOGIN_TEMPFAIL
						     : IMAP_LOGIN_FAILED;
	imap_login_session_auth_result(s, result, text, out, &next);
	free(text);
	if (result == IMAP_LOGIN_OK)
		return 1;
	login_sleep_ms(imap_login_session_delay_ms(s));
	return next.kind == IMAP_LOGIN_DISCONNECT ? -1 : 0;
}

/* The SASL response line at in[*pos..*inlen), reading more as needed (the buffer is compacted
 * first). Returns 1 with the line (CR LF stripped) in *line_r / *len_r and *pos past it, 2 when
 * the line is too long (its start is dropped; the rest is skipped later as garbage commands),
 * 0 at EOF or error. */
static int imap_login_sasl_line(struct login_conn *c, char *in, size_t *pos, size_t *inlen,
				unsigned int timeout, const char **line_r, size_t *len_r)
{
	for (;;) {
		char *lf = memchr(in + *pos, '\n', *inlen - *pos);
		ssize_t n;

		if (lf != NULL) {
			size_t len = (size_t)(lf - (in + *pos));

			*line_r = in + *pos;
			*len_r = len > 0 && lf[-1] == '\r' ? len - 1 : len;
			*pos += len + 1;
			return 1;
		}
		if (*pos > 0) {
			memmove(in, in + *pos, *inlen - *pos);
			*inlen -= *pos;
			*pos = 0;
		}
		if (*inlen == IMAP_LOGIN_INBUF) {
			*pos = *inlen = 0;
			return 2;
		}
		n = login_conn_read(c, in + *inlen, IMAP_LOGIN_INBUF - *inlen);
		if (n <= 0)
			return 0;
		*inlen += (size_t)n;
		alarm(timeout);
	}
}

static struct imap_parser *imap_login_parser_new(void)
{
	struct imap_parser_limits limits = {
		.max_line = IMAP_LOGIN_MAX_LINE,
		.max_literal = IMAP_LOGIN_MAX_LITERAL,
		.max_append_literal = IMAP_LOGIN_MAX_LITERAL,
		.max_depth = 4,
		.max_args = 128,
		.max_literals = 8,
	};

	return imap_parser_new(&limits);
}

static void imap_login_settings_init(struct imap_login_settings *set, int tls_implicit)
{
	set->tls_active = tls_implicit;
	set->tls_required = env_bool("IMAP_TLS_REQUIRED");
	set->capability = getenv("IMAP_CAPABILITY");
	set->capability_tls = getenv("IMAP_CAPABILITY_TLS");
	set->delay = (struct imap_login_delay)IMAP_LOGIN_DELAY_DEFAULT;
	if (getenv("HATO_LOGIN_DELAY_MS") != NULL)
		set->delay.base_ms = set->delay.max_ms =
			(unsigned int)strtoul(getenv("HATO_LOGIN_DELAY_MS"), NULL, 10);
}

/* The child: returns its exit code. */
static int imap_login_child(int sock, int tls_implicit)
{
	struct imap_login_settings set = { 0 };
	struct login_conn conn = { 0 };
	struct tls_server *server = NULL;
	struct imap_login_session *s;
	struct imap_parser *parser;
	struct buf out = BUF_INIT;
	static char in[IMAP_LOGIN_INBUF];
	size_t inlen = 0, pos = 0;
	const char *error, *starttls = getenv("IMAP_STARTTLS");
	struct sigaction sa;
	unsigned int timeout;
	int ret = 1, linger = 1;

	imap_login_settings_init(&set, tls_implicit);
	/* Credentials are read while the files are still reachable, before the chroot. STARTTLS
	 * needs a certificate and, when IMAP_STARTTLS is set (Courier), a y/Y/1 there. */
	if (tls_implicit) {
		if (tls_server_new_from_env(&server, &error) < 0) {
			log_warnx("TLS: %s", error);
			return 1;
		}
	} else if (getenv("TLS_CERTFILE") != NULL &&
		   (starttls == NULL || env_bool("IMAP_STARTTLS"))) {
		/* Only read now; parsed on STARTTLS (most plain connections never ask, and
		 * parsing the key and certificate is most of a login child's CPU and memory). */
		if (tls_server_preload_env(&error) < 0)
			log_warnx("TLS: %s", error);
		else
			set.tls_available = 1;
	}
	if (login_child_drop(&error) < 0) {
		log_warnx("login child: %s", error);
		return 1;
	}
	timeout = login_child_timeout();
	/* Our own handler: the framework's ends the child without the "* BYE" RFC 3501 asks for. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = imap_login_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarm(timeout);
	if (tls_implicit) {
		imap_login_plain = 0;
		if (tls_server_start(server, 0, 1, &conn.tls, &error) < 0) {
			log_warnx("TLS handshake: %s", error);
			return 1;
		}
	}
	s = imap_login_session_new(&set);
	parser = imap_login_parser_new();
	imap_login_session_greeting(s, &out);
	if (login_conn_write(&conn, &out) < 0)
		goto end;
	for (;;) {
		struct imap_login_action act;
		enum imap_parse_result r;
		enum imap_login_action_kind kind;
		size_t used;
		ssize_t n;

		if (imap_login_session_wants_line(s)) {
			const char *line = NULL;
			size_t len = 0;
			int lr = imap_login_sasl_line(&conn, in, &pos, &inlen, timeout, &line, &len);

			if (lr == 0)
				break;
			kind = imap_login_session_sasl_line(s, line, len, lr == 2, &out, &act);
		} else {
			if (pos == inlen) {
				n = login_conn_read(&conn, in, sizeof(in));
				if (n <= 0)
					break;
				inlen = (size_t)n;
				pos = 0;
				alarm(timeout);
			}
			r = imap_parser_feed(parser, in + pos, inlen - pos, &used);
			pos += used;
			if (r == IMAP_PARSE_NEED_MORE)
				continue;
			if (r == IMAP_PARSE_CONTINUE) {
				imap_login_session_literal_continue(&out);
				if (login_conn_write(&conn, &out) < 0)
					break;
				continue;
			}
			kind = r == IMAP_PARSE_OK
				       ? imap_login_session_command(s, imap_parser_command(parser),
								    &out, &act)
				       : imap_login_session_parse_error(s, imap_parser_error(parser),
									&out, &act);
		}
		if (kind == IMAP_LOGIN_AUTH_START || kind == IMAP_LOGIN_AUTH_CONTINUE ||
		    kind == IMAP_LOGIN_LOGIN) {
			int rr;

			/* Waiting for the verdict (authdaemond's growing failure delay, bounded
			 * by the auth client's own timeouts) is not the client idling. */
			alarm(0);
			rr = imap_login_relay(s, sock, &act, &out);
			alarm(timeout);
			if (rr == 1) {
				/* The tagged OK goes out before the handoff, so that it precedes
				 * every answer of imapd to the pipelined commands. */
				if (login_conn_write(&conn, &out) < 0)
					break;
				ret = login_conn_handoff(&conn, sock, in + pos, inlen - pos, 0) < 0;
				/* Plain: fd 0 is imapd's now and must not be shut down here. */
				linger = conn.tls != NULL;
				goto end;
			}
			if (login_conn_write(&conn, &out) < 0 || rr < 0)
				break;
			continue;
		}
		if (kind == IMAP_LOGIN_AUTH_CANCEL)
			login_child_send(sock, LOGIN_MSG_AUTH_CANCEL, NULL, 0);
		if (login_conn_write(&conn, &out) < 0)
			break;
		if (kind == IMAP_LOGIN_LOGOUT) {
			ret = 0;
			break;
		}
		if (kind == IMAP_LOGIN_DISCONNECT)
			break;
		if (kind == IMAP_LOGIN_START_TLS) {
			/* CVE-2011-0411: nothing received before the handshake is ever executed. */
			imap_parser_free(&parser);
			parser = imap_login_parser_new();
			pos = inlen = 0;
			imap_login_plain = 0;
			if (server == NULL && tls_server_new_from_env(&server, &error) < 0) {
				log_warnx("TLS: %s", error);
				break;
			}
			if (tls_server_start(server, 0, 1, &conn.tls, &error) < 0) {
				log_warnx("STARTTLS handshake: %s", error);
				break;
			}
			imap_login_session_tls_started(s);
		}
	}
end:
	secure_zero(in, sizeof(in));
	buf_free(&out);
	imap_parser_free(&parser);
	imap_login_session_free(&s);
	if (conn.tls != NULL)
		tls_session_free(conn.tls);
	if (server != NULL)
		tls_server_free(server);
	if (linger)
		login_child_linger();
	return ret;
}

/* Log once at start what the configuration asks for but imapd does not implement yet. */
static void imap_login_log_dropped(const char *name)
{
	struct buf dropped = BUF_INIT;

	imap_login_capa_dropped(&dropped, getenv(name));
	if (dropped.len > 0)
		log_info("%s: not advertised (not implemented yet): %s", name, buf_cstr(&dropped));
	buf_free(&dropped);
}

static int imap_login_child_main(int sock, void *arg)
{
	return imap_login_child(sock, *(const int *)arg);
}

int main(int argc, char **argv)
{
	int tls_implicit = env_bool("HATO_TLS");

	log_init("imap-login", LOG_TARGET_STDERR);
	if (argc < 2) {
		fprintf(stderr, "usage: imap-login <mail program> [args...]\n");
		return 1;
	}
	imap_login_log_dropped(tls_implicit ? "IMAP_CAPABILITY_TLS" : "IMAP_CAPABILITY");
	return login_main(&imap_login_service, argv + 1, tls_implicit, NULL, imap_login_child_main,
			  &tls_implicit);
}
