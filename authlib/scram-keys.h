/* SCRAM key derivation (RFC 5802 §3) and the stored secret "iter,salt,StoredKey,ServerKey"
 * (base64 fields, as Dovecot stores {SCRAM-SHA-1}/{SCRAM-SHA-256}), used by fields
 * scram-sha1pw / scram-sha256pw. */
#ifndef HATO_SCRAM_KEYS_H
#define HATO_SCRAM_KEYS_H

#include "hmackey.h"

#include <stddef.h>
#include <stdint.h>

#define SCRAM_KEYS_DEFAULT_ITER 4096
#define SCRAM_KEYS_MAX_ITER 1000000
#define SCRAM_KEYS_MAX_SALT 128

struct scram_keys {
	enum hmackey_hash hash; /* HMACKEY_SHA1 or HMACKEY_SHA256 */
	unsigned iter;
	uint8_t salt[SCRAM_KEYS_MAX_SALT];
	size_t salt_len;
	uint8_t stored_key[HMACKEY_MAX_DIGEST];
	uint8_t server_key[HMACKEY_MAX_DIGEST];
};

/* H(text) for the SCRAM hash. */
void scram_keys_hash(enum hmackey_hash h, const void *p, size_t n, uint8_t *digest);

/* Derive StoredKey and ServerKey from a password (salt_len <= SCRAM_KEYS_MAX_SALT). */
void scram_keys_derive(struct scram_keys *k, enum hmackey_hash h, const char *password,
		       const uint8_t *salt, size_t salt_len, unsigned iter);

/* The stored text form, malloc'd. */
char *scram_keys_format(const struct scram_keys *k);

/* Parse the stored text form for hash h. Returns 0, or -1 with *error_r. */
int scram_keys_parse(struct scram_keys *k, enum hmackey_hash h, const char *text,
		     const char **error_r);

#endif
