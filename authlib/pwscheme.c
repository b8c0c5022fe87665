/* Password schemes (courier-formats §1.6, §2.5): one const table of {name, verify, generate}.
 * Digests from nettle, crypt(3) from libxcrypt, salts from getrandom(). */
#include "config.h"
#include "pwscheme.h"
#include "auth-base64.h"
#include "auth-random.h"
#include "buf.h"
#include "hmackey.h"
#include "scram-keys.h"
#include "xalloc.h"

#include <crypt.h>
#include <nettle/base16.h>
#include <nettle/nettle-meta.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DIGEST SHA512_DIGEST_SIZE
#define MAX_SALT 16

enum encoding { ENC_BASE64, ENC_HEX };

struct pwscheme {
	const char *name;   /* pwscheme_generate name; NULL = verify only */
	const char *braced; /* "{MD5}"-style prefix recognised by pwscheme_verify, or NULL */
	int (*verify)(const struct pwscheme *s, const char *body, const char *plain,
		      const char **error_r);
	char *(*generate)(const struct pwscheme *s, const char *plain, const char **error_r);
	const struct nettle_hash *hash; /* digest schemes */
	enum encoding enc;
	size_t salt_len;     /* salted digest schemes: bytes of salt made by generate */
	const char *setting; /* crypt prefix for crypt_gensalt_rn; hmac/scram hash name */
};

/* ---- digest schemes: {MD5} {MD5RAW} {SHA} {SHA256} {SHA512} {SSHA} {SSHA256} {SSHA512} ---- */

static void digest_of(const struct nettle_hash *h, const char *plain, const uint8_t *salt,
		      size_t salt_len, uint8_t *out)
{
	uint8_t ctx[sizeof(struct sha512_ctx)];

	h->init(ctx);
	h->update(ctx, strlen(plain), (const uint8_t *)plain);
	if (salt_len > 0)
		h->update(ctx, salt_len, salt);
	h->digest(ctx, h->digest_size, out);
	secure_zero(ctx, sizeof(ctx));
}

static int decode_stored(const struct pwscheme *s, const char *body, struct buf *raw,
			 const char **error_r)
{
	size_t len = strlen(body);

	if (s->enc == ENC_BASE64)
		return auth_base64_decode(raw, body, len, error_r);
	struct base16_decode_ctx dc;
	size_t outlen = BASE16_DECODE_LENGTH(len);
	buf_reserve(raw, outlen);
	base16_decode_init(&dc);
	if (!base16_decode_update(&dc, &outlen, (uint8_t *)raw->data, len, body) ||
	    !base16_decode_final(&dc)) {
		*error_r = "invalid hex";
		return -1;
	}
	raw->len = outlen;
	return 0;
}

static int digest_verify(const struct pwscheme *s, const char *body, const char *plain,
			 const char **error_r)
{
	struct buf raw = BUF_INIT;
	uint8_t want[MAX_DIGEST];
	size_t dl = s->hash->digest_size;
	int ret;

	if (decode_stored(s, body, &raw, error_r) < 0) {
		buf_free(&raw);
		return -1;
	}
	/* Salted forms carry the salt after the digest; Courier's {SSHA} has 4 bytes, Dovecot's
	 * other lengths, so any non-empty salt is accepted. */
	if (s->salt_len > 0 ? raw.len <= dl : raw.len != dl) {
		buf_free(&raw);
		*error_r = "stored digest has the wrong length";
		return -1;
	}
	digest_of(s->hash, plain, (const uint8_t *)raw.data + dl, raw.len - dl, want);
	ret = secure_memeq(want, raw.data, dl);
	secure_zero(want, sizeof(want));
	buf_free(&raw);
	return ret;
}

