/* The generic part of SASL sessions: mechanism table, lifetime, bounds and outcome recording. */
#include "config.h"
#include "sasl-mech.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct sasl_mech *const sasl_mech_all[] = {
	&sasl_mech_scram_sha256, &sasl_mech_scram_sha1, &sasl_mech_cram_sha256,
	&sasl_mech_cram_sha1, &sasl_mech_cram_md5, &sasl_mech_plain, &sasl_mech_login,
	&sasl_mech_apop, NULL,
};

const struct sasl_mech *sasl_mech_find(const char *name)
{
	for (size_t i = 0; sasl_mech_all[i] != NULL; i++)
		if (strcasecmp(sasl_mech_all[i]->name, name) == 0)
			return sasl_mech_all[i];
	return NULL;
}

struct sasl_session *sasl_session_new(const struct sasl_mech *mech, const struct sasl_creds *creds,
				      const char *hostname)
{
	struct sasl_session *s = xcalloc(1, mech->session_size);

	s->mech = mech;
	s->creds = creds;
	s->hostname = xstrdup(hostname != NULL ? hostname : "localhost");
	return s;
}

void sasl_session_set_nonce(struct sasl_session *s, const char *nonce)
{
	free(s->nonce);
	s->nonce = xstrdup(nonce);
}

static enum sasl_result bounded(struct sasl_session *s, size_t len)
{
	if (s->finished)
		return sasl_session_fail(s, "input after the exchange finished");
	if (len > SASL_MAX_INPUT)
		return sasl_session_fail(s, "input too long");
	return SASL_CONTINUE;
}

enum sasl_result sasl_session_start(struct sasl_session *s, const void *in, size_t len,
				    int have_input, struct buf *out)
{
	if (s->started)
		return sasl_session_fail(s, "session started twice");
	s->started = 1;
	if (bounded(s, len) != SASL_CONTINUE)
		return SASL_FAIL;
	if (have_input && (s->mech->flags & SASL_MECH_NO_INITIAL) != 0)
		return sasl_session_fail(s, "initial response not allowed");
	return s->mech->start(s, in, have_input ? len : 0, have_input, out);
}

enum sasl_result sasl_session_input(struct sasl_session *s, const void *in, size_t len,
				    struct buf *out)
{
	if (!s->started)
		return sasl_session_fail(s, "input before start");
	if (bounded(s, len) != SASL_CONTINUE)
		return SASL_FAIL;
	return s->mech->input(s, in, len, out);
}

const char *sasl_session_authcid(const struct sasl_session *s)
{
	return s->authcid != NULL ? s->authcid : "";
}

const char *sasl_session_authzid(const struct sasl_session *s)
{
	return s->authzid != NULL ? s->authzid : "";
}

const char *sasl_session_reason(const struct sasl_session *s)
{
	return s->reason != NULL ? s->reason : "";
}

enum sasl_result sasl_session_fail(struct sasl_session *s, const char *reason)
{
	s->finished = 1;
	s->reason = reason;
	return SASL_FAIL;
}

enum sasl_result sasl_session_ok(struct sasl_session *s, const char *authcid, const char *authzid)
{
	s->finished = 1;
	free(s->authcid);
	free(s->authzid);
	s->authcid = xstrdup(authcid);
	s->authzid = xstrdup(authzid != NULL ? authzid : "");
	return SASL_OK;
}

enum sasl_result sasl_session_creds_result(struct sasl_session *s, int r, const char *error)
{
	if (r > 0)
		return SASL_CONTINUE;
	if (r == 0)
		return sasl_session_fail(s, "unknown user or wrong password");
	s->finished = 1;
	s->reason = error != NULL ? error : "credential lookup failed";
	return SASL_TEMPFAIL;
}

void sasl_session_free(struct sasl_session *s)
{
	if (s == NULL)
		return;
	if (s->mech->deinit != NULL)
		s->mech->deinit(s);
	free(s->hostname);
	free(s->nonce);
	free(s->authcid);
	free(s->authzid);
	secure_zero(s, s->mech->session_size);
	free(s);
}
