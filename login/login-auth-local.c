/* login-auth.h in process (HATO_AUTH=local, the default): authdaemonrc (authmodulelist, userdb
 * paths) read once, the auth chain and authlib's SASL sessions; the account is looked up by the
 * authenticated name. */
#include "login-auth-impl.h"

#include "apop.h"
#include "auth-base64.h"
#include "auth-chain.h"
#include "conffile.h"
#include "sasl-mech.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LOGIN_AUTH_DEFAULT_MODULES "authuserdb authshadow"

struct login_auth_local {
	char *service;
	struct conffile *conf;
	struct auth_chain *chain;
	struct auth_chain_creds creds;
	struct sasl_session *sasl;
	/* The mechanism succeeded with additional data (SCRAM's server-final): it went out as a
	 * last challenge and the client's empty response completes the login (RFC 3501 §6.2.2,
	 * RFC 5034 §4: protocols without a success-data field). */
	int success_sent;
	char hostname[256];
};

static void *local_new(const char *service, const char **error_r)
{
	const char *path = getenv("HATO_AUTHDAEMONRC");
	const char *warning = NULL;
	struct login_auth_local *auth = xcalloc(1, sizeof(*auth));

	if (path == NULL || *path == '\0')
		path = HATO_CONFDIR "/authdaemonrc";
	auth->service = xstrdup(service);
	auth->conf = conffile_new();
	/* A missing authdaemonrc means the defaults, as a fresh install has; a broken one is an
	 * error rather than a guess. */
	if (access(path, F_OK) == 0 && conffile_load(auth->conf, path, error_r) < 0)
		goto fail;
	auth->chain = auth_chain_new(conffile_get_default(auth->conf, "authmodulelist",
							  LOGIN_AUTH_DEFAULT_MODULES),
				     auth->conf, &warning, error_r);
	if (auth->chain == NULL)
		goto fail;
	auth_chain_creds_init(&auth->creds, auth->chain, auth->service);
	if (gethostname(auth->hostname, sizeof(auth->hostname) - 1) < 0)
		strcpy(auth->hostname, "localhost");
	return auth;
fail:
	conffile_free(auth->conf);
	free(auth->service);
	free(auth);
	return NULL;
}

static void local_cancel(void *p);

static void local_free(void *p)
{
	struct login_auth_local *auth = p;

	if (auth == NULL)
		return;
	local_cancel(auth);
	auth_chain_free(auth->chain);
	conffile_free(auth->conf);
	free(auth->service);
	free(auth);
}

static void local_cancel(void *p)
{
	struct login_auth_local *auth = p;

	if (auth->sasl != NULL) {
		sasl_session_free(auth->sasl);
		auth->sasl = NULL;
	}
	auth->success_sent = 0;
}

/* The account of an authenticated name: the parent's own lookup, never the child's word. */
static enum login_auth_status login_auth_account(struct login_auth_local *auth, const char *user,
						 struct account **acct_r, const char **reason_r)
{
	const char *error = NULL;

	switch (auth_chain_lookup(auth->chain, auth->service, user, acct_r, &error)) {
	case AUTH_OK:
		return LOGIN_AUTH_OK;
	case AUTH_TEMPFAIL:
		*reason_r = error != NULL ? error : "account lookup failed";
		return LOGIN_AUTH_TEMPFAIL;
	default:
		*reason_r = "authenticated name has no account";
		return LOGIN_AUTH_FAIL;
	}
}

/* Map a SASL step to a status: the challenge base64-encoded, the account on success. */
static enum login_auth_status login_auth_step(struct login_auth_local *auth, enum sasl_result r,
					      const struct buf *out, struct buf *challenge_b64,
					      struct account **acct_r, const char **reason_r)
{
	enum login_auth_status st;
	const char *authzid;

