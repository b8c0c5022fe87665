/* CRAM-MD5 (RFC 2195), CRAM-SHA1 and CRAM-SHA256 (Courier's extensions, same construction):
 * challenge "<32 upper-case hex random@hostname>", response "user hexdigest", verified against
 * the stored HMAC key state (courier-formats §1.5, §2.6). */
#include "config.h"
#include "sasl-cram.h"
#include "auth-random.h"
#include "xalloc.h"

#include <nettle/base16.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_USER 512

struct cram_session {
	struct sasl_session s;
	char *challenge;
};

static enum hmackey_hash cram_hash(const struct sasl_mech *m)
{
	if (m == &sasl_mech_cram_sha1)
		return HMACKEY_SHA1;
	if (m == &sasl_mech_cram_sha256)
		return HMACKEY_SHA256;
	return HMACKEY_MD5;
}

static int hex_decode(const char *hex, size_t len, uint8_t *out, size_t want)
{
	struct base16_decode_ctx dc;
	size_t outlen = want;

	if (len != 2 * want)
		return -1;
	base16_decode_init(&dc);
	if (!base16_decode_update(&dc, &outlen, out, len, hex) || !base16_decode_final(&dc) ||
	    outlen != want)
		return -1;
	return 0;
}

enum sasl_result sasl_cram_verify(enum hmackey_hash h, const struct sasl_creds *creds,
				  const void *challenge, size_t chal_len, const void *response,
				  size_t resp_len, char **user_r, const char **reason_r)
{
	const char *resp = response, *sp = NULL, *error = NULL;
	uint8_t got[HMACKEY_MAX_DIGEST], want[HMACKEY_MAX_DIGEST];
	size_t dl = hmackey_digest_len(h);
	char field[32], *user, *secret = NULL;
	enum sasl_result res = SASL_FAIL;
	int r;

	for (size_t i = 0; i < resp_len; i++) {
		if (resp[i] == '\0') {
			*reason_r = "CRAM: NUL in response";
			return SASL_FAIL;
		}
		if (resp[i] == ' ')
			sp = resp + i;
	}
	if (sp == NULL || sp == resp || (size_t)(sp - resp) > MAX_USER ||
	    hex_decode(sp + 1, resp_len - (size_t)(sp + 1 - resp), got, dl) < 0) {
		*reason_r = "CRAM: malformed response";
		return SASL_FAIL;
	}
	user = xstrndup(resp, (size_t)(sp - resp));
	snprintf(field, sizeof(field), "hmac-%spw", hmackey_hash_name(h));
	r = creds->get_secret(creds->ctx, user, field, &secret, &error);
	if (r < 0) {
		*reason_r = error != NULL ? error : "credential lookup failed";
		res = SASL_TEMPFAIL;
	} else if (r == 0) {
		*reason_r = "unknown user or wrong password";
	} else if (hmackey_hmac(h, secret, challenge, chal_len, want, &error) < 0) {
		*reason_r = error;
	} else if (!secure_memeq(want, got, dl)) {
		*reason_r = "unknown user or wrong password";
	} else {
		res = SASL_OK;
	}
	if (secret != NULL) {
		secure_zero(secret, strlen(secret));
		free(secret);
	}
	secure_zero(want, sizeof(want));
	if (res == SASL_OK)
		*user_r = user;
	else
		free(user);
	return res;
}

static enum sasl_result cram_start(struct sasl_session *s, const uint8_t *in, size_t len,
				   int have_input, struct buf *out)
{
	struct cram_session *cs = (struct cram_session *)s;
	const char *error;

	(void)in, (void)len, (void)have_input;
	if (s->nonce != NULL) {
		cs->challenge = xstrdup(s->nonce);
	} else {
		uint8_t rnd[16];
		char hex[33];
		if (auth_random_fill(rnd, sizeof(rnd), &error) < 0) {
			s->finished = 1;
			s->reason = error;
			return SASL_TEMPFAIL;
		}
		for (size_t i = 0; i < sizeof(rnd); i++)
			snprintf(hex + 2 * i, 3, "%02X", rnd[i]);
		cs->challenge = xasprintf("<%s@%s>", hex, s->hostname);
	}
	buf_puts(out, cs->challenge);
	return SASL_CONTINUE;
}

static enum sasl_result cram_input(struct sasl_session *s, const uint8_t *in, size_t len,
				   struct buf *out)
{
	struct cram_session *cs = (struct cram_session *)s;
	const char *reason = NULL;
	char *user = NULL;
	enum sasl_result res;

	(void)out;
	res = sasl_cram_verify(cram_hash(s->mech), s->creds, cs->challenge,
			       strlen(cs->challenge), in, len, &user, &reason);
	if (res == SASL_OK) {
		res = sasl_session_ok(s, user, "");
		free(user);
		return res;
	}
	s->finished = 1;
	s->reason = reason;
	return res;
}

static void cram_deinit(struct sasl_session *s)
{
	free(((struct cram_session *)s)->challenge);
}

#define CRAM_MECH(n) \
	{ .name = n, .flags = SASL_MECH_NO_INITIAL, .session_size = sizeof(struct cram_session), \
	  .start = cram_start, .input = cram_input, .deinit = cram_deinit }

const struct sasl_mech sasl_mech_cram_md5 = CRAM_MECH("CRAM-MD5");
const struct sasl_mech sasl_mech_cram_sha1 = CRAM_MECH("CRAM-SHA1");
const struct sasl_mech sasl_mech_cram_sha256 = CRAM_MECH("CRAM-SHA256");