static char *digest_generate(const struct pwscheme *s, const char *plain, const char **error_r)
{
	uint8_t raw[MAX_DIGEST + MAX_SALT];
	size_t dl = s->hash->digest_size;
	struct buf out = BUF_INIT;

	if (s->salt_len > 0 && auth_random_fill(raw + dl, s->salt_len, error_r) < 0)
		return NULL;
	digest_of(s->hash, plain, raw + dl, s->salt_len, raw);
	buf_puts(&out, s->braced);
	if (s->enc == ENC_BASE64) {
		auth_base64_encode(&out, raw, dl + s->salt_len);
	} else {
		buf_reserve(&out, BASE16_ENCODE_LENGTH(dl));
		base16_encode_update(out.data + out.len, dl, raw);
		out.len += BASE16_ENCODE_LENGTH(dl);
		out.data[out.len] = '\0';
	}
	secure_zero(raw, sizeof(raw));
	return buf_steal(&out);
}

/* ---- crypt(3): $y$ $2b$ $6$ $5$ $1$ DES, and {CRYPT} ---- */

static int crypt_verify(const struct pwscheme *s, const char *body, const char *plain,
			const char **error_r)
{
	struct crypt_data *cd = xcalloc(1, sizeof(*cd));
	const char *res;
	size_t len = strlen(body);
	int ret;

	(void)s;
	res = crypt_r(plain, body, cd);
	if (res == NULL || res[0] == '*') {
		*error_r = "unsupported or malformed crypt hash";
		ret = -1;
	} else {
		ret = strlen(res) == len && secure_memeq(res, body, len);
	}
	secure_zero(cd, sizeof(*cd));
	free(cd);
	return ret;
}

static char *crypt_generate(const struct pwscheme *s, const char *plain, const char **error_r)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd;
	char *ret = NULL;

	if (s->setting[0] == '\0') {
		/* Traditional DES: a two-character salt, as Courier's userdbpw makes. */
		if (auth_random_salt64(setting, 2, error_r) < 0)
			return NULL;
	} else {
		uint8_t rnd[32];
		if (auth_random_fill(rnd, sizeof(rnd), error_r) < 0)
			return NULL;
		if (crypt_gensalt_rn(s->setting, 0, (const char *)rnd, sizeof(rnd), setting,
				     sizeof(setting)) == NULL) {
			*error_r = "crypt_gensalt failed for this scheme";
			return NULL;
		}
	}
	cd = xcalloc(1, sizeof(*cd));
	const char *res = crypt_r(plain, setting, cd);
	if (res == NULL || res[0] == '*')
		*error_r = "crypt() does not support this scheme";
	else
		ret = xstrdup(res);
	secure_zero(cd, sizeof(*cd));
	free(cd);
	return ret;
}

/* ---- challenge-response secrets (generate only) and cleartext ---- */

static char *hmac_generate(const struct pwscheme *s, const char *plain, const char **error_r)
{
	(void)error_r;
	return hmackey_make((enum hmackey_hash)hmackey_hash_from_name(s->setting), plain,
			    strlen(plain));
}

static char *scram_generate(const struct pwscheme *s, const char *plain, const char **error_r)
{
	struct scram_keys k;
	uint8_t salt[16];
	char *ret;

	if (auth_random_fill(salt, sizeof(salt), error_r) < 0)
		return NULL;
	scram_keys_derive(&k, (enum hmackey_hash)hmackey_hash_from_name(s->setting), plain, salt,
			  sizeof(salt), SCRAM_KEYS_DEFAULT_ITER);
	ret = scram_keys_format(&k);
	secure_zero(&k, sizeof(k));
	return ret;
}

static int clear_verify(const struct pwscheme *s, const char *body, const char *plain,
			const char **error_r)
{
	size_t len = strlen(body);

	(void)s;
	(void)error_r;
	return strlen(plain) == len && secure_memeq(body, plain, len);
}

static char *clear_generate(const struct pwscheme *s, const char *plain, const char **error_r)
{
	(void)s;
	(void)error_r;
	return xstrdup(plain);
}

