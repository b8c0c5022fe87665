/* A fixed credential table for SASL unit tests and fuzz targets (RFC example users). */
#ifndef HATO_SASL_TEST_CREDS_H
#define HATO_SASL_TEST_CREDS_H

#include "sasl-mech.h"

/* Users: "tim" (password tanstaaftanstaaf, hmac-*pw of it), "user" (pencil; RFC 5802/7677
 * SCRAM secrets), "mrose" (apoppw tanstaaf, RFC 1939), "broken" (any lookup fails
 * temporarily). */
extern const struct sasl_creds sasl_test_creds;

#endif
