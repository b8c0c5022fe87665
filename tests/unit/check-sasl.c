/* Unit tests for the SASL mechanisms: RFC 4616 PLAIN, LOGIN, RFC 2195 CRAM-MD5 (and Courier's
 * CRAM-SHA1/SHA256), RFC 5802 / RFC 7677 SCRAM, RFC 1939 APOP, with failure rows. */
#include "config.h"
#include "apop.h"
#include "hmackey.h"
#include "sasl-cram.h"
#include "sasl-mech.h"
#include "sasl-test-creds.h"

#include <check.h>
#include <nettle/base16.h>
#include <stdlib.h>
#include <string.h>

static struct sasl_session *session(const char *mech)
{
	const struct sasl_mech *m = sasl_mech_find(mech);

	ck_assert_ptr_nonnull(m);
	return sasl_session_new(m, &sasl_test_creds, "postoffice.example");
}

/* message (with NULs: length given), expected result, authcid */
static const struct {
	const char *msg;
	size_t len;
	enum sasl_result result;
	const char *authcid;
} plain_rows[] = {
	{ "\0tim\0tanstaaftanstaaf", 21, SASL_OK, "tim" },
	{ "tim\0tim\0tanstaaftanstaaf", 24, SASL_OK, "tim" },
	{ "\0tim\0tanstaaftanstaag", 21, SASL_FAIL, NULL },
	{ "\0nobody\0tanstaaftanstaaf", 24, SASL_FAIL, NULL },
	/* RFC 4616 §4's proxy example: we do not allow Kurt to act as Ursel. */
	{ "Ursel\0Kurt\0xipj3plmq", 20, SASL_FAIL, NULL },
	{ "\0Kurt\0xipj3plmq", 15, SASL_OK, "Kurt" },
	{ "\0tim\0", 5, SASL_FAIL, NULL },
	{ "\0\0tanstaaftanstaaf", 18, SASL_FAIL, NULL },
	{ "tim\0tanstaaftanstaaf", 20, SASL_FAIL, NULL },
	{ "\0tim\0tanstaaftanstaaf\0", 22, SASL_FAIL, NULL },
	{ "", 0, SASL_FAIL, NULL },
	{ "\0broken\0x", 9, SASL_TEMPFAIL, NULL },
};

START_TEST(test_plain_initial)
{
	struct sasl_session *s = session("plain");
	struct buf out = BUF_INIT;
	enum sasl_result r = sasl_session_start(s, plain_rows[_i].msg, plain_rows[_i].len, 1, &out);

	ck_assert_int_eq(r, plain_rows[_i].result);
	if (r == SASL_OK)
		ck_assert_str_eq(sasl_session_authcid(s), plain_rows[_i].authcid);
	else
		ck_assert_str_ne(sasl_session_reason(s), "");
	ck_assert_uint_eq(out.len, 0);
	/* Nothing is accepted after the end. */
	ck_assert_int_eq(sasl_session_input(s, "x", 1, &out), SASL_FAIL);
	sasl_session_free(s);
	buf_free(&out);
}
END_TEST

START_TEST(test_plain_no_initial)
{
	struct sasl_session *s = session("PLAIN");
	struct buf out = BUF_INIT;

	ck_assert_int_eq(sasl_session_start(s, NULL, 0, 0, &out), SASL_CONTINUE);
	ck_assert_uint_eq(out.len, 0);
	ck_assert_int_eq(sasl_session_input(s, "\0tim\0tanstaaftanstaaf", 21, &out), SASL_OK);
	ck_assert_str_eq(sasl_session_authcid(s), "tim");
	ck_assert_str_eq(sasl_session_authzid(s), "");
	sasl_session_free(s);
	buf_free(&out);
}
END_TEST

START_TEST(test_login)
{
	struct sasl_session *s = session("LOGIN");
	struct buf out = BUF_INIT;

	ck_assert_int_eq(sasl_session_start(s, NULL, 0, 0, &out), SASL_CONTINUE);
	ck_assert_str_eq(buf_cstr(&out), "Username:");
	buf_reset(&out);
	ck_assert_int_eq(sasl_session_input(s, "tim", 3, &out), SASL_CONTINUE);
	ck_assert_str_eq(buf_cstr(&out), "Password:");
	buf_reset(&out);
	ck_assert_int_eq(sasl_session_input(s, "tanstaaftanstaaf", 16, &out), SASL_OK);
	ck_assert_str_eq(sasl_session_authcid(s), "tim");
	sasl_session_free(s);

	s = session("LOGIN");
	buf_reset(&out);
	ck_assert_int_eq(sasl_session_start(s, "tim", 3, 1, &out), SASL_CONTINUE);
	ck_assert_str_eq(buf_cstr(&out), "Password:");
	ck_assert_int_eq(sasl_session_input(s, "tanstaaftanstaa", 15, &out), SASL_FAIL);
	sasl_session_free(s);

	s = session("LOGIN");
	ck_assert_int_eq(sasl_session_start(s, NULL, 0, 0, &out), SASL_CONTINUE);
	ck_assert_int_eq(sasl_session_input(s, "", 0, &out), SASL_FAIL);
	sasl_session_free(s);
	buf_free(&out);
}
END_TEST

