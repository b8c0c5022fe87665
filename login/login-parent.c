/* The login parent P: answers its child's framed requests through login-auth.h, decides the
 * account itself, and after the handoff execs the mail program as that account. */
#include "login-common.h"

#include "auth-base64.h"
#include "auth-random.h"
#include "fdpass.h"
#include "log-courier.h"
#include "log.h"
#include "login-auth.h"
#include "login-exec.h"
#include "safe-io.h"
#include "xalloc.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

struct login_parent {
	const struct login_service *svc;
	struct login_auth *auth;
	int sock;
	int tls_implicit;
	int secured;		/* TLS active for the pending request */
	char *user;		/* the name given with USER/APOP, for the failure log line */
	char *method;		/* the SASL mechanism, for the failure log line */
	const char *apop_timestamp;
	unsigned int failures;
	struct account *acct;	/* set after OK: only a HANDOFF may follow */
	struct account *final;	/* authenticated, waiting for the client's empty response to
				 * the mechanism's additional data (SCRAM's server signature) */
};

static const char *login_parent_env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL ? v : "";
}

static int login_parent_reply(struct login_parent *p, enum login_proto_type type,
			      const char *const *fields, unsigned int n)
{
	struct buf b = BUF_INIT;
	int ret;

	login_proto_encode(&b, type, fields, n);
	ret = write_full(p->sock, b.data, b.len);
	buf_free(&b);
	return ret;
}

/* Answer the outcome of one step; -1 ends the parent. */
static int login_parent_answer(struct login_parent *p, enum login_auth_status st,
			       const struct buf *challenge, struct account *acct,
			       const char *reason)
{
	const char *f[2];

	switch (st) {
	case LOGIN_AUTH_CONTINUE:
		f[0] = buf_cstr(challenge);
		return login_parent_reply(p, LOGIN_MSG_CHALLENGE, f, 1);
	case LOGIN_AUTH_OK:
		if (challenge->len > 0) {
			/* No "additional data with success" in POP3/IMAP4rev1: the data goes out
			 * as a challenge and only an empty response completes the login. */
			p->final = acct;
			f[0] = buf_cstr(challenge);
			return login_parent_reply(p, LOGIN_MSG_CHALLENGE, f, 1);
		}
		if (acct->uid == 0) {
			log_warnx("%s: refusing an account with uid 0", acct->address);
			account_free(acct);
			break;
		}
		f[1] = p->svc->account_refusal(acct->options, p->secured);
		if (f[1] != NULL) {
			f[0] = "refused";
			log_info("%s: account options refuse %s", acct->address, p->svc->protocol);
			account_free(acct);
			return login_parent_reply(p, LOGIN_MSG_FAIL, f, 2);
		}
		p->acct = acct;
		log_courier_login(acct->address, login_parent_env("TCPREMOTEIP"),
				  login_parent_env("TCPREMOTEPORT"), p->svc->protocol,
				  p->secured && !p->tls_implicit);
		f[0] = acct->address;
		return login_parent_reply(p, LOGIN_MSG_OK, f, 1);
	case LOGIN_AUTH_TEMPFAIL:
		log_warnx("authentication temporarily failed: %s", reason != NULL ? reason : "");
		f[0] = "temp";
		f[1] = "";
		return login_parent_reply(p, LOGIN_MSG_FAIL, f, 2);
	case LOGIN_AUTH_FAIL:
		break;
	}
	log_courier_login_failed(p->user, p->user == NULL ? p->method : NULL,
				 login_parent_env("TCPREMOTEIP"), login_parent_env("TCPREMOTEPORT"));
	if (reason != NULL)
		log_debug("login failed: %s", reason);
	if (++p->failures > LOGIN_PARENT_MAX_FAILURES)
		return -1;
	f[0] = "fail";
	f[1] = "";
	return login_parent_reply(p, LOGIN_MSG_FAIL, f, 2);
}

static void login_parent_names(struct login_parent *p, char *user, char *method)
{
	free(p->user);
	free(p->method);
	p->user = user;
	p->method = method;
}

/* Request fields may hold passwords or SASL responses that carry them: zero before freeing. */
static void login_parent_free_fields(char *a, char *b, char *c)
{
	char *f[3] = { a, b, c };

	for (int i = 0; i < 3; i++) {
		if (f[i] != NULL) {
			secure_zero(f[i], strlen(f[i]));
			free(f[i]);
		}
	}
}

