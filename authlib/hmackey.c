/* Courier hmac-*pw key states (courier-formats §1.5) on top of nettle's hash contexts: a state
 * is the chaining words after one compressed block; resuming means restoring those words with
 * the block count set to 1, so nettle's own finalisation adds the right length. */
#include "config.h"
#include "hmackey.h"
#include "xalloc.h"

#include <nettle/base16.h>
#include <nettle/hmac.h>
#include <nettle/md5.h>
#include <nettle/nettle-meta.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>
#include <string.h>
#include <strings.h>

#define BLOCK 64 /* MD5, SHA-1 and SHA-256 all have 64-byte blocks */
#define MAX_WORDS 8

union hctx {
	struct md5_ctx md5;
	struct sha1_ctx sha1;
	struct sha256_ctx sha256;
};

struct hash_info {
	const char *name;
	const struct nettle_hash *nh;
	unsigned words;
	int little_endian; /* MD5 serialises its words little-endian, SHA big-endian */
};

static const struct hash_info hashes[] = {
	[HMACKEY_MD5] = { "md5", &nettle_md5, 4, 1 },
	[HMACKEY_SHA1] = { "sha1", &nettle_sha1, 5, 0 },
	[HMACKEY_SHA256] = { "sha256", &nettle_sha256, 8, 0 },
};

int hmackey_hash_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++)
		if (strcasecmp(name, hashes[i].name) == 0)
			return (int)i;
	return -1;
}

const char *hmackey_hash_name(enum hmackey_hash h)
{
	return hashes[h].name;
}

size_t hmackey_digest_len(enum hmackey_hash h)
{
	return hashes[h].nh->digest_size;
}

static uint32_t *ctx_state(enum hmackey_hash h, union hctx *c)
{
	switch (h) {
	case HMACKEY_MD5:
		return c->md5.state;
	case HMACKEY_SHA1:
		return c->sha1.state;
	case HMACKEY_SHA256:
		return c->sha256.state;
	}
	return NULL;
}

/* Restore a state as if one block had been hashed; the buffer is empty. */
static void ctx_resume(enum hmackey_hash h, union hctx *c, const uint32_t *words)
{
	hashes[h].nh->init(c);
	memcpy(ctx_state(h, c), words, hashes[h].words * sizeof(uint32_t));
	switch (h) {
	case HMACKEY_MD5:
		c->md5.count = 1;
		c->md5.index = 0;
		break;
	case HMACKEY_SHA1:
		c->sha1.count = 1;
		c->sha1.index = 0;
		break;
	case HMACKEY_SHA256:
		c->sha256.count = 1;
		c->sha256.index = 0;
		break;
	}
}

static void words_to_bytes(const struct hash_info *hi, const uint32_t *w, uint8_t *out)
{
	for (unsigned i = 0; i < hi->words; i++) {
		uint32_t v = w[i];
		uint8_t *o = out + 4 * i;
		if (hi->little_endian) {
			o[0] = v & 0xff, o[1] = (v >> 8) & 0xff, o[2] = (v >> 16) & 0xff, o[3] = v >> 24;
		} else {
			o[0] = v >> 24, o[1] = (v >> 16) & 0xff, o[2] = (v >> 8) & 0xff, o[3] = v & 0xff;
		}
	}
}

static void bytes_to_words(const struct hash_info *hi, const uint8_t *in, uint32_t *w)
{
	for (unsigned i = 0; i < hi->words; i++) {
		const uint8_t *p = in + 4 * i;
		if (hi->little_endian)
			w[i] = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			       (uint32_t)p[3] << 24;
		else
			w[i] = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
			       (uint32_t)p[3];
	}
}

