/* Courier-protocol requests answered from the backend chain: PRE lookups, AUTH login and
 * cram-md5/sha1/sha256 (the client supplies the challenge), apop (Hato), PASSWD (userdb accounts
 * only, auth_chain_passwd), ENUMERATE. */
#include "config.h"
#include "authd-courier.h"
#include "apop.h"
#include "auth-base64.h"
#include "sasl-cram.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static enum authd_outcome reply_account(struct auth_chain *chain, const char *defoptions,
					struct account *a, struct buf *out)
{
	char *opts = account_options_merge(a->options, defoptions);

	(void)chain;
	proto_courier_format_account(out, a, opts);
	free(opts);
	account_free(a);
	return AUTHD_REPLY;
}

static enum authd_outcome fail(struct buf *out, const char *why, const char **log_r)
{
	buf_puts(out, "FAIL\n");
	*log_r = why;
	return AUTHD_AUTHFAIL;
}

static enum authd_outcome answer_login(struct auth_chain *chain, const char *defoptions,
				       const struct proto_courier_request *req, struct buf *out,
				       const char **log_r)
{
	const char *user, *pass, *error = NULL;
	struct account *a = NULL;
	char *copy;
	enum auth_result r;

	if (proto_courier_split2(&req->authdata, &copy, &user, &pass) < 0)
		return fail(out, "malformed login data", log_r);
	r = auth_chain_login(chain, req->service, user, pass, &a, &error);
	secure_zero(copy, req->authdata.len);
	free(copy);
	if (r == AUTH_TEMPFAIL) {
		*log_r = error;
		return AUTHD_TEMPFAIL;
	}
	if (r != AUTH_OK)
		return fail(out, "authentication failed", log_r);
	*log_r = "authenticated";
	return reply_account(chain, defoptions, a, out);
}

static enum authd_outcome answer_cram(struct auth_chain *chain, const char *defoptions,
				      const struct proto_courier_request *req, enum hmackey_hash h,
				      struct buf *out, const char **log_r)
{
	const char *b64chal, *b64resp, *reason = NULL, *error = NULL;
	struct buf chal = BUF_INIT, resp = BUF_INIT;
	struct auth_chain_creds cc;
	struct account *a = NULL;
	char *copy, *user = NULL;
	enum authd_outcome ret;

	if (proto_courier_split2(&req->authdata, &copy, &b64chal, &b64resp) < 0)
		return fail(out, "malformed cram data", log_r);
	if (auth_base64_decode(&chal, b64chal, strlen(b64chal), &error) < 0 ||
	    auth_base64_decode(&resp, b64resp, strlen(b64resp), &error) < 0) {
		ret = fail(out, "malformed cram data", log_r);
		goto out;
	}
	switch (sasl_cram_verify(h, auth_chain_creds_init(&cc, chain, req->service), chal.data,
				 chal.len, resp.data, resp.len, &user, &reason)) {
	case SASL_OK:
		break;
	case SASL_TEMPFAIL:
		*log_r = reason;
		ret = AUTHD_TEMPFAIL;
		goto out;
	default:
		ret = fail(out, "authentication failed", log_r);
		goto out;
	}
	switch (auth_chain_lookup(chain, req->service, user, &a, &error)) {
	case AUTH_OK:
		*log_r = "authenticated";
		ret = reply_account(chain, defoptions, a, out);
		break;
	case AUTH_TEMPFAIL:
		*log_r = error;
		ret = AUTHD_TEMPFAIL;
		break;
	default:
		ret = fail(out, "authentication failed", log_r);
		break;
	}
out:
	free(user);
	secure_zero(copy, req->authdata.len);
	free(copy);
	buf_free(&chal);
	buf_free(&resp);
	return ret;
}

