/* SASL LOGIN (draft-murchison-sasl-login): challenges "Username:" and "Password:". An initial
 * response is taken as the user name, as Courier and Dovecot do. */
#include "config.h"
#include "sasl-mech.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

struct login_session {
	struct sasl_session s;
	char *user;
};

static int has_nul(const uint8_t *in, size_t len)
{
	return memchr(in, '\0', len) != NULL;
}

static enum sasl_result login_user(struct login_session *ls, const uint8_t *in, size_t len,
				   struct buf *out)
{
	if (len == 0 || has_nul(in, len))
		return sasl_session_fail(&ls->s, "LOGIN: invalid user name");
	ls->user = xstrndup((const char *)in, len);
	buf_puts(out, "Password:");
	return SASL_CONTINUE;
}

static enum sasl_result login_start(struct sasl_session *s, const uint8_t *in, size_t len,
				    int have_input, struct buf *out)
{
	struct login_session *ls = (struct login_session *)s;

	if (have_input)
		return login_user(ls, in, len, out);
	buf_puts(out, "Username:");
	return SASL_CONTINUE;
}

static enum sasl_result login_input(struct sasl_session *s, const uint8_t *in, size_t len,
				    struct buf *out)
{
	struct login_session *ls = (struct login_session *)s;
	const char *error = NULL;
	enum sasl_result res;
	char *pass;

	if (ls->user == NULL)
		return login_user(ls, in, len, out);
	if (len == 0 || has_nul(in, len))
		return sasl_session_fail(s, "LOGIN: invalid password");
	pass = xstrndup((const char *)in, len);
	res = sasl_session_creds_result(s, s->creds->verify_plain(s->creds->ctx, ls->user, pass,
								    &error), error);
	if (res == SASL_CONTINUE)
		res = sasl_session_ok(s, ls->user, "");
	secure_zero(pass, len);
	free(pass);
	return res;
}

static void login_deinit(struct sasl_session *s)
{
	free(((struct login_session *)s)->user);
}

const struct sasl_mech sasl_mech_login = {
	.name = "LOGIN",
	.flags = SASL_MECH_PLAINTEXT,
	.session_size = sizeof(struct login_session),
	.start = login_start,
	.input = login_input,
	.deinit = login_deinit,
};
