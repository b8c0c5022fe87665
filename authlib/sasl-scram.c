/* SCRAM-SHA-1 (RFC 5802) and SCRAM-SHA-256 (RFC 7677) server side, without channel binding,
 * against stored "iter,salt,StoredKey,ServerKey" secrets (scram-sha1pw / scram-sha256pw).
 * An unknown user gets a made-up salt and runs the whole exchange, so the reply does not tell
 * unknown users from wrong passwords. User names and passwords are not SASLprep'ed: they are
 * compared as the UTF-8 bytes the client sends. */
#include "config.h"
#include "sasl-mech.h"
#include "auth-base64.h"
#include "auth-random.h"
#include "scram-keys.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

struct scram_session {
	struct sasl_session s;
	int step;
	int unknown_user;
	char *gs2_header;
	char *client_first_bare;
	char *server_first;
	char *nonce; /* client nonce + server nonce */
	char *user;
	char *authzid;
	struct scram_keys keys;
};

static enum hmackey_hash scram_hash(const struct sasl_mech *m)
{
	return m == &sasl_mech_scram_sha1 ? HMACKEY_SHA1 : HMACKEY_SHA256;
}

/* Decode a saslname (",": "=2C", "=": "=3D"); NULL if malformed or empty. */
static char *saslname_decode(const char *p, size_t len)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < len; i++) {
		if (p[i] != '=') {
			buf_putc(&b, p[i]);
		} else if (len - i >= 3 && strncmp(p + i, "=2C", 3) == 0) {
			buf_putc(&b, ',');
			i += 2;
		} else if (len - i >= 3 && strncmp(p + i, "=3D", 3) == 0) {
			buf_putc(&b, '=');
			i += 2;
		} else {
			buf_free(&b);
			return NULL;
		}
	}
	if (b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* A nonce: printable ASCII other than ','. */
static int nonce_valid(const char *p, size_t len)
{
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (p[i] < 0x21 || p[i] > 0x7e || p[i] == ',')
			return 0;
	return 1;
}

/* Keys for an unknown user: a salt that is stable per name (so probing twice looks like a real
 * account) but unpredictable, from a per-process random key. */
static void fake_keys(struct scram_session *ss, const char *user)
{
	static uint8_t fake_key[32];
	static int have_key;
	uint8_t salt[HMACKEY_MAX_DIGEST];
	const char *error;

	if (!have_key) {
		if (auth_random_fill(fake_key, sizeof(fake_key), &error) < 0)
			memset(fake_key, 0x5a, sizeof(fake_key));
		have_key = 1;
	}
	hmackey_hmac_plain(HMACKEY_SHA256, fake_key, sizeof(fake_key), user, strlen(user), salt);
	memset(&ss->keys, 0, sizeof(ss->keys));
	ss->keys.hash = scram_hash(ss->s.mech);
	ss->keys.iter = SCRAM_KEYS_DEFAULT_ITER;
	ss->keys.salt_len = 16;
	memcpy(ss->keys.salt, salt, 16);
	ss->unknown_user = 1;
}

/* Look the user's keys up; returns SASL_CONTINUE when the exchange may go on. */
static enum sasl_result load_keys(struct scram_session *ss)
{
	struct sasl_session *s = &ss->s;
	const char *field = scram_hash(s->mech) == HMACKEY_SHA1 ? "scram-sha1pw" : "scram-sha256pw";
	const char *error = NULL;
	char *secret = NULL;
	int r = s->creds->get_secret(s->creds->ctx, ss->user, field, &secret, &error);

	if (r < 0)
		return sasl_session_creds_result(s, r, error);
	if (r == 0) {
		fake_keys(ss, ss->user);
		return SASL_CONTINUE;
	}
	if (scram_keys_parse(&ss->keys, scram_hash(s->mech), secret, &error) < 0) {
		/* A broken secret is the administrator's problem; to the client it is a failure. */
		fake_keys(ss, ss->user);
		s->reason = error;
	}
	secure_zero(secret, strlen(secret));
	free(secret);
	return SASL_CONTINUE;
}

static enum sasl_result client_first(struct scram_session *ss, const char *in, size_t len,
				     struct buf *out)
{
	struct sasl_session *s = &ss->s;
	const char *p = in, *end = in + len, *comma, *bare;
	const char *error;

	if (len < 3 || (p[0] != 'n' && p[0] != 'y') || p[1] != ',')
		return sasl_session_fail(s, len > 0 && p[0] == 'p'
						    ? "SCRAM: channel binding not supported"
						    : "SCRAM: malformed client-first-message");
	p += 2;
	comma = memchr(p, ',', (size_t)(end - p));
	if (comma == NULL)
		return sasl_session_fail(s, "SCRAM: malformed gs2 header");
	if (comma != p) {
		if (comma - p < 3 || strncmp(p, "a=", 2) != 0 ||
		    (ss->authzid = saslname_decode(p + 2, (size_t)(comma - p - 2))) == NULL)
			return sasl_session_fail(s, "SCRAM: malformed authzid");
	}
	bare = comma + 1;
	ss->gs2_header = xstrndup(in, (size_t)(bare - in));
	/* client-first-message-bare: n=user,r=nonce[,extensions] */
	if (end - bare < 2 || strncmp(bare, "n=", 2) != 0)
		return sasl_session_fail(s, "SCRAM: malformed or mandatory extension");
	comma = memchr(bare, ',', (size_t)(end - bare));
	if (comma == NULL || (ss->user = saslname_decode(bare + 2, (size_t)(comma - bare - 2))) ==
				     NULL)
		return sasl_session_fail(s, "SCRAM: malformed user name");
	p = comma + 1;
	if (end - p < 2 || strncmp(p, "r=", 2) != 0)
		return sasl_session_fail(s, "SCRAM: missing client nonce");
	p += 2;
	comma = memchr(p, ',', (size_t)(end - p));
	if (!nonce_valid(p, (size_t)((comma != NULL ? comma : end) - p)))
		return sasl_session_fail(s, "SCRAM: invalid client nonce");
	if (ss->authzid != NULL && strcmp(ss->authzid, ss->user) != 0)
		return sasl_session_fail(s, "SCRAM: authorization identity not permitted");
	ss->client_first_bare = xstrndup(bare, (size_t)(end - bare));

	struct buf nonce = BUF_INIT;
	buf_append(&nonce, p, (size_t)((comma != NULL ? comma : end) - p));
	if (s->nonce != NULL) {
		buf_puts(&nonce, s->nonce);
	} else {
		uint8_t rnd[18];
		if (auth_random_fill(rnd, sizeof(rnd), &error) < 0) {
			buf_free(&nonce);
			return sasl_session_creds_result(s, -1, error);
		}
		auth_base64_encode(&nonce, rnd, sizeof(rnd));
	}
	ss->nonce = buf_steal(&nonce);

	enum sasl_result res = load_keys(ss);
	if (res != SASL_CONTINUE)
		return res;
	struct buf sf = BUF_INIT;
	buf_printf(&sf, "r=%s,s=", ss->nonce);
	auth_base64_encode(&sf, ss->keys.salt, ss->keys.salt_len);
	buf_printf(&sf, ",i=%u", ss->keys.iter);
	ss->server_first = buf_steal(&sf);
	buf_puts(out, ss->server_first);
	ss->step = 1;
	return SASL_CONTINUE;
}

/* Check "c=...,r=...[,ext],p=proof" and answer "v=ServerSignature". */
static enum sasl_result client_final(struct scram_session *ss, const char *in, size_t len,
				     struct buf *out)
{
	struct sasl_session *s = &ss->s;
	enum hmackey_hash h = ss->keys.hash;
	size_t dl = hmackey_digest_len(h), without_len = 0;
	struct buf cb = BUF_INIT, proof = BUF_INIT, msg = BUF_INIT;
	uint8_t sig[HMACKEY_MAX_DIGEST], key[HMACKEY_MAX_DIGEST], stored[HMACKEY_MAX_DIGEST];
	const char *error, *comma, *end = in + len;
	enum sasl_result res;

	for (size_t i = len; i >= 3; i--) {
		if (strncmp(in + i - 3, ",p=", 3) == 0) {
			without_len = i - 3;
			break;
		}
	}
	comma = memchr(in, ',', len);
	if (without_len == 0 || len < 2 || strncmp(in, "c=", 2) != 0 || comma == NULL ||
	    auth_base64_decode(&cb, in + 2, (size_t)(comma - in - 2), &error) < 0 ||
	    strlen(ss->gs2_header) != cb.len || memcmp(cb.data, ss->gs2_header, cb.len) != 0) {
		res = sasl_session_fail(s, "SCRAM: malformed or wrong channel binding");
		goto out;
	}
	const char *r = comma + 1;
	size_t nlen = strlen(ss->nonce);
	if ((size_t)(in + without_len - r) < 2 + nlen || strncmp(r, "r=", 2) != 0 ||
	    memcmp(r + 2, ss->nonce, nlen) != 0 || (r + 2 + nlen != in + without_len &&
						   r[2 + nlen] != ',')) {
		res = sasl_session_fail(s, "SCRAM: nonce mismatch");
		goto out;
	}
	const char *pv = in + without_len + 3;
	if (auth_base64_decode(&proof, pv, (size_t)(end - pv), &error) < 0 || proof.len != dl) {
		res = sasl_session_fail(s, "SCRAM: malformed proof");
		goto out;
	}
	buf_printf(&msg, "%s,%s,", ss->client_first_bare, ss->server_first);
	buf_append(&msg, in, without_len);
	hmackey_hmac_plain(h, ss->keys.stored_key, dl, msg.data, msg.len, sig);
	for (size_t i = 0; i < dl; i++)
		key[i] = (uint8_t)proof.data[i] ^ sig[i];
	scram_keys_hash(h, key, dl, stored);
	if (!secure_memeq(stored, ss->keys.stored_key, dl) || ss->unknown_user) {
		res = sasl_session_fail(s, s->reason != NULL ? s->reason
						: "unknown user or wrong password");
		goto out;
	}
	hmackey_hmac_plain(h, ss->keys.server_key, dl, msg.data, msg.len, sig);
	buf_puts(out, "v=");
	auth_base64_encode(out, sig, dl);
	res = sasl_session_ok(s, ss->user, ss->authzid);
out:
	secure_zero(key, sizeof(key));
	buf_free(&cb);
	buf_free_secure(&proof);
	buf_free(&msg);
	return res;
}

static enum sasl_result scram_input(struct sasl_session *s, const uint8_t *in, size_t len,
				    struct buf *out)
{
	struct scram_session *ss = (struct scram_session *)s;

	if (memchr(in, '\0', len) != NULL)
		return sasl_session_fail(s, "SCRAM: NUL in message");
	if (ss->step == 0)
		return client_first(ss, (const char *)in, len, out);
	return client_final(ss, (const char *)in, len, out);
}

static enum sasl_result scram_start(struct sasl_session *s, const uint8_t *in, size_t len,
				    int have_input, struct buf *out)
{
	if (have_input)
		return scram_input(s, in, len, out);
	return SASL_CONTINUE;
}

static void scram_deinit(struct sasl_session *s)
{
	struct scram_session *ss = (struct scram_session *)s;

	free(ss->gs2_header);
	free(ss->client_first_bare);
	free(ss->server_first);
	free(ss->nonce);
	free(ss->user);
	free(ss->authzid);
	secure_zero(&ss->keys, sizeof(ss->keys));
}

#define SCRAM_MECH(n) \
	{ .name = n, .flags = 0, .session_size = sizeof(struct scram_session), \
	  .start = scram_start, .input = scram_input, .deinit = scram_deinit }

const struct sasl_mech sasl_mech_scram_sha1 = SCRAM_MECH("SCRAM-SHA-1");
const struct sasl_mech sasl_mech_scram_sha256 = SCRAM_MECH("SCRAM-SHA-256");
