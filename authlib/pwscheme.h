/* Password schemes: one table of {name, verify, generate}. Hashes come from nettle, crypt(3)
 * from libxcrypt; nothing is hand-written. See reference courier-formats §1.5, §2.5.
 *
 * Stored forms recognised by pwscheme_verify (the "{...}" prefix is case-insensitive):
 *   $y$ $2b$ $6$ $5$ $1$ and DES crypt (libxcrypt), {CRYPT}<crypt>, {MD5}, {MD5RAW}, {SHA},
 *   {SHA256}, {SHA512}, {SSHA}, {SSHA256}, {SSHA512}, and cleartext where Courier accepts it.
 * Secrets used only by challenge-response (hmac-*pw states, scram-*pw, apoppw) are not
 * passwords to verify a plaintext against here: see hmackey.h and the SASL mechanisms. */
#ifndef HATO_PWSCHEME_H
#define HATO_PWSCHEME_H

/* 1 = plain matches stored, 0 = it does not, -1 = stored is malformed or of an unknown
 * scheme (*error_r says which). Constant-time in the digest comparison. */
int pwscheme_verify(const char *stored, const char *plain, const char **error_r);

/* Make the stored form of plain for a scheme, with fresh random salt where the scheme has one.
 * Scheme names (as userdbpw options, without the dash):
 *   "crypt" (DES, Courier userdbpw's default), "md5" ($1$), "sha256-crypt" ($5$),
 *   "sha512" / "sha512-crypt" ($6$), "bcrypt" ($2b$), "yescrypt" ($y$),
 *   "{MD5}" "{MD5RAW}" "{SHA}" "{SHA256}" "{SHA512}" "{SSHA}" "{SSHA256}" "{SSHA512}",
 *   "hmac-md5" "hmac-sha1" "hmac-sha256" (lowercase hex of outer||inner HMAC state),
 *   "scram-sha1" "scram-sha256" (iter,salt,StoredKey,ServerKey in base64), "clear".
 * Returns a malloc'd string, or NULL with *error_r (unknown scheme, no randomness). */
char *pwscheme_generate(const char *scheme, const char *plain, const char **error_r);

#endif