/* AUTH apop (Hato): "user\ntimestamp\ndigest\n", checked against the apoppw field. */
static enum authd_outcome answer_apop(struct auth_chain *chain, const char *defoptions,
				      const struct proto_courier_request *req, struct buf *out,
				      const char **log_r)
{
	const char *reason = NULL, *error = NULL;
	struct auth_chain_creds cc;
	struct account *a = NULL;
	char *copy = xmalloc(req->authdata.len + 1), *f[3], *p;
	enum authd_outcome ret;

	memcpy(copy, req->authdata.data != NULL ? req->authdata.data : "", req->authdata.len);
	copy[req->authdata.len] = '\0';
	p = copy;
	/* Exactly three lines, the last newline optional, no NUL inside. */
	for (size_t i = 0; i < 3; i++) {
		char *nl = p != NULL ? strchr(p, '\n') : NULL;
		f[i] = p;
		if (nl != NULL)
			*nl = '\0';
		p = nl != NULL ? nl + 1 : NULL;
	}
	if (f[2] == NULL || (p != NULL && *p != '\0') ||
	    (req->authdata.len > 0 && memchr(req->authdata.data, 0, req->authdata.len) != NULL)) {
		ret = fail(out, "malformed apop data", log_r);
		goto out;
	}
	switch (apop_verify(auth_chain_creds_init(&cc, chain, req->service), f[1], f[0], f[2],
			    &reason)) {
	case SASL_OK:
		break;
	case SASL_TEMPFAIL:
		*log_r = reason;
		ret = AUTHD_TEMPFAIL;
		goto out;
	default:
		ret = fail(out, "authentication failed", log_r);
		goto out;
	}
	switch (auth_chain_lookup(chain, req->service, f[0], &a, &error)) {
	case AUTH_OK:
		*log_r = "authenticated";
		ret = reply_account(chain, defoptions, a, out);
		break;
	case AUTH_TEMPFAIL:
		*log_r = error;
		ret = AUTHD_TEMPFAIL;
		break;
	default:
		ret = fail(out, "authentication failed", log_r);
		break;
	}
out:
	secure_zero(copy, req->authdata.len);
	free(copy);
	return ret;
}

struct enum_ctx {
	struct buf *out;
};

static void enum_module(const char *name, void *ctx)
{
	buf_printf(((struct enum_ctx *)ctx)->out, "# %s\n\n", name);
}

static void enum_account(const struct account *a, void *ctx)
{
	proto_courier_format_enum(((struct enum_ctx *)ctx)->out, a);
}

enum authd_outcome authd_courier_answer(struct auth_chain *chain, const char *defoptions,
					const struct proto_courier_request *req, struct buf *out,
					const char **log_r)
{
	const char *error = NULL;
	struct account *a = NULL;

	switch (req->cmd) {
	case PROTO_COURIER_PRE:
		switch (auth_chain_lookup(chain, req->service, req->user, &a, &error)) {
		case AUTH_OK:
			*log_r = "lookup";
			return reply_account(chain, defoptions, a, out);
		case AUTH_TEMPFAIL:
			*log_r = error;
			return AUTHD_TEMPFAIL;
		default:
			buf_puts(out, "FAIL\n");
			*log_r = "unknown user";
			return AUTHD_REPLY;
		}
	case PROTO_COURIER_AUTH:
		if (strcmp(req->authtype, "login") == 0)
			return answer_login(chain, defoptions, req, out, log_r);
		if (strcmp(req->authtype, "cram-md5") == 0)
			return answer_cram(chain, defoptions, req, HMACKEY_MD5, out, log_r);
		if (strcmp(req->authtype, "cram-sha1") == 0)
			return answer_cram(chain, defoptions, req, HMACKEY_SHA1, out, log_r);
		if (strcmp(req->authtype, "cram-sha256") == 0)
			return answer_cram(chain, defoptions, req, HMACKEY_SHA256, out, log_r);
		if (strcmp(req->authtype, "apop") == 0)
			return answer_apop(chain, defoptions, req, out, log_r);
		return fail(out, "unsupported authtype", log_r);
	case PROTO_COURIER_PASSWD:
		switch (auth_chain_passwd(chain, req->service, req->user, req->oldpw, req->newpw,
					  &error)) {
		case AUTH_OK:
			buf_puts(out, "OK\n");
			*log_r = "password changed";
			return AUTHD_REPLY;
		case AUTH_TEMPFAIL:
			*log_r = error;
			return AUTHD_TEMPFAIL;
		default:
			return fail(out, error != NULL ? error : "password change failed", log_r);
		}
	case PROTO_COURIER_ENUMERATE: {
		struct enum_ctx ec = { out };
		auth_chain_enumerate(chain, enum_module, enum_account, &ec);
		buf_puts(out, ".\n");
		*log_r = "enumerate";
		return AUTHD_REPLY;
	}
	}
	return fail(out, "unknown request", log_r);
}
