/* APOP (RFC 1939 §7): MD5(timestamp || secret) against the cleartext "apoppw" field. Offered
 * as the SASL-style mechanism "APOP" whose only message is "challenge NUL user NUL digest", as
 * in Dovecot's auth protocol, so pop3-login can relay it like any other mechanism. */
#include "config.h"
#include "apop.h"
#include "xalloc.h"

#include <nettle/base16.h>
#include <nettle/md5.h>
#include <stdlib.h>
#include <string.h>

enum sasl_result apop_verify(const struct sasl_creds *creds, const char *challenge,
			     const char *user, const char *digest_hex, const char **reason_r)
{
	struct base16_decode_ctx dc;
	uint8_t got[MD5_DIGEST_SIZE], want[MD5_DIGEST_SIZE];
	size_t outlen = sizeof(got), clen = strlen(challenge);
	const char *error = NULL;
	char *secret = NULL;
	struct md5_ctx md5;
	int r;

	/* RFC 1939: the timestamp is a msg-id, "<...>". */
	if (clen < 3 || challenge[0] != '<' || challenge[clen - 1] != '>' || *user == '\0') {
		*reason_r = "APOP: malformed challenge or user";
		return SASL_FAIL;
	}
	base16_decode_init(&dc);
	if (strlen(digest_hex) != 2 * MD5_DIGEST_SIZE ||
	    !base16_decode_update(&dc, &outlen, got, strlen(digest_hex), digest_hex) ||
	    !base16_decode_final(&dc) || outlen != sizeof(got)) {
		*reason_r = "APOP: malformed digest";
		return SASL_FAIL;
	}
	r = creds->get_secret(creds->ctx, user, "apoppw", &secret, &error);
	if (r < 0) {
		*reason_r = error != NULL ? error : "credential lookup failed";
		return SASL_TEMPFAIL;
	}
	if (r == 0) {
		*reason_r = "unknown user or wrong password";
		return SASL_FAIL;
	}
	md5_init(&md5);
	md5_update(&md5, clen, (const uint8_t *)challenge);
	md5_update(&md5, strlen(secret), (const uint8_t *)secret);
	md5_digest(&md5, sizeof(want), want);
	secure_zero(secret, strlen(secret));
	free(secret);
	secure_zero(&md5, sizeof(md5));
	r = secure_memeq(got, want, sizeof(want));
	secure_zero(want, sizeof(want));
	if (!r) {
		*reason_r = "unknown user or wrong password";
		return SASL_FAIL;
	}
	return SASL_OK;
}

static enum sasl_result apop_input(struct sasl_session *s, const uint8_t *in, size_t len,
				   struct buf *out)
{
	const char *reason = NULL;
	const char *p = (const char *)in;
	const char *nul1 = memchr(p, '\0', len), *nul2;
	enum sasl_result res;
	char *copy;

	(void)out;
	if (nul1 == NULL || (nul2 = memchr(nul1 + 1, '\0', len - (size_t)(nul1 + 1 - p))) == NULL ||
	    memchr(nul2 + 1, '\0', len - (size_t)(nul2 + 1 - p)) != NULL)
		return sasl_session_fail(s, "APOP: malformed message");
	copy = xmalloc(len + 1);
	memcpy(copy, in, len);
	copy[len] = '\0';
	const char *user = copy + (nul1 + 1 - p);
	res = apop_verify(s->creds, copy, user, copy + (nul2 + 1 - p), &reason);
	if (res == SASL_OK)
		res = sasl_session_ok(s, user, "");
	else
		s->finished = 1, s->reason = reason;
	free(copy);
	return res;
}

static enum sasl_result apop_start(struct sasl_session *s, const uint8_t *in, size_t len,
				   int have_input, struct buf *out)
{
	if (!have_input)
		return sasl_session_fail(s, "APOP: the message must come as the initial response");
	return apop_input(s, in, len, out);
}

const struct sasl_mech sasl_mech_apop = {
	.name = "APOP",
	.flags = 0,
	.session_size = sizeof(struct sasl_session),
	.start = apop_start,
	.input = apop_input,
	.deinit = NULL,
};