START_TEST(test_cram_md5_rfc2195)
{
	static const char resp[] = "tim b913a602c7eda7a495b4e6e7334d3890";
	struct sasl_session *s = session("CRAM-MD5");
	struct buf out = BUF_INIT;

	sasl_session_set_nonce(s, "<1896.697170952@postoffice.reston.mci.net>");
	ck_assert_int_eq(sasl_session_start(s, NULL, 0, 0, &out), SASL_CONTINUE);
	ck_assert_str_eq(buf_cstr(&out), "<1896.697170952@postoffice.reston.mci.net>");
	ck_assert_int_eq(sasl_session_input(s, resp, strlen(resp), &out), SASL_OK);
	ck_assert_str_eq(sasl_session_authcid(s), "tim");
	sasl_session_free(s);
	buf_free(&out);
}
END_TEST

static const char *cram_bad[] = {
	"tim b913a602c7eda7a495b4e6e7334d3891",	 /* wrong digest */
	"tom b913a602c7eda7a495b4e6e7334d3890",	 /* unknown user */
	"tim b913a602c7eda7a495b4e6e7334d389",	 /* short */
	"tim b913a602c7eda7a495b4e6e7334d3890aa", /* long */
	"tim  b913a602c7eda7a495b4e6e7334d3890",	 /* user "tim " */
	"timb913a602c7eda7a495b4e6e7334d3890",	 /* no space */
	" b913a602c7eda7a495b4e6e7334d3890",	 /* empty user */
	"tim b913a602c7eda7a495b4e6e7334d38zz",	 /* not hex */
	"",
};

START_TEST(test_cram_md5_bad)
{
	struct sasl_session *s = session("CRAM-MD5");
	struct buf out = BUF_INIT;

	sasl_session_set_nonce(s, "<1896.697170952@postoffice.reston.mci.net>");
	ck_assert_int_eq(sasl_session_start(s, NULL, 0, 0, &out), SASL_CONTINUE);
	ck_assert_int_eq(sasl_session_input(s, cram_bad[_i], strlen(cram_bad[_i]), &out),
			 SASL_FAIL);
	sasl_session_free(s);
	buf_free(&out);
}
END_TEST

START_TEST(test_cram_random_challenge_and_sha)
{
	static const char *mechs[] = { "CRAM-MD5", "CRAM-SHA1", "CRAM-SHA256" };
	static const enum hmackey_hash hashes[] = { HMACKEY_MD5, HMACKEY_SHA1, HMACKEY_SHA256 };

	for (int i = 0; i < 3; i++) {
		struct sasl_session *s = session(mechs[i]);
		struct buf out = BUF_INIT, resp = BUF_INIT;
		uint8_t d[HMACKEY_MAX_DIGEST];
		char hex[2 * HMACKEY_MAX_DIGEST + 1];
		size_t dl = hmackey_digest_len(hashes[i]);

		ck_assert_int_eq(sasl_session_start(s, "x", 1, 1, &out), SASL_FAIL);
		sasl_session_free(s);
		s = session(mechs[i]);
		ck_assert_int_eq(sasl_session_start(s, NULL, 0, 0, &out), SASL_CONTINUE);
		/* "<" 32 upper-case hex "@" host ">" */
		ck_assert_uint_eq(out.len, 1 + 32 + 1 + strlen("postoffice.example") + 1);
		ck_assert_int_eq(out.data[0], '<');
		ck_assert_uint_eq(strspn(out.data + 1, "0123456789ABCDEF"), 32);
		ck_assert_str_eq(out.data + 33, "@postoffice.example>");
		hmackey_hmac_plain(hashes[i], "tanstaaftanstaaf", 16, out.data, out.len, d);
		base16_encode_update(hex, dl, d);
		hex[2 * dl] = '\0';
		buf_printf(&resp, "tim %s", hex);
		ck_assert_int_eq(sasl_session_input(s, resp.data, resp.len, &out), SASL_OK);
		sasl_session_free(s);
		buf_free(&out);
		buf_free(&resp);
	}
}
END_TEST

