/* pop3-login: the POP3 login program (DESIGN.md §2). Run by hato-tcpd as
 *   pop3-login <mail program> [args...]      e.g.  pop3-login pop3d Maildir
 * The parent stays root and authenticates; a forked child, chrooted and unprivileged, speaks
 * TLS and the AUTHORIZATION state (pop3-login-session.h) and relays logins to the parent. */
#include "env.h"
#include "login-conn.h"
#include "log.h"
#include "pop3-login-session.h"
#include "pop3-parser.h"
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

#define POP3_LOGIN_INBUF 4096

static const struct login_service pop3_login_service = {
	.service = "pop3",
	.protocol = "POP3",
	.tls_env = "POP3_TLS",
	.account_refusal = pop3_login_account_refusal,
};

/* Relay the action to the parent and feed its answer into the session. 0 = go on (out holds
 * the answer), 1 = logged in, -1 = end. */
static int pop3_login_relay(struct pop3_login_session *s, int sock, const char *apop_timestamp,
			    const struct pop3_login_action *act, struct buf *out)
{
	const char *secured = pop3_login_session_tls_active(s) ? "1" : "0";
	const char *f[4];
	enum login_proto_type type;
	unsigned int n;
	enum login_verdict verdict;
	struct pop3_login_action next;
	enum pop3_login_result result;
	char *text;

	switch (act->kind) {
	case POP3_LOGIN_AUTH_START:
		f[0] = act->mech, f[1] = login_initial_response_field(act->data), f[2] = secured;
		type = LOGIN_MSG_AUTH_START, n = 3;
		break;
	case POP3_LOGIN_AUTH_CONTINUE:
		f[0] = act->data, type = LOGIN_MSG_AUTH_CONTINUE, n = 1;
		break;
	case POP3_LOGIN_USERPASS:
		f[0] = act->user, f[1] = act->pass, f[2] = secured;
		type = LOGIN_MSG_USERPASS, n = 3;
		break;
	default: /* POP3_LOGIN_APOP */
		f[0] = act->user, f[1] = apop_timestamp != NULL ? apop_timestamp : "", f[2] = act->pass;
		f[3] = secured, type = LOGIN_MSG_APOP, n = 4;
		break;
	}
	verdict = login_child_ask(sock, type, f, n, &text);
	if (verdict == LOGIN_VERDICT_CHALLENGE) {
		pop3_login_session_auth_challenge(s, text != NULL ? text : "", out);
		free(text);
		return 0;
	}
	result = verdict == LOGIN_VERDICT_OK	     ? POP3_LOGIN_OK
		 : verdict == LOGIN_VERDICT_REFUSED ? POP3_LOGIN_REFUSED
		 : verdict == LOGIN_VERDICT_TEMPFAIL ? POP3_LOGIN_TEMPFAIL
						     : POP3_LOGIN_FAILED;
	pop3_login_session_auth_result(s, result, text, out, &next);
	free(text);
	if (result == POP3_LOGIN_OK)
		return 1;
	login_sleep_ms(pop3_login_session_delay_ms(s));
	return next.kind == POP3_LOGIN_DISCONNECT ? -1 : 0;
}