/* The chaining words after compressing K0 ^ pad. */
static void pad_state(enum hmackey_hash h, const uint8_t *k0, uint8_t pad, uint32_t *words)
{
	union hctx c;
	uint8_t block[BLOCK];

	for (size_t i = 0; i < BLOCK; i++)
		block[i] = k0[i] ^ pad;
	hashes[h].nh->init(&c);
	hashes[h].nh->update(&c, BLOCK, block);
	memcpy(words, ctx_state(h, &c), hashes[h].words * sizeof(uint32_t));
	secure_zero(block, sizeof(block));
	secure_zero(&c, sizeof(c));
}

char *hmackey_make(enum hmackey_hash h, const void *key, size_t keylen)
{
	const struct hash_info *hi = &hashes[h];
	uint8_t k0[BLOCK] = { 0 };
	uint32_t words[MAX_WORDS];
	uint8_t raw[2 * 4 * MAX_WORDS];
	size_t statelen = 4 * hi->words;
	char *hex = xmalloc(BASE16_ENCODE_LENGTH(2 * statelen) + 1);

	if (keylen > BLOCK) {
		union hctx c;
		hi->nh->init(&c);
		hi->nh->update(&c, keylen, key);
		hi->nh->digest(&c, hi->nh->digest_size, k0);
		secure_zero(&c, sizeof(c));
	} else {
		memcpy(k0, key, keylen);
	}
	pad_state(h, k0, 0x5c, words);
	words_to_bytes(hi, words, raw);
	pad_state(h, k0, 0x36, words);
	words_to_bytes(hi, words, raw + statelen);
	base16_encode_update(hex, 2 * statelen, raw);
	hex[BASE16_ENCODE_LENGTH(2 * statelen)] = '\0';
	secure_zero(k0, sizeof(k0));
	secure_zero(words, sizeof(words));
	secure_zero(raw, sizeof(raw));
	return hex;
}

int hmackey_hmac(enum hmackey_hash h, const char *secret_hex, const void *data, size_t len,
		 uint8_t *digest, const char **error_r)
{
	const struct hash_info *hi = &hashes[h];
	size_t statelen = 4 * hi->words;
	uint8_t raw[2 * 4 * MAX_WORDS];
	uint8_t inner[HMACKEY_MAX_DIGEST];
	uint32_t words[MAX_WORDS];
	struct base16_decode_ctx dc;
	size_t outlen = sizeof(raw);
	union hctx c;

	if (strlen(secret_hex) != 4 * statelen) {
		*error_r = "HMAC key state has the wrong length";
		return -1;
	}
	base16_decode_init(&dc);
	if (!base16_decode_update(&dc, &outlen, raw, 4 * statelen, secret_hex) ||
	    !base16_decode_final(&dc) || outlen != 2 * statelen) {
		secure_zero(raw, sizeof(raw));
		*error_r = "HMAC key state is not hexadecimal";
		return -1;
	}
	bytes_to_words(hi, raw + statelen, words);
	ctx_resume(h, &c, words);
	hi->nh->update(&c, len, data);
	hi->nh->digest(&c, hi->nh->digest_size, inner);
	bytes_to_words(hi, raw, words);
	ctx_resume(h, &c, words);
	hi->nh->update(&c, hi->nh->digest_size, inner);
	hi->nh->digest(&c, hi->nh->digest_size, digest);
	secure_zero(raw, sizeof(raw));
	secure_zero(words, sizeof(words));
	secure_zero(inner, sizeof(inner));
	secure_zero(&c, sizeof(c));
	return 0;
}

void hmackey_hmac_plain(enum hmackey_hash h, const void *key, size_t keylen, const void *data,
			size_t len, uint8_t *digest)
{
	const struct nettle_hash *nh = hashes[h].nh;
	union hctx outer, inner, state;

	hmac_set_key(&outer, &inner, &state, nh, keylen, key);
	hmac_update(&state, nh, len, data);
	hmac_digest(&outer, &inner, &state, nh, nh->digest_size, digest);
	secure_zero(&outer, sizeof(outer));
	secure_zero(&inner, sizeof(inner));
	secure_zero(&state, sizeof(state));
}