	switch (r) {
	case SASL_CONTINUE:
		auth_base64_encode(challenge_b64, out->data, out->len);
		return LOGIN_AUTH_CONTINUE;
	case SASL_OK:
		if (out->len > 0 && !auth->success_sent) {
			auth_base64_encode(challenge_b64, out->data, out->len);
			auth->success_sent = 1;
			return LOGIN_AUTH_CONTINUE;
		}
		authzid = sasl_session_authzid(auth->sasl);
		if (*authzid != '\0' && strcmp(authzid, sasl_session_authcid(auth->sasl)) != 0) {
			*reason_r = "authorization identity differs";
			st = LOGIN_AUTH_FAIL;
		} else {
			st = login_auth_account(auth, sasl_session_authcid(auth->sasl), acct_r,
						reason_r);
		}
		if (st == LOGIN_AUTH_OK && out->len > 0)
			auth_base64_encode(challenge_b64, out->data, out->len);
		break;
	case SASL_TEMPFAIL:
		*reason_r = sasl_session_reason(auth->sasl);
		st = LOGIN_AUTH_TEMPFAIL;
		break;
	default:
		*reason_r = sasl_session_reason(auth->sasl);
		st = LOGIN_AUTH_FAIL;
		break;
	}
	local_cancel(auth);
	return st;
}

/* Decode a client's base64 into plain; -1 on bad encoding. */
static int login_auth_decode(const char *b64, struct buf *plain)
{
	const char *error;

	if (strcmp(b64, "=") == 0)
		return 0;
	return auth_base64_decode(plain, b64, strlen(b64), &error);
}

static enum login_auth_status local_start(void *p, const char *mech, const char *initial_b64,
					 struct buf *challenge_b64, struct account **acct_r,
					 const char **reason_r)
{
	struct login_auth_local *auth = p;
	const struct sasl_mech *m = sasl_mech_find(mech);
	struct buf in, out;
	enum login_auth_status st;

	local_cancel(auth);
	/* APOP is verified through login_auth_apop, never as a SASL name from the wire. */
	if (m == NULL || m == &sasl_mech_apop) {
		*reason_r = "unknown mechanism";
		return LOGIN_AUTH_FAIL;
	}
	buf_init(&in);
	buf_init(&out);
	if (initial_b64 != NULL && login_auth_decode(initial_b64, &in) < 0) {
		*reason_r = "bad base64";
		st = LOGIN_AUTH_FAIL;
	} else {
		auth->sasl = sasl_session_new(m, &auth->creds.creds, auth->hostname);
		st = login_auth_step(auth,
				     sasl_session_start(auth->sasl, in.data, in.len,
							initial_b64 != NULL, &out),
				     &out, challenge_b64, acct_r, reason_r);
	}
	buf_free_secure(&in);
	buf_free_secure(&out);
	return st;
}

static enum login_auth_status local_continue(void *p, const char *response_b64,
					    struct buf *challenge_b64, struct account **acct_r,
					    const char **reason_r)
{
	struct login_auth_local *auth = p;
	struct buf in, out;
	enum login_auth_status st;

	if (auth->sasl == NULL) {
		*reason_r = "no exchange in progress";
		return LOGIN_AUTH_FAIL;
	}
	buf_init(&in);
	buf_init(&out);
	if (login_auth_decode(response_b64, &in) < 0) {
		*reason_r = "bad base64";
		local_cancel(auth);
		st = LOGIN_AUTH_FAIL;
	} else if (auth->success_sent) {
		/* Only an empty response may follow the success data. */
		if (in.len != 0) {
			*reason_r = "data after the final server message";
			local_cancel(auth);
			st = LOGIN_AUTH_FAIL;
		} else {
			st = login_auth_step(auth, SASL_OK, &out, challenge_b64, acct_r, reason_r);
		}
	} else {
		st = login_auth_step(auth, sasl_session_input(auth->sasl, in.data, in.len, &out),
				     &out, challenge_b64, acct_r, reason_r);
	}
	buf_free_secure(&in);
	buf_free_secure(&out);
	return st;
}

static enum login_auth_status local_apop(void *p, const char *user, const char *timestamp,
					const char *digest_hex, struct account **acct_r,
					const char **reason_r)
{
	struct login_auth_local *auth = p;

	local_cancel(auth);
	switch (apop_verify(&auth->creds.creds, timestamp, user, digest_hex, reason_r)) {
	case SASL_OK:
		return login_auth_account(auth, user, acct_r, reason_r);
	case SASL_TEMPFAIL:
		return LOGIN_AUTH_TEMPFAIL;
	default:
		return LOGIN_AUTH_FAIL;
	}
}

const struct login_auth_ops login_auth_local_ops = {
	.name = "local",
	.new_ = local_new,
	.free_ = local_free,
	.start = local_start,
	.cont = local_continue,
	.cancel = local_cancel,
	.apop = local_apop,
};