START_TEST(test_cram_verify_direct)
{
	static const char chal[] = "<1896.697170952@postoffice.reston.mci.net>";
	static const char resp[] = "tim B913A602C7EDA7A495B4E6E7334D3890";
	const char *reason = NULL;
	char *user = NULL;

	ck_assert_int_eq(sasl_cram_verify(HMACKEY_MD5, &sasl_test_creds, chal, strlen(chal), resp,
					  strlen(resp), &user, &reason), SASL_OK);
	ck_assert_str_eq(user, "tim");
	free(user);
	ck_assert_int_eq(sasl_cram_verify(HMACKEY_MD5, &sasl_test_creds, chal, strlen(chal) - 1,
					  resp, strlen(resp), &user, &reason), SASL_FAIL);
	ck_assert_int_eq(sasl_cram_verify(HMACKEY_SHA1, &sasl_test_creds, chal, strlen(chal), resp,
					  strlen(resp), &user, &reason), SASL_FAIL);
	ck_assert_int_eq(sasl_cram_verify(HMACKEY_MD5, &sasl_test_creds, chal, strlen(chal),
					  "broken b913a602c7eda7a495b4e6e7334d3890", 39, &user,
					  &reason), SASL_TEMPFAIL);
}
END_TEST

struct scram_vector {
	const char *mech, *snonce, *client_first, *server_first, *client_final, *server_final;
};

static const struct scram_vector scram_vectors[] = {
	{ "SCRAM-SHA-1", "3rfcNHYJY1ZVvWVs7j", "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
	  "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
	  "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
	  "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=" },
	{ "SCRAM-SHA-256", "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0", "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
	  "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
	  "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
	  "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
	  "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=" },
};

START_TEST(test_scram_rfc)
{
	const struct scram_vector *v = &scram_vectors[_i];
	struct sasl_session *s = session(v->mech);
	struct buf out = BUF_INIT;

	sasl_session_set_nonce(s, v->snonce);
	ck_assert_int_eq(sasl_session_start(s, v->client_first, strlen(v->client_first), 1, &out),
			 SASL_CONTINUE);
	ck_assert_str_eq(buf_cstr(&out), v->server_first);
	buf_reset(&out);
	ck_assert_int_eq(sasl_session_input(s, v->client_final, strlen(v->client_final), &out),
			 SASL_OK);
	ck_assert_str_eq(buf_cstr(&out), v->server_final);
	ck_assert_str_eq(sasl_session_authcid(s), "user");
	sasl_session_free(s);

	/* The same exchange without an initial response. */
	s = session(v->mech);
	sasl_session_set_nonce(s, v->snonce);
	buf_reset(&out);
	ck_assert_int_eq(sasl_session_start(s, NULL, 0, 0, &out), SASL_CONTINUE);
	ck_assert_uint_eq(out.len, 0);
	ck_assert_int_eq(sasl_session_input(s, v->client_first, strlen(v->client_first), &out),
			 SASL_CONTINUE);
	ck_assert_str_eq(buf_cstr(&out), v->server_first);
	buf_reset(&out);
	ck_assert_int_eq(sasl_session_input(s, v->client_final, strlen(v->client_final), &out),
			 SASL_OK);
	sasl_session_free(s);
	buf_free(&out);
}
END_TEST

/* Failure rows for SCRAM-SHA-1 against the RFC 5802 exchange: client_first, client_final
 * (NULL = the first message itself must fail). */
static const struct {
	const char *first, *final;
} scram_bad[] = {
	/* wrong proof */
	{ "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
	  "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Tt=" },
	/* nonce changed */
	{ "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
	  "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7k,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=" },
	/* channel binding header changed */
	{ "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
	  "c=eSws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=" },
	/* no proof */
	{ "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
	  "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j" },
	/* unknown user: goes through to the end, then fails */
	{ "n,,n=nobody,r=fyko+d2lbbFgONRv9qkxdawL",
	  "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=" },
	{ "p=tls-unique,,n=user,r=abc", NULL },
	{ "n,,m=ext,n=user,r=abc", NULL },
	{ "n,,n=us=er,r=abc", NULL },
	{ "n,,n=,r=abc", NULL },
	{ "n,,n=user", NULL },
	{ "n,,n=user,r=", NULL },
	{ "n,a=other,n=user,r=abc", NULL },
	{ "x,,n=user,r=abc", NULL },
	{ "n,", NULL },
	{ "", NULL },
};

START_TEST(test_scram_bad)
{
	struct sasl_session *s = session("SCRAM-SHA-1");
	struct buf out = BUF_INIT;
	enum sasl_result r;

	sasl_session_set_nonce(s, "3rfcNHYJY1ZVvWVs7j");
	r = sasl_session_start(s, scram_bad[_i].first, strlen(scram_bad[_i].first), 1, &out);
	if (scram_bad[_i].final == NULL) {
		ck_assert_int_eq(r, SASL_FAIL);
	} else {
		ck_assert_int_eq(r, SASL_CONTINUE);
		ck_assert_int_eq(sasl_session_input(s, scram_bad[_i].final,
						    strlen(scram_bad[_i].final), &out),
				 SASL_FAIL);
	}
	sasl_session_free(s);
	buf_free(&out);
}
END_TEST

