/* login-auth.h over authdaemond (HATO_AUTH=daemon): SASL exchanges run in authdaemond on its
 * auth-client socket (the mechanism state never lives in the login parent, DESIGN.md §2); the
 * account of the authenticated name comes from a PRE lookup on its Courier socket, and APOP
 * from AUTH apop there. The socket directory is $AUTHDAEMONVAR or the configured one. */
#include "login-auth-impl.h"

#include "auth-client.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct login_auth_daemon {
	char *service;
	struct auth_client *client;
	struct auth_client_session *session; /* connected on first use, kept across exchanges */
	int in_progress;		     /* an exchange awaits CONT */
	/* authdaemond said OK with success data (SCRAM's server-final): it went to the client as a
	 * last challenge (RFC 3501 6.2.2, RFC 5034 4) and the login completes on its empty answer. */
	char *verified_user;
};

static void *daemon_new(const char *service, const char **error_r)
{
	struct login_auth_daemon *d = xcalloc(1, sizeof(*d));

	(void)error_r;
	d->service = xstrdup(service);
	d->client = auth_client_new(NULL, NULL);
	return d;
}

static void daemon_drop(struct login_auth_daemon *d)
{
	auth_client_session_free(d->session);
	d->session = NULL;
	d->in_progress = 0;
	free(d->verified_user);
	d->verified_user = NULL;
}

static void daemon_free(void *p)
{
	struct login_auth_daemon *d = p;

	if (d == NULL)
		return;
	daemon_drop(d);
	auth_client_free(d->client);
	free(d->service);
	free(d);
}

/* The Dovecot protocol cannot abandon an exchange: a new connection is the clean way. */
static void daemon_cancel(void *p)
{
	struct login_auth_daemon *d = p;

	if (d->in_progress || d->verified_user != NULL)
		daemon_drop(d);
}

static enum login_auth_status daemon_status(enum auth_client_status st)
{
	switch (st) {
	case AUTH_CLIENT_OK:
		return LOGIN_AUTH_OK;
	case AUTH_CLIENT_CONTINUE:
		return LOGIN_AUTH_CONTINUE;
	case AUTH_CLIENT_FAIL:
		return LOGIN_AUTH_FAIL;
	default:
		return LOGIN_AUTH_TEMPFAIL;
	}
}

/* The account of the name authdaemond vouched for, from the parent's own PRE lookup. */
static enum login_auth_status daemon_account(struct login_auth_daemon *d, const char *user,
					     struct account **acct_r, const char **reason_r)
{
	const char *error = NULL;
	enum login_auth_status st;

	st = daemon_status(auth_client_pre(d->client, d->service, user, acct_r, &error));
	if (st == LOGIN_AUTH_FAIL)
		*reason_r = "authenticated name has no account";
	else if (st == LOGIN_AUTH_TEMPFAIL)
		*reason_r = error;
	return st;
}

/* Map one reply; on OK the parent's own account lookup by the name authdaemond vouched for. */
static enum login_auth_status daemon_reply(struct login_auth_daemon *d, int io,
					   struct auth_client_reply *r, const char *error,
					   struct buf *challenge_b64, struct account **acct_r,
					   const char **reason_r)
{
	enum login_auth_status st;

	if (io < 0) {
		daemon_drop(d);
		*reason_r = error != NULL ? error : "authdaemond failed";
		auth_client_reply_clear(r);
		return LOGIN_AUTH_TEMPFAIL;
	}
	d->in_progress = r->status == AUTH_CLIENT_CONTINUE;
	switch (r->status) {
	case AUTH_CLIENT_CONTINUE:
		buf_append(challenge_b64, r->data.data, r->data.len);
		st = LOGIN_AUTH_CONTINUE;
		break;
	case AUTH_CLIENT_OK:
		if (r->data.len > 0) {
			buf_append(challenge_b64, r->data.data, r->data.len);
			d->verified_user = xstrdup(r->user);
			st = LOGIN_AUTH_CONTINUE;
			break;
		}
		st = daemon_account(d, r->user, acct_r, reason_r);
		break;
	case AUTH_CLIENT_FAIL:
		*reason_r = "authentication failed";
		st = LOGIN_AUTH_FAIL;
		break;
	default:
		*reason_r = "authdaemond: temporary failure";
		st = LOGIN_AUTH_TEMPFAIL;
		break;
	}
	auth_client_reply_clear(r);
	return st;
}

static enum login_auth_status daemon_start(void *p, const char *mech, const char *initial_b64,
					   struct buf *challenge_b64, struct account **acct_r,
					   const char **reason_r)
{
	struct login_auth_daemon *d = p;
	struct auth_client_reply r;
	const char *error = NULL;
	int io;

	daemon_cancel(d);
	if (strcasecmp(mech, "APOP") == 0) {
		*reason_r = "unknown mechanism";
		return LOGIN_AUTH_FAIL;
	}
	if (d->session == NULL) {
		d->session = auth_client_session_new(d->client, &error);
		if (d->session == NULL) {
			*reason_r = error;
			return LOGIN_AUTH_TEMPFAIL;
		}
	}
	if (!auth_client_session_has_mech(d->session, mech)) {
		*reason_r = "unknown mechanism";
		return LOGIN_AUTH_FAIL;
	}
	/* "=" is the empty initial response (RFC 4954); resp= carries it as nothing. */
	io = auth_client_session_auth(d->session, mech, d->service, getenv("TCPREMOTEIP"),
				      getenv("TCPLOCALIP"), 0,
				      initial_b64 != NULL && strcmp(initial_b64, "=") == 0
					      ? ""
					      : initial_b64,
				      &r, &error);
	return daemon_reply(d, io, &r, error, challenge_b64, acct_r, reason_r);
}

static enum login_auth_status daemon_continue(void *p, const char *response_b64,
					      struct buf *challenge_b64, struct account **acct_r,
					      const char **reason_r)
{
	struct login_auth_daemon *d = p;
	struct auth_client_reply r;
	const char *error = NULL;

	if (d->verified_user != NULL) {
		char *user = d->verified_user;
		enum login_auth_status st;

		d->verified_user = NULL;
		if (response_b64[0] != '\0' && strcmp(response_b64, "=") != 0) {
			*reason_r = "data after the final server message";
			st = LOGIN_AUTH_FAIL;
		} else {
			st = daemon_account(d, user, acct_r, reason_r);
		}
		free(user);
		return st;
	}
	if (d->session == NULL || !d->in_progress) {
		*reason_r = "no exchange in progress";
		return LOGIN_AUTH_FAIL;
	}
	return daemon_reply(d, auth_client_session_cont(d->session, response_b64, &r, &error), &r,
			    error, challenge_b64, acct_r, reason_r);
}

static enum login_auth_status daemon_apop(void *p, const char *user, const char *timestamp,
					  const char *digest_hex, struct account **acct_r,
					  const char **reason_r)
{
	struct login_auth_daemon *d = p;
	const char *error = NULL;
	enum login_auth_status st;

	daemon_cancel(d);
	st = daemon_status(
		auth_client_apop(d->client, d->service, user, timestamp, digest_hex, acct_r, &error));
	if (st != LOGIN_AUTH_OK)
		*reason_r = st == LOGIN_AUTH_FAIL ? "authentication failed" : error;
	return st;
}

const struct login_auth_ops login_auth_daemon_ops = {
	.name = "daemon",
	.new_ = daemon_new,
	.free_ = daemon_free,
	.start = daemon_start,
	.cont = daemon_continue,
	.cancel = daemon_cancel,
	.apop = daemon_apop,
};