/* One request from the child; -1 ends the parent. */
static int login_parent_request(struct login_parent *p, const struct login_proto_msg *m)
{
	struct buf challenge = BUF_INIT, plain = BUF_INIT;
	struct account *acct = NULL;
	enum login_auth_status st = LOGIN_AUTH_FAIL;
	const char *reason = NULL;
	char *a = NULL, *b = NULL, *c = NULL;
	int ret;

	/* Whatever comes next ends a pending final step; only an empty response completes it. */
	struct account *final = p->final;

	p->final = NULL;
	if (m->type == LOGIN_MSG_AUTH_CANCEL) {
		account_free(final);
		login_auth_cancel(p->auth);
		return 0;
	}
	if (m->nfields >= 1 && (a = login_proto_field_dup(&m->fields[0])) == NULL)
		return -1;
	if (m->nfields >= 2 && (b = login_proto_field_dup(&m->fields[1])) == NULL)
		goto bad;
	if (m->nfields >= 3 && (c = login_proto_field_dup(&m->fields[2])) == NULL)
		goto bad;
	/* The last field of a start request says whether the child runs TLS; an implicit-TLS
	 * port is known here without asking. */
	if (m->type == LOGIN_MSG_AUTH_START || m->type == LOGIN_MSG_USERPASS ||
	    m->type == LOGIN_MSG_APOP)
		p->secured = p->tls_implicit ||
			     login_proto_field_is(&m->fields[m->nfields - 1], "1");
	switch (m->type) {
	case LOGIN_MSG_AUTH_START:
		login_parent_names(p, NULL, xstrdup(a));
		st = login_auth_start(p->auth, a, *b != '\0' ? b : NULL, &challenge, &acct,
				      &reason);
		break;
	case LOGIN_MSG_AUTH_CONTINUE:
		if (final != NULL && *a == '\0') {
			acct = final;
			final = NULL;
			st = LOGIN_AUTH_OK;
		} else if (final != NULL) {
			reason = "non-empty response to the final SASL message";
		} else {
			st = login_auth_continue(p->auth, a, &challenge, &acct, &reason);
		}
		break;
	case LOGIN_MSG_USERPASS:
		/* USER/PASS is PLAIN with an empty authzid (RFC 4616), so that one code path
		 * (and later authdaemond's) checks every password. */
		login_parent_names(p, xstrdup(a), xstrdup("PLAIN"));
		buf_putc(&plain, '\0');
		buf_puts(&plain, a);
		buf_putc(&plain, '\0');
		buf_puts(&plain, b);
		auth_base64_encode(&challenge, plain.data, plain.len);
		{
			char *initial = buf_steal(&challenge);

			st = login_auth_start(p->auth, "PLAIN", initial, &challenge, &acct,
					      &reason);
			secure_zero(initial, strlen(initial));
			free(initial);
		}
		break;
	case LOGIN_MSG_APOP:
		login_parent_names(p, xstrdup(a), xstrdup("APOP"));
		if (p->apop_timestamp == NULL || strcmp(b, p->apop_timestamp) != 0)
			reason = "APOP with a timestamp this parent did not issue";
		else
			st = login_auth_apop(p->auth, a, b, c, &acct, &reason);
		break;
	default:
		goto bad;
	}
	account_free(final);
	ret = login_parent_answer(p, st, &challenge, acct, reason);
	buf_free_secure(&plain);
	buf_free_secure(&challenge);
	login_parent_free_fields(a, b, c);
	return ret;
bad:
	account_free(final);
	login_parent_free_fields(a, b, c);
	return -1;
}

char *login_apop_timestamp_new(void)
{
	unsigned char rnd[12];
	struct buf b64 = BUF_INIT;
	char host[256];
	const char *error;
	char *ts;

	if (auth_random_fill(rnd, sizeof(rnd), &error) < 0)
		fatalx("APOP timestamp: %s", error);
	auth_base64_encode(&b64, rnd, sizeof(rnd));
	if (gethostname(host, sizeof(host) - 1) < 0)
		strcpy(host, "localhost");
	host[sizeof(host) - 1] = '\0';
	ts = xasprintf("<%ld.%lld.%s@%s>", (long)getpid(), (long long)time(NULL), buf_cstr(&b64),
		       host);
	buf_free(&b64);
	return ts;
}

int login_parent_run(const struct login_service *svc, int sock, pid_t child, char **mail_argv,
		     int tls_implicit, const char *apop_timestamp)
{
	static uint8_t rbuf[LOGIN_PROTO_HEADER + LOGIN_PROTO_MAX_PAYLOAD];
	struct login_parent p = { .svc = svc, .sock = sock, .tls_implicit = tls_implicit,
				  .apop_timestamp = apop_timestamp };
	struct login_proto_msg m;
	const char *error;
	int ret = 0;

	p.auth = login_auth_new(svc->service, &error);
	if (p.auth == NULL)
		log_warnx("authentication unavailable: %s", error);
	for (;;) {
		int fd = -1;
		size_t used = 0;
		ssize_t n;

		/* The child enforces the pre-auth timeout; this bounds a child that stalls. */
		if (fd_wait(sock, POLLIN, (LOGIN_PREAUTH_TIMEOUT + 30) * 1000) != 1)
			break;
		n = fd_recv(sock, &fd, rbuf, sizeof(rbuf));
		if (n <= 0)
			break;
		error = "incomplete or trailing bytes";
		if (login_proto_decode(rbuf, (size_t)n, &m, &used, &error) != 1 ||
		    used != (size_t)n) {
			log_warnx("login child sent a bad frame: %s", error);
			ret = 1;
		} else if (m.type == LOGIN_MSG_HANDOFF && p.acct != NULL && fd >= 0) {
			int tls = tls_implicit || login_proto_field_is(&m.fields[1], "1");

			/* A plain child has nothing left to do: end it here rather than leave it
			 * to the mail program as an unexpected child. */
			if (!tls && child > 0) {
				kill(child, SIGKILL);
				while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
					;
			}
			ret = login_exec(svc, p.acct, fd, m.fields[0].data, m.fields[0].len, tls,
					 login_proto_field_is(&m.fields[2], "1"), mail_argv);
		} else if (fd < 0 && p.acct == NULL && p.auth == NULL &&
			   m.type != LOGIN_MSG_AUTH_CANCEL && m.type < LOGIN_MSG_HANDOFF) {
			static const char *const temp[2] = { "temp", "" };

			if (login_parent_reply(&p, LOGIN_MSG_FAIL, temp, 2) < 0)
				break;
			continue;
		} else if (fd < 0 && p.acct == NULL && m.type < LOGIN_MSG_HANDOFF) {
			int r = login_parent_request(&p, &m);

			secure_zero(rbuf, (size_t)n);
			if (r == 0)
				continue;
			ret = 1;
		} else {
			log_warnx("login child sent an unexpected frame");
			ret = 1;
		}
		if (fd >= 0)
			close(fd);
		break;
	}
	login_parent_names(&p, NULL, NULL);
	account_free(p.acct);
	account_free(p.final);
	login_auth_free(p.auth);
	return ret;
}
