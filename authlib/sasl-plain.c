/* SASL PLAIN (RFC 4616): "authzid NUL authcid NUL passwd", with or without an initial response.
 * An authorization identity other than the authentication identity is refused: we do not
 * implement proxy authorisation. */
#include "config.h"
#include "sasl-mech.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

/* Split the message into its three parts; -1 unless there are exactly two NULs. */
static int plain_split(const uint8_t *in, size_t len, size_t pos[2])
{
	int n = 0;

	for (size_t i = 0; i < len; i++) {
		if (in[i] != '\0')
			continue;
		if (n == 2)
			return -1;
		pos[n++] = i;
	}
	return n == 2 ? 0 : -1;
}

static enum sasl_result plain_input(struct sasl_session *s, const uint8_t *in, size_t len,
				    struct buf *out)
{
	size_t pos[2];
	char *copy, *authzid, *authcid, *pass;
	const char *error = NULL;
	enum sasl_result res;

	(void)out;
	if (plain_split(in, len, pos) < 0)
		return sasl_session_fail(s, "PLAIN: malformed message");
	copy = xmalloc(len + 1);
	memcpy(copy, in, len);
	copy[len] = '\0';
	authzid = copy;
	authcid = copy + pos[0] + 1;
	pass = copy + pos[1] + 1;
	if (*authcid == '\0' || *pass == '\0') {
		res = sasl_session_fail(s, "PLAIN: empty user name or password");
	} else if (*authzid != '\0' && strcmp(authzid, authcid) != 0) {
		res = sasl_session_fail(s, "PLAIN: authorization identity not permitted");
	} else {
		int r = s->creds->verify_plain(s->creds->ctx, authcid, pass, &error);
		res = sasl_session_creds_result(s, r, error);
		if (res == SASL_CONTINUE)
			res = sasl_session_ok(s, authcid, authzid);
	}
	secure_zero(copy, len);
	free(copy);
	return res;
}

static enum sasl_result plain_start(struct sasl_session *s, const uint8_t *in, size_t len,
				    int have_input, struct buf *out)
{
	if (have_input)
		return plain_input(s, in, len, out);
	return SASL_CONTINUE; /* an empty challenge */
}

const struct sasl_mech sasl_mech_plain = {
	.name = "PLAIN",
	.flags = SASL_MECH_PLAINTEXT,
	.session_size = sizeof(struct sasl_session),
	.start = plain_start,
	.input = plain_input,
	.deinit = NULL,
};