#define DIGEST(n, b, h, e, salt) { n, b, digest_verify, digest_generate, &h, e, salt, NULL }
#define CRYPT(n, prefix) { n, NULL, crypt_verify, crypt_generate, NULL, 0, 0, prefix }

static const struct pwscheme schemes[] = {
	CRYPT("crypt", ""),
	CRYPT("md5", "$1$"),
	CRYPT("sha256-crypt", "$5$"),
	CRYPT("sha512", "$6$"),
	CRYPT("sha512-crypt", "$6$"),
	CRYPT("bcrypt", "$2b$"),
	CRYPT("yescrypt", "$y$"),
	{ NULL, "{CRYPT}", crypt_verify, NULL, NULL, 0, 0, NULL },
	DIGEST("{MD5}", "{MD5}", nettle_md5, ENC_BASE64, 0),
	DIGEST("{MD5RAW}", "{MD5RAW}", nettle_md5, ENC_HEX, 0),
	DIGEST("{SHA}", "{SHA}", nettle_sha1, ENC_BASE64, 0),
	DIGEST("{SHA256}", "{SHA256}", nettle_sha256, ENC_BASE64, 0),
	DIGEST("{SHA512}", "{SHA512}", nettle_sha512, ENC_BASE64, 0),
	DIGEST("{SSHA}", "{SSHA}", nettle_sha1, ENC_BASE64, 4),
	DIGEST("{SSHA256}", "{SSHA256}", nettle_sha256, ENC_BASE64, 8),
	DIGEST("{SSHA512}", "{SSHA512}", nettle_sha512, ENC_BASE64, 8),
	{ "hmac-md5", NULL, NULL, hmac_generate, NULL, 0, 0, "md5" },
	{ "hmac-sha1", NULL, NULL, hmac_generate, NULL, 0, 0, "sha1" },
	{ "hmac-sha256", NULL, NULL, hmac_generate, NULL, 0, 0, "sha256" },
	{ "scram-sha1", NULL, NULL, scram_generate, NULL, 0, 0, "sha1" },
	{ "scram-sha256", NULL, NULL, scram_generate, NULL, 0, 0, "sha256" },
	{ "clear", NULL, clear_verify, clear_generate, NULL, 0, 0, NULL },
};

#define N_SCHEMES (sizeof(schemes) / sizeof(schemes[0]))

/* A stored value that crypt(3) must judge: "$id$..." or a 13-character DES hash. */
static int looks_like_crypt(const char *stored)
{
	size_t len = strlen(stored);

	if (stored[0] == '$')
		return 1;
	if (len != 13)
		return 0;
	return strspn(stored, "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") ==
	       len;
}

int pwscheme_verify(const char *stored, const char *plain, const char **error_r)
{
	if (stored[0] == '{') {
		const char *close = strchr(stored, '}');
		size_t plen = close != NULL ? (size_t)(close - stored) + 1 : 0;
		for (size_t i = 0; plen > 0 && i < N_SCHEMES; i++) {
			const struct pwscheme *s = &schemes[i];
			if (s->braced != NULL && strlen(s->braced) == plen &&
			    strncasecmp(s->braced, stored, plen) == 0)
				return s->verify(s, stored + plen, plain, error_r);
		}
		*error_r = "unknown password scheme";
		return -1;
	}
	if (looks_like_crypt(stored))
		return crypt_verify(NULL, stored, plain, error_r);
	/* Anything else is a cleartext password (a userdb field such as apoppw). */
	return clear_verify(NULL, stored, plain, error_r);
}

char *pwscheme_generate(const char *scheme, const char *plain, const char **error_r)
{
	for (size_t i = 0; i < N_SCHEMES; i++) {
		const struct pwscheme *s = &schemes[i];
		if (s->name != NULL && strcmp(s->name, scheme) == 0)
			return s->generate(s, plain, error_r);
	}
	*error_r = "unknown password scheme";
	return NULL;
}
