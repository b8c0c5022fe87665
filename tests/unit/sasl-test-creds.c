/* A fixed credential table for SASL unit tests and fuzz targets. */
#include "config.h"
#include "sasl-test-creds.h"
#include "pwscheme.h"
#include "xalloc.h"

#include <string.h>

static const struct {
	const char *user, *field, *value;
} secrets[] = {
	{ "tim", "systempw", "{SHA}HuBr0dbbiKEV0LCm4RYYIaf29J0=" },
	{ "tim", "hmac-md5pw", "d06d4e1b26fccaa4b0b61801132340a354b21152711fb604ca3e035e7015116b" },
	{ "tim", "hmac-sha1pw", "72724befb173b1ee5f79c09801b9b15e11d805fe02b49c1d1d00921723b52bcb"
				"862c04fa52876446" },
	{ "tim", "hmac-sha256pw", "0dc4407ecdb637a66615a85f4d5632c459c57a86c2038fdd81a8804bc34a"
				  "93695325d19c44d48eabed0476bc8078e0987eeaf4fff2267de3e00f539ba8"
				  "3f6225" },
	{ "user", "systempw", "pencil" },
	{ "user", "scram-sha1pw", "4096,QSXCR+Q6sek8bf92,6dlGYMOdZcOPutkcNY8U2g7vK9Y=,"
				  "D+CSWLOshSulAsxiupA+qs2/fTE=" },
	{ "user", "scram-sha256pw", "4096,W22ZaJ0SNY7soEsUEjb6gQ==,"
				    "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=,"
				    "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=" },
	{ "mrose", "apoppw", "tanstaaf" },
	{ "Kurt", "systempw", "xipj3plmq" },
};

static int find(const char *user, const char *field, const char **value_r, const char **error_r)
{
	if (strcmp(user, "broken") == 0) {
		*error_r = "test backend is down";
		return -1;
	}
	for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
		if (strcmp(secrets[i].user, user) == 0 && strcmp(secrets[i].field, field) == 0) {
			*value_r = secrets[i].value;
			return 1;
		}
	}
	return 0;
}

static int test_verify_plain(void *ctx, const char *user, const char *password,
			     const char **error_r)
{
	const char *stored;
	int r = find(user, "systempw", &stored, error_r);

	(void)ctx;
	if (r <= 0)
		return r;
	return pwscheme_verify(stored, password, error_r) == 1;
}

static int test_get_secret(void *ctx, const char *user, const char *field, char **secret_r,
			   const char **error_r)
{
	const char *v;
	int r = find(user, field, &v, error_r);

	(void)ctx;
	if (r == 1)
		*secret_r = xstrdup(v);
	return r;
}

const struct sasl_creds sasl_test_creds = { NULL, test_verify_plain, test_get_secret };
