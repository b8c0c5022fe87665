/* APOP (RFC 1939 §7) verification against the cleartext field "apoppw". */
#ifndef HATO_APOP_H
#define HATO_APOP_H

#include "sasl-mech.h"

/* digest_hex is the client's 32 hex digits of MD5(challenge || secret). Returns SASL_OK,
 * SASL_FAIL or SASL_TEMPFAIL, with *reason_r unless SASL_OK. */
enum sasl_result apop_verify(const struct sasl_creds *creds, const char *challenge,
			     const char *user, const char *digest_hex, const char **reason_r);

#endif
