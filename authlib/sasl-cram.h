/* CRAM-MD5 (RFC 2195) and Courier's CRAM-SHA1 / CRAM-SHA256 verification, shared by the SASL
 * mechanisms and by the Courier authdaemon protocol (whose client supplies the challenge). */
#ifndef HATO_SASL_CRAM_H
#define HATO_SASL_CRAM_H

#include "hmackey.h"
#include "sasl-mech.h"

/* Check response "user hexdigest" (split at the last space) against challenge, using the
 * secret field "hmac-<hash>pw" from creds. Returns SASL_OK with *user_r (malloc'd), SASL_FAIL
 * with *reason_r, or SASL_TEMPFAIL with *reason_r. */
enum sasl_result sasl_cram_verify(enum hmackey_hash h, const struct sasl_creds *creds,
				  const void *challenge, size_t chal_len, const void *response,
				  size_t resp_len, char **user_r, const char **reason_r);

#endif
