/* Check suite for login/login-proto.c: exact frame bytes, round trips, and refused frames. */
#include "config.h"
#include "login-proto.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(test_encode_exact)
{
	static const char *const f[3] = { "bob", "pw", "0" };
	struct buf b = BUF_INIT;

	login_proto_encode(&b, LOGIN_MSG_USERPASS, f, 3);
	ck_assert_uint_eq(b.len, 15);
	ck_assert_mem_eq(b.data, "\x04\x00\x0c\x00\x03" "bob" "\x00\x02" "pw" "\x00\x01" "0", 15);
	buf_free(&b);
}
END_TEST

START_TEST(test_round_trip)
{
	static const char *const f[2] = { "refused", "-ERR disabled" };
	struct buf b = BUF_INIT;
	struct login_proto_msg m;
	const char *error;
	size_t used = 0;

	login_proto_encode(&b, LOGIN_MSG_FAIL, f, 2);
	/* Every proper prefix needs more. */
	for (size_t i = 0; i < b.len; i++)
		ck_assert_int_eq(login_proto_decode((const uint8_t *)b.data, i, &m, &used, &error), 0);
	ck_assert_int_eq(login_proto_decode((const uint8_t *)b.data, b.len, &m, &used, &error), 1);
	ck_assert_uint_eq(used, b.len);
	ck_assert_int_eq(m.type, LOGIN_MSG_FAIL);
	ck_assert_uint_eq(m.nfields, 2);
	ck_assert(login_proto_field_is(&m.fields[0], "refused"));
	ck_assert(login_proto_field_is(&m.fields[1], "-ERR disabled"));
	ck_assert(!login_proto_field_is(&m.fields[1], "-ERR disable"));
	buf_free(&b);
}
END_TEST

START_TEST(test_empty_fields_and_cancel)
{
	static const char *const f[1] = { "" };
	struct buf b = BUF_INIT;
	struct login_proto_msg m;
	const char *error;
	size_t used;

	login_proto_encode(&b, LOGIN_MSG_CHALLENGE, f, 1);
	login_proto_encode(&b, LOGIN_MSG_AUTH_CANCEL, NULL, 0);
	ck_assert_uint_eq(b.len, 5 + 3);
	ck_assert_int_eq(login_proto_decode((const uint8_t *)b.data, b.len, &m, &used, &error), 1);
	ck_assert_uint_eq(used, 5);
	ck_assert_uint_eq(m.fields[0].len, 0);
	ck_assert_int_eq(login_proto_decode((const uint8_t *)b.data + 5, 3, &m, &used, &error), 1);
	ck_assert_int_eq(m.type, LOGIN_MSG_AUTH_CANCEL);
	ck_assert_uint_eq(m.nfields, 0);
	buf_free(&b);
}
END_TEST

static const struct {
	const char *data;
	size_t len;
	const char *error;
} bad_rows[] = {
	{ "\x00", 1, "unknown frame type" },
	{ "\x07\x00\x00", 3, "unknown frame type" },
	{ "\x41\x40\x01", 3, "frame too long" },
	{ "\x41\x00\x01\x00", 4, "truncated field length" },
	{ "\x41\x00\x03\x00\x05x", 6, "field overruns the frame" },
	{ "\x41\x00\x04\x00\x00\x00\x00", 7, "wrong number of fields" },
	{ "\x03\x00\x02\x00\x00", 5, "wrong number of fields" },
	{ "\x05\x00\x0a\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 13, "too many fields" },
};

START_TEST(test_bad_frames)
{
	struct login_proto_msg m;
	const char *error = NULL;
	size_t used;

	ck_assert_int_eq(login_proto_decode((const uint8_t *)bad_rows[_i].data, bad_rows[_i].len,
					    &m, &used, &error),
			 -1);
	ck_assert_str_eq(error, bad_rows[_i].error);
}
END_TEST

START_TEST(test_field_dup_refuses_nul)
{
	struct login_proto_field f = { "a\0b", 3 };
	char *s;

	ck_assert_ptr_null(login_proto_field_dup(&f));
	f.len = 1;
	s = login_proto_field_dup(&f);
	ck_assert_str_eq(s, "a");
	free(s);
}
END_TEST

static Suite *login_proto_suite(void)
{
	Suite *s = suite_create("login-proto");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_encode_exact);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_empty_fields_and_cancel);
	tcase_add_loop_test(tc, test_bad_frames, 0, sizeof(bad_rows) / sizeof(bad_rows[0]));
	tcase_add_test(tc, test_field_dup_refuses_nul);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(login_proto_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
