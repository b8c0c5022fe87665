/* Unit tests for authlib/pwscheme.c, hmackey.c and scram-keys.c: RFC 2195 / 2202 / 4231 vectors,
 * Courier's hmac-*pw values (courier-formats §1.5), §2.5 digests, wrong-password rows. */
#include "config.h"
#include "hmackey.h"
#include "pwscheme.h"
#include "scram-keys.h"
#include "auth-base64.h"
#include "buf.h"

#include <check.h>
#include <nettle/base16.h>
#include <stdlib.h>
#include <string.h>

static void hex_of(const uint8_t *p, size_t n, char *out)
{
	base16_encode_update(out, n, p);
	out[2 * n] = '\0';
}

static const struct {
	enum hmackey_hash h;
	const char *value;
} courier_keys[] = {
	{ HMACKEY_MD5, "d06d4e1b26fccaa4b0b61801132340a354b21152711fb604ca3e035e7015116b" },
	{ HMACKEY_SHA1, "72724befb173b1ee5f79c09801b9b15e11d805fe02b49c1d1d00921723b52bcb862c04fa"
			"52876446" },
	{ HMACKEY_SHA256, "0dc4407ecdb637a66615a85f4d5632c459c57a86c2038fdd81a8804bc34a9369532"
			  "5d19c44d48eabed0476bc8078e0987eeaf4fff2267de3e00f539ba83f6225" },
};

START_TEST(test_hmackey_courier_values)
{
	char *v = hmackey_make(courier_keys[_i].h, "tanstaaftanstaaf", 16);
	ck_assert_str_eq(v, courier_keys[_i].value);
	free(v);
}
END_TEST

START_TEST(test_hmackey_rfc2195)
{
	static const char chal[] = "<1896.697170952@postoffice.reston.mci.net>";
	uint8_t d[HMACKEY_MAX_DIGEST];
	char hex[2 * HMACKEY_MAX_DIGEST + 1];
	const char *error;
	char upper[65];

	ck_assert_int_eq(hmackey_hmac(HMACKEY_MD5, courier_keys[0].value, chal, strlen(chal), d,
				      &error), 0);
	hex_of(d, 16, hex);
	ck_assert_str_eq(hex, "b913a602c7eda7a495b4e6e7334d3890");
	/* Upper-case hex is accepted, as Courier's parser does. */
	for (size_t i = 0; i <= 64; i++)
		upper[i] = (char)(courier_keys[0].value[i] >= 'a' ? courier_keys[0].value[i] - 32
								  : courier_keys[0].value[i]);
	ck_assert_int_eq(hmackey_hmac(HMACKEY_MD5, upper, chal, strlen(chal), d, &error), 0);
	hex_of(d, 16, hex);
	ck_assert_str_eq(hex, "b913a602c7eda7a495b4e6e7334d3890");
	/* A different challenge gives a different digest. */
	ck_assert_int_eq(hmackey_hmac(HMACKEY_MD5, courier_keys[0].value, chal, 10, d, &error), 0);
	hex_of(d, 16, hex);
	ck_assert_str_ne(hex, "b913a602c7eda7a495b4e6e7334d3890");
}
END_TEST

START_TEST(test_hmackey_bad_secret)
{
	uint8_t d[HMACKEY_MAX_DIGEST];
	const char *error = NULL;

	ck_assert_int_eq(hmackey_hmac(HMACKEY_MD5, "abcd", "x", 1, d, &error), -1);
	ck_assert_ptr_nonnull(error);
	ck_assert_int_eq(hmackey_hmac(HMACKEY_SHA1, courier_keys[0].value, "x", 1, d, &error), -1);
	ck_assert_int_eq(hmackey_hmac(HMACKEY_MD5,
				      "g06d4e1b26fccaa4b0b61801132340a354b21152711fb604ca3e035e7015116b",
				      "x", 1, d, &error), -1);
	ck_assert_int_eq(hmackey_hash_from_name("SHA256"), HMACKEY_SHA256);
	ck_assert_int_eq(hmackey_hash_from_name("sha384"), -1);
}
END_TEST

