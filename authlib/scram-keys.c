/* SCRAM keys (RFC 5802 §3): SaltedPassword = PBKDF2(password, salt, i), ClientKey =
 * HMAC(SaltedPassword, "Client Key"), StoredKey = H(ClientKey), ServerKey =
 * HMAC(SaltedPassword, "Server Key"). Stored as Dovecot does: "iter,salt,StoredKey,ServerKey". */
#include "config.h"
#include "scram-keys.h"
#include "auth-base64.h"
#include "buf.h"
#include "xalloc.h"

#include <errno.h>
#include <nettle/pbkdf2.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>

void scram_keys_hash(enum hmackey_hash h, const void *p, size_t n, uint8_t *digest)
{
	if (h == HMACKEY_SHA1) {
		struct sha1_ctx c;
		sha1_init(&c);
		sha1_update(&c, n, p);
		sha1_digest(&c, SHA1_DIGEST_SIZE, digest);
	} else {
		struct sha256_ctx c;
		sha256_init(&c);
		sha256_update(&c, n, p);
		sha256_digest(&c, SHA256_DIGEST_SIZE, digest);
	}
}

void scram_keys_derive(struct scram_keys *k, enum hmackey_hash h, const char *password,
		       const uint8_t *salt, size_t salt_len, unsigned iter)
{
	uint8_t salted[HMACKEY_MAX_DIGEST], client_key[HMACKEY_MAX_DIGEST];
	size_t dl = hmackey_digest_len(h);
	size_t pwlen = strlen(password);

	k->hash = h;
	k->iter = iter;
	k->salt_len = salt_len;
	memcpy(k->salt, salt, salt_len);
	if (h == HMACKEY_SHA1)
		pbkdf2_hmac_sha1(pwlen, (const uint8_t *)password, iter, salt_len, salt, dl,
				 salted);
	else
		pbkdf2_hmac_sha256(pwlen, (const uint8_t *)password, iter, salt_len, salt, dl,
				   salted);
	hmackey_hmac_plain(h, salted, dl, "Client Key", 10, client_key);
	scram_keys_hash(h, client_key, dl, k->stored_key);
	hmackey_hmac_plain(h, salted, dl, "Server Key", 10, k->server_key);
	secure_zero(salted, sizeof(salted));
	secure_zero(client_key, sizeof(client_key));
}

char *scram_keys_format(const struct scram_keys *k)
{
	struct buf b = BUF_INIT;
	size_t dl = hmackey_digest_len(k->hash);

	buf_printf(&b, "%u,", k->iter);
	auth_base64_encode(&b, k->salt, k->salt_len);
	buf_putc(&b, ',');
	auth_base64_encode(&b, k->stored_key, dl);
	buf_putc(&b, ',');
	auth_base64_encode(&b, k->server_key, dl);
	return buf_steal(&b);
}

/* Decode one base64 field of exactly want bytes (or 1..max when want is 0). */
static int decode_field(const char *p, size_t len, uint8_t *out, size_t want, size_t max,
			size_t *len_r)
{
	struct buf b = BUF_INIT;
	const char *error;
	int ret = -1;

	if (auth_base64_decode(&b, p, len, &error) == 0 &&
	    (want != 0 ? b.len == want : b.len > 0 && b.len <= max)) {
		memcpy(out, b.data, b.len);
		*len_r = b.len;
		ret = 0;
	}
	buf_free_secure(&b);
	return ret;
}

int scram_keys_parse(struct scram_keys *k, enum hmackey_hash h, const char *text,
		     const char **error_r)
{
	const char *f[4];
	size_t flen[4];
	size_t dl = hmackey_digest_len(h), got;
	const char *p = text;
	char *end;
	unsigned long iter;

	for (int i = 0; i < 4; i++) {
		const char *comma = strchr(p, ',');
		f[i] = p;
		flen[i] = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if ((comma == NULL) != (i == 3)) {
			*error_r = "SCRAM secret must have four comma-separated fields";
			return -1;
		}
		p = comma != NULL ? comma + 1 : p + flen[i];
	}
	errno = 0;
	iter = strtoul(f[0], &end, 10);
	if (f[0][0] < '0' || f[0][0] > '9' || end != f[0] + flen[0] || errno != 0 || iter == 0 ||
	    iter > SCRAM_KEYS_MAX_ITER) {
		*error_r = "SCRAM secret has an invalid iteration count";
		return -1;
	}
	k->hash = h;
	k->iter = (unsigned)iter;
	if (decode_field(f[1], flen[1], k->salt, 0, SCRAM_KEYS_MAX_SALT, &k->salt_len) < 0 ||
	    decode_field(f[2], flen[2], k->stored_key, dl, dl, &got) < 0 ||
	    decode_field(f[3], flen[3], k->server_key, dl, dl, &got) < 0) {
		*error_r = "SCRAM secret has an invalid salt or key";
		return -1;
	}
	return 0;
}