START_TEST(test_scram_authzid_and_escape)
{
	static const char first[] = "n,a=user,n=user,r=fyko+d2lbbFgONRv9qkxdawL";
	struct sasl_session *s = session("SCRAM-SHA-1");
	struct buf out = BUF_INIT;

	ck_assert_int_eq(sasl_session_start(s, first, strlen(first), 1, &out), SASL_CONTINUE);
	/* A random server nonce: client nonce followed by 24 base64 characters. */
	ck_assert_uint_eq(strlen("r=fyko+d2lbbFgONRv9qkxdawL") + 24 +
				  strlen(",s=QSXCR+Q6sek8bf92,i=4096"), out.len);
	sasl_session_free(s);
	s = session("SCRAM-SHA-1");
	ck_assert_int_eq(sasl_session_start(s, "n,,n=broken,r=abc", 17, 1, &out), SASL_TEMPFAIL);
	sasl_session_free(s);
	buf_free(&out);
}
END_TEST

START_TEST(test_apop)
{
	static const char chal[] = "<1896.697170952@dbc.mtview.ca.us>";
	const char *reason;
	struct sasl_session *s;
	struct buf msg = BUF_INIT, out = BUF_INIT;

	ck_assert_int_eq(apop_verify(&sasl_test_creds, chal, "mrose",
				     "c4c9334bac560ecc979e58001b3e22fb", &reason), SASL_OK);
	ck_assert_int_eq(apop_verify(&sasl_test_creds, chal, "mrose",
				     "c4c9334bac560ecc979e58001b3e22fc", &reason), SASL_FAIL);
	ck_assert_int_eq(apop_verify(&sasl_test_creds, chal, "tim",
				     "c4c9334bac560ecc979e58001b3e22fb", &reason), SASL_FAIL);
	ck_assert_int_eq(apop_verify(&sasl_test_creds, "1896.697170952@dbc", "mrose",
				     "c4c9334bac560ecc979e58001b3e22fb", &reason), SASL_FAIL);
	ck_assert_int_eq(apop_verify(&sasl_test_creds, chal, "mrose", "c4c9", &reason), SASL_FAIL);
	ck_assert_int_eq(apop_verify(&sasl_test_creds, chal, "broken",
				     "c4c9334bac560ecc979e58001b3e22fb", &reason), SASL_TEMPFAIL);

	buf_puts(&msg, chal);
	buf_append(&msg, "\0mrose\0c4c9334bac560ecc979e58001b3e22fb", 39);
	s = session("APOP");
	ck_assert_int_eq(sasl_session_start(s, msg.data, msg.len, 1, &out), SASL_OK);
	ck_assert_str_eq(sasl_session_authcid(s), "mrose");
	sasl_session_free(s);
	s = session("APOP");
	ck_assert_int_eq(sasl_session_start(s, msg.data, msg.len - 1, 1, &out), SASL_FAIL);
	sasl_session_free(s);
	s = session("APOP");
	ck_assert_int_eq(sasl_session_start(s, NULL, 0, 0, &out), SASL_FAIL);
	sasl_session_free(s);
	buf_free(&msg);
	buf_free(&out);
}
END_TEST

START_TEST(test_bounds_and_table)
{
	static char big[SASL_MAX_INPUT + 1];
	struct sasl_session *s = session("PLAIN");
	struct buf out = BUF_INIT;

	ck_assert_int_eq(sasl_session_start(s, big, sizeof(big), 1, &out), SASL_FAIL);
	sasl_session_free(s);
	ck_assert_ptr_null(sasl_mech_find("GSSAPI"));
	ck_assert_ptr_eq(sasl_mech_find("cram-sha256"), &sasl_mech_cram_sha256);
	ck_assert_str_eq(sasl_mech_all[0]->name, "SCRAM-SHA-256");
	ck_assert(sasl_mech_plain.flags & SASL_MECH_PLAINTEXT);
	buf_free(&out);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

int main(void)
{
	Suite *s = suite_create("sasl");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_plain_initial, 0, N(plain_rows));
	tcase_add_test(tc, test_plain_no_initial);
	tcase_add_test(tc, test_login);
	tcase_add_test(tc, test_cram_md5_rfc2195);
	tcase_add_loop_test(tc, test_cram_md5_bad, 0, N(cram_bad));
	tcase_add_test(tc, test_cram_random_challenge_and_sha);
	tcase_add_test(tc, test_cram_verify_direct);
	tcase_add_loop_test(tc, test_scram_rfc, 0, N(scram_vectors));
	tcase_add_loop_test(tc, test_scram_bad, 0, N(scram_bad));
	tcase_add_test(tc, test_scram_authzid_and_escape);
	tcase_add_test(tc, test_apop);
	tcase_add_test(tc, test_bounds_and_table);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