/* RFC 2202 (MD5, SHA-1) and RFC 4231 (SHA-256): both via a plain HMAC and resumed from states. */
static const struct {
	enum hmackey_hash h;
	uint8_t key_byte; /* 0 = "Jefe" */
	size_t key_len;
	const char *data;
	const char *digest;
} hmac_vectors[] = {
	{ HMACKEY_MD5, 0, 4, "what do ya want for nothing?", "750c783e6ab0b503eaa86e310a5db738" },
	{ HMACKEY_SHA1, 0, 4, "what do ya want for nothing?",
	  "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
	{ HMACKEY_SHA256, 0, 4, "what do ya want for nothing?",
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	{ HMACKEY_MD5, 0xaa, 80, "Test Using Larger Than Block-Size Key - Hash Key First",
	  "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd" },
	{ HMACKEY_SHA1, 0xaa, 80, "Test Using Larger Than Block-Size Key - Hash Key First",
	  "aa4ae5e15272d00e95705637ce8a3b55ed402112" },
	{ HMACKEY_SHA256, 0xaa, 131, "Test Using Larger Than Block-Size Key - Hash Key First",
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
};

START_TEST(test_hmac_rfc_vectors)
{
	uint8_t key[200], d[HMACKEY_MAX_DIGEST];
	char hex[2 * HMACKEY_MAX_DIGEST + 1];
	const char *error;
	size_t dl = hmackey_digest_len(hmac_vectors[_i].h);
	const char *data = hmac_vectors[_i].data;

	if (hmac_vectors[_i].key_byte == 0)
		memcpy(key, "Jefe", 4);
	else
		memset(key, hmac_vectors[_i].key_byte, hmac_vectors[_i].key_len);
	hmackey_hmac_plain(hmac_vectors[_i].h, key, hmac_vectors[_i].key_len, data, strlen(data),
			   d);
	hex_of(d, dl, hex);
	ck_assert_str_eq(hex, hmac_vectors[_i].digest);

	char *state = hmackey_make(hmac_vectors[_i].h, key, hmac_vectors[_i].key_len);
	memset(d, 0, sizeof(d));
	ck_assert_int_eq(hmackey_hmac(hmac_vectors[_i].h, state, data, strlen(data), d, &error), 0);
	hex_of(d, dl, hex);
	ck_assert_str_eq(hex, hmac_vectors[_i].digest);
	free(state);
}
END_TEST

/* stored, plain, expected verify result */
static const struct {
	const char *stored;
	const char *plain;
	int result;
} verify_rows[] = {
	{ "{MD5}Xr4ilOzQ4PCOq3aQ0qbuaQ==", "secret", 1 },
	{ "{MD5}Xr4ilOzQ4PCOq3aQ0qbuaQ==", "Secret", 0 },
	{ "{md5}Xr4ilOzQ4PCOq3aQ0qbuaQ==", "secret", 1 },
	{ "{MD5RAW}5ebe2294ecd0e0f08eab7690d2a6ee69", "secret", 1 },
	{ "{MD5RAW}5ebe2294ecd0e0f08eab7690d2a6ee69", "secret2", 0 },
	{ "{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=", "secret", 1 },
	{ "{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=", "", 0 },
	{ "{SHA256}K7gNU3sdo+OL0wNhqoVWhr3g6s1xYv72ol/pe/Unols=", "secret", 1 },
	{ "{SHA256}K7gNU3sdo+OL0wNhqoVWhr3g6s1xYv72ol/pe/Unols=", "secreT", 0 },
	{ "{SHA512}vSsar3708Jvp9Szi2NWZZ02Bqp1qRCFpbcTZPdBhnWgs5WtNZKnvCXdhztmeD2cmW192CF5bDufKRpa"
	  "yrW/isg==", "secret", 1 },
	{ "{SHA512}vSsar3708Jvp9Szi2NWZZ02Bqp1qRCFpbcTZPdBhnWgs5WtNZKnvCXdhztmeD2cmW192CF5bDufKRpa"
	  "yrW/isg==", "secrets", 0 },
	{ "{SSHA}uJDd0BIdJ9Z7yDCZNWdgYeb33+cBAgME", "secret", 1 },
	{ "{SSHA}uJDd0BIdJ9Z7yDCZNWdgYeb33+cBAgME", "wrong", 0 },
	{ "{SSHA256}A7N1lAy5bBb4T6qH9e85zAvHBmzNPhRFbZ105DjjWDIBAgMEBQYHCA==", "secret", 1 },
	{ "{SSHA256}A7N1lAy5bBb4T6qH9e85zAvHBmzNPhRFbZ105DjjWDIBAgMEBQYHCA==", "wrong", 0 },
	{ "{SSHA512}KO8EsMPQTwZrxxbOkDAOOXEeVCc2grMQg1pnZwZhC1bBQLby8zCmFn7qTZRvoTd+yQdROQQNYHWpTU"
	  "ST4zjTdQECAwQFBgcI", "secret", 1 },
	{ "{SSHA512}KO8EsMPQTwZrxxbOkDAOOXEeVCc2grMQg1pnZwZhC1bBQLby8zCmFn7qTZRvoTd+yQdROQQNYHWpTU"
	  "ST4zjTdQECAwQFBgcI", "wrong", 0 },
	{ "$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1", "secret", 1 },
	{ "$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1", "secret ", 0 },
	{ "{CRYPT}$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1", "secret", 1 },
	{ "{crypt}$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1", "wrong", 0 },
	{ "$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA", "secret", 1 },
	{ "$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA", "wrong", 0 },
	{ "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq"
	  ".H91p5hVO1", "secret", 1 },
	{ "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq"
	  ".H91p5hVO1", "wrong", 0 },
	{ "abNANd1rDfiNc", "secret", 1 },
	{ "abNANd1rDfiNc", "wrong", 0 },
	{ "cleartext-pw", "cleartext-pw", 1 },
	{ "cleartext-pw", "cleartext-p", 0 },
	/* Malformed or unknown stored forms. */
	{ "{MD5}Xr4ilOzQ4PCOq3aQ0qbu", "secret", -1 },
	{ "{MD5}!!!!", "secret", -1 },
	{ "{SHA}Xr4ilOzQ4PCOq3aQ0qbuaQ==", "secret", -1 },
	{ "{MD5RAW}zz", "secret", -1 },
	{ "{SSHA}5en6G6MezRroT3XKqkdPOmY/BfQ=", "secret", -1 },
	{ "{ARGON2}abc", "secret", -1 },
	{ "{MD5", "secret", -1 },
	{ "$9$nosuchscheme", "secret", -1 },
};

START_TEST(test_verify_rows)
{
	const char *error = NULL;
	int r = pwscheme_verify(verify_rows[_i].stored, verify_rows[_i].plain, &error);

	ck_assert_msg(r == verify_rows[_i].result, "%s / %s: got %d (%s)", verify_rows[_i].stored,
		      verify_rows[_i].plain, r, r < 0 ? error : "");
	if (r < 0)
		ck_assert_ptr_nonnull(error);
}
END_TEST

/* scheme, expected prefix of the output, verifiable with pwscheme_verify */
static const struct {
	const char *scheme;
	const char *prefix;
	int verifiable;
} generate_rows[] = {
	{ "crypt", "", 1 },
	{ "md5", "$1$", 1 },
	{ "sha256-crypt", "$5$", 1 },
	{ "sha512", "$6$", 1 },
	{ "sha512-crypt", "$6$", 1 },
	{ "bcrypt", "$2b$", 1 },
	{ "yescrypt", "$y$", 1 },
	{ "{MD5}", "{MD5}", 1 },
	{ "{MD5RAW}", "{MD5RAW}", 1 },
	{ "{SHA}", "{SHA}", 1 },
	{ "{SHA256}", "{SHA256}", 1 },
	{ "{SHA512}", "{SHA512}", 1 },
	{ "{SSHA}", "{SSHA}", 1 },
	{ "{SSHA256}", "{SSHA256}", 1 },
	{ "{SSHA512}", "{SSHA512}", 1 },
	{ "clear", "s3cr", 1 },
	{ "hmac-md5", "", 0 },
	{ "hmac-sha1", "", 0 },
	{ "hmac-sha256", "", 0 },
	{ "scram-sha1", "4096,", 0 },
	{ "scram-sha256", "4096,", 0 },
};

START_TEST(test_generate_rows)
{
	const char *error = NULL;
	char *s = pwscheme_generate(generate_rows[_i].scheme, "s3cret pw", &error);
	char *s2;

	ck_assert_msg(s != NULL, "%s: %s", generate_rows[_i].scheme, error);
	ck_assert_msg(strncmp(s, generate_rows[_i].prefix, strlen(generate_rows[_i].prefix)) == 0,
		      "%s: %s", generate_rows[_i].scheme, s);
	if (generate_rows[_i].verifiable) {
		ck_assert_int_eq(pwscheme_verify(s, "s3cret pw", &error), 1);
		ck_assert_int_eq(pwscheme_verify(s, "S3cret pw", &error), 0);
		ck_assert_int_eq(pwscheme_verify(s, "", &error), 0);
	}
	/* Salted schemes give a different value each time. */
	s2 = pwscheme_generate(generate_rows[_i].scheme, "s3cret pw", &error);
	ck_assert_ptr_nonnull(s2);
	if (strstr(generate_rows[_i].scheme, "SSHA") != NULL || strstr(s, "$") != NULL ||
	    strncmp(generate_rows[_i].scheme, "scram", 5) == 0 ||
	    strcmp(generate_rows[_i].scheme, "crypt") == 0)
		ck_assert_str_ne(s, s2);
	free(s);
	free(s2);
}
END_TEST

START_TEST(test_generate_hmac_and_scram_values)
{
	const char *error = NULL;
	char *s = pwscheme_generate("hmac-sha1", "tanstaaftanstaaf", &error);
	struct scram_keys k, k2;

	ck_assert_str_eq(s, courier_keys[1].value);
	free(s);
	s = pwscheme_generate("scram-sha256", "pencil", &error);
	ck_assert_int_eq(scram_keys_parse(&k, HMACKEY_SHA256, s, &error), 0);
	ck_assert_uint_eq(k.iter, 4096);
	ck_assert_uint_eq(k.salt_len, 16);
	scram_keys_derive(&k2, HMACKEY_SHA256, "pencil", k.salt, k.salt_len, k.iter);
	ck_assert_mem_eq(k.stored_key, k2.stored_key, 32);
	ck_assert_mem_eq(k.server_key, k2.server_key, 32);
	scram_keys_derive(&k2, HMACKEY_SHA256, "pencil2", k.salt, k.salt_len, k.iter);
	ck_assert(memcmp(k.stored_key, k2.stored_key, 32) != 0);
	free(s);
	ck_assert_ptr_null(pwscheme_generate("rot13", "x", &error));
	ck_assert_str_eq(error, "unknown password scheme");
}
END_TEST

/* RFC 5802 §5 and RFC 7677 §3: user "user", password "pencil". */
START_TEST(test_scram_keys_rfc)
{
	const char *error;
	struct scram_keys k;
	struct buf salt = BUF_INIT;
	char *text;

	ck_assert_int_eq(auth_base64_decode(&salt, "QSXCR+Q6sek8bf92", 16, &error), 0);
	scram_keys_derive(&k, HMACKEY_SHA1, "pencil", (uint8_t *)salt.data, salt.len, 4096);
	text = scram_keys_format(&k);
	ck_assert_str_eq(text, "4096,QSXCR+Q6sek8bf92,6dlGYMOdZcOPutkcNY8U2g7vK9Y=,"
			       "D+CSWLOshSulAsxiupA+qs2/fTE=");
	free(text);
	buf_reset(&salt);
	ck_assert_int_eq(auth_base64_decode(&salt, "W22ZaJ0SNY7soEsUEjb6gQ==", 24, &error), 0);
	scram_keys_derive(&k, HMACKEY_SHA256, "pencil", (uint8_t *)salt.data, salt.len, 4096);
	text = scram_keys_format(&k);
	ck_assert_str_eq(text, "4096,W22ZaJ0SNY7soEsUEjb6gQ==,"
			       "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=,"
			       "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=");
	ck_assert_int_eq(scram_keys_parse(&k, HMACKEY_SHA256, text, &error), 0);
	ck_assert_int_eq(scram_keys_parse(&k, HMACKEY_SHA1, text, &error), -1);
	free(text);
	buf_free(&salt);
}
END_TEST

static const char *bad_scram[] = {
	"", "4096", "4096,QSXCR+Q6sek8bf92,6dlGYMOdZcOPutkcNY8U2g7vK9Y=",
	"0,QSXCR+Q6sek8bf92,6dlGYMOdZcOPutkcNY8U2g7vK9Y=,D+CSWLOshSulAsxiupA+qs2/fTE=",
	"-1,QSXCR+Q6sek8bf92,6dlGYMOdZcOPutkcNY8U2g7vK9Y=,D+CSWLOshSulAsxiupA+qs2/fTE=",
	"4096,,6dlGYMOdZcOPutkcNY8U2g7vK9Y=,D+CSWLOshSulAsxiupA+qs2/fTE=",
	"4096,QSXCR+Q6sek8bf92,6dlGYMOdZcOPutkcNY8U2g7v,D+CSWLOshSulAsxiupA+qs2/fTE=",
	"4096,QSXCR+Q6sek8bf92,6dlGYMOdZcOPutkcNY8U2g7vK9Y=,D+CSWLOshSulAsxiupA+qs2/fTE=,x",
	"4096x,QSXCR+Q6sek8bf92,6dlGYMOdZcOPutkcNY8U2g7vK9Y=,D+CSWLOshSulAsxiupA+qs2/fTE=",
};

START_TEST(test_scram_keys_bad)
{
	const char *error = NULL;
	struct scram_keys k;

	ck_assert_int_eq(scram_keys_parse(&k, HMACKEY_SHA1, bad_scram[_i], &error), -1);
	ck_assert_ptr_nonnull(error);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

int main(void)
{
	Suite *s = suite_create("pwscheme");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_hmackey_courier_values, 0, N(courier_keys));
	tcase_add_test(tc, test_hmackey_rfc2195);
	tcase_add_test(tc, test_hmackey_bad_secret);
	tcase_add_loop_test(tc, test_hmac_rfc_vectors, 0, N(hmac_vectors));
	tcase_add_loop_test(tc, test_verify_rows, 0, N(verify_rows));
	tcase_add_loop_test(tc, test_generate_rows, 0, N(generate_rows));
	tcase_add_test(tc, test_generate_hmac_and_scram_values);
	tcase_add_test(tc, test_scram_keys_rfc);
	tcase_add_loop_test(tc, test_scram_keys_bad, 0, N(bad_scram));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