/* The child: returns its exit code. */
static int pop3_login_child(int sock, int tls_implicit, const char *apop_timestamp)
{
	struct pop3_login_settings set = { 0 };
	struct login_conn conn = { 0 };
	struct tls_server *server = NULL;
	struct pop3_login_session *s;
	struct pop3_parser *parser;
	struct buf out = BUF_INIT;
	char in[POP3_LOGIN_INBUF];
	size_t inlen = 0, pos = 0;
	const char *error;
	unsigned int timeout;
	int ret = 1, linger = 1;

	set.tls_active = tls_implicit;
	set.tls_required = env_bool("POP3_TLS_REQUIRED");
	set.auth_mechs = getenv("POP3AUTH");
	set.auth_mechs_tls = getenv("POP3AUTH_TLS");
	set.allow_user = 1;
	set.apop_timestamp = apop_timestamp;
	set.delay = (struct pop3_login_delay)POP3_LOGIN_DELAY_DEFAULT;
	if (getenv("HATO_LOGIN_DELAY_MS") != NULL)
		set.delay.base_ms = set.delay.max_ms =
			(unsigned int)strtoul(getenv("HATO_LOGIN_DELAY_MS"), NULL, 10);
	/* Credentials are read while the files are still reachable, before the chroot. */
	if (tls_implicit) {
		if (tls_server_new_from_env(&server, &error) < 0) {
			log_warnx("TLS: %s", error);
			return 1;
		}
	} else if (getenv("TLS_CERTFILE") != NULL) {
		/* Only read now, parsed on STLS (as imap-login: a plain session never pays). */
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
	alarm(timeout);
	if (tls_implicit && tls_server_start(server, 0, 1, &conn.tls, &error) < 0) {
		log_warnx("TLS handshake: %s", error);
		return 1;
	}
	s = pop3_login_session_new(&set);
	parser = pop3_parser_new(0);
	pop3_login_session_greeting(s, &out);
	if (login_conn_write(&conn, &out) < 0)
		goto end;
	for (;;) {
		struct pop3_login_action act;
		struct pop3_command cmd;
		enum pop3_parser_result r;
		enum pop3_login_action_kind kind;
		size_t used;
		ssize_t n;

		if (pos == inlen) {
			n = login_conn_read(&conn, in, sizeof(in));
			if (n <= 0)
				break;
			inlen = (size_t)n;
			pos = 0;
			alarm(timeout);
		}
		r = pop3_parser_feed(parser, in + pos, inlen - pos, &used, &cmd);
		pos += used;
		if (r == POP3_PARSER_NEED_MORE)
			continue;
		kind = r == POP3_PARSER_COMMAND
			       ? pop3_login_session_command(s, &cmd, &out, &act)
			       : pop3_login_session_parse_error(s, r, &out, &act);
		if (kind == POP3_LOGIN_AUTH_START || kind == POP3_LOGIN_AUTH_CONTINUE ||
		    kind == POP3_LOGIN_USERPASS || kind == POP3_LOGIN_APOP) {
			int rr;

			/* Waiting for the verdict (authdaemond's growing failure delay, bounded
			 * by the auth client's own timeouts) is not the client idling. */
			alarm(0);
			rr = pop3_login_relay(s, sock, apop_timestamp, &act, &out);
			alarm(timeout);
			if (rr == 1) {
				ret = login_conn_handoff(&conn, sock, in + pos, inlen - pos,
							 pop3_login_session_utf8(s)) < 0;
				/* Plain: fd 0 is pop3d's now and must not be shut down here. */
				linger = conn.tls != NULL;
				goto end;
			}
			if (login_conn_write(&conn, &out) < 0 || rr < 0)
				break;
			continue;
		}
		if (kind == POP3_LOGIN_AUTH_CANCEL)
			login_child_send(sock, LOGIN_MSG_AUTH_CANCEL, NULL, 0);
		if (login_conn_write(&conn, &out) < 0)
			break;
		if (kind == POP3_LOGIN_QUIT) {
			ret = 0;
			break;
		}
		if (kind == POP3_LOGIN_DISCONNECT)
			break;
		if (kind == POP3_LOGIN_START_TLS) {
			/* CVE-2011-0411: nothing received before the handshake is ever executed. */
			pop3_parser_discard(parser);
			pos = inlen = 0;
			if (server == NULL && tls_server_new_from_env(&server, &error) < 0) {
				log_warnx("TLS: %s", error);
				break;
			}
			if (tls_server_start(server, 0, 1, &conn.tls, &error) < 0) {
				log_warnx("STLS handshake: %s", error);
				break;
			}
			pop3_login_session_tls_started(s);
		}
	}
end:
	buf_free(&out);
	pop3_parser_free(&parser);
	pop3_login_session_free(&s);
	if (conn.tls != NULL)
		tls_session_free(conn.tls);
	if (server != NULL)
		tls_server_free(server);
	if (linger)
		login_child_linger();
	return ret;
}

struct pop3_login_child_arg {
	int tls_implicit;
	const char *apop_timestamp;
};

static int pop3_login_child_main(int sock, void *arg)
{
	const struct pop3_login_child_arg *a = arg;

	return pop3_login_child(sock, a->tls_implicit, a->apop_timestamp);
}

int main(int argc, char **argv)
{
	struct pop3_login_child_arg a = { .tls_implicit = env_bool("HATO_TLS") };
	char *apop_timestamp;
	int ret;

	log_init("pop3-login", LOG_TARGET_STDERR);
	if (argc < 2) {
		fprintf(stderr, "usage: pop3-login <mail program> [args...]\n");
		return 1;
	}
	/* APOP (RFC 1939 §7) is Hato's addition, off unless POP3_APOP is set: it needs an "apoppw"
	 * cleartext secret per account. */
	apop_timestamp = env_bool("POP3_APOP") ? login_apop_timestamp_new() : NULL;
	a.apop_timestamp = apop_timestamp;
	ret = login_main(&pop3_login_service, argv + 1, a.tls_implicit, apop_timestamp,
			 pop3_login_child_main, &a);
	free(apop_timestamp);
	return ret;
}
