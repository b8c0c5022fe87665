/* Courier's precomputed HMAC key states (hmac-md5pw, hmac-sha1pw, hmac-sha256pw) and CRAM
 * digests resumed from them (courier-formats §1.5; byte-identical to Dovecot's {CRAM-MD5}).
 * The stored secret is lowercase hex of outer_state || inner_state, each state being the hash's
 * chaining words after compressing one block of K0^opad / K0^ipad. */
#ifndef HATO_HMACKEY_H
#define HATO_HMACKEY_H

#include <stddef.h>
#include <stdint.h>

enum hmackey_hash {
	HMACKEY_MD5,
	HMACKEY_SHA1,
	HMACKEY_SHA256,
};

#define HMACKEY_MAX_DIGEST 32

/* "md5", "sha1", "sha256" (case-insensitive) -> hash; -1 if unknown. */
int hmackey_hash_from_name(const char *name);
const char *hmackey_hash_name(enum hmackey_hash h);
size_t hmackey_digest_len(enum hmackey_hash h);

/* The stored hex form (64/80/128 chars) of the key states for key, malloc'd. */
char *hmackey_make(enum hmackey_hash h, const void *key, size_t keylen);

/* HMAC(key, data) resumed from a stored hex secret (upper or lower case accepted): writes
 * hmackey_digest_len(h) bytes into digest. Returns 0, or -1 with *error_r if the secret has the
 * wrong length or is not hex. */
int hmackey_hmac(enum hmackey_hash h, const char *secret_hex, const void *data, size_t len,
		 uint8_t *digest, const char **error_r);

/* A plain HMAC (RFC 2104) computed with nettle, for keys in the clear. */
void hmackey_hmac_plain(enum hmackey_hash h, const void *key, size_t keylen, const void *data,
			size_t len, uint8_t *digest);

#endif
