/* Unit tests for maildir/maildir-name.c: message file names. */
#include "config.h"
#include "maildir/maildir-name.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static const struct parse_row {
	const char *name;
	int ok;
	size_t base_len;
	unsigned flags;
	uint64_t size;
} parse_rows[] = {
    {"1763459800.M1P100Q1.host,S=120:2,S", 1, 30, MAILDIR_FLAG_SEEN, 120},
    {"1763459800.M1P100Q1.host:2,", 1, 24, 0, MAILDIR_SIZE_UNKNOWN},
    {"1763459800.M1P100Q1.host", 1, 24, 0, MAILDIR_SIZE_UNKNOWN},
    {"1.2.h,S=7,W=9:2,TSRFD", 1, 13, MAILDIR_FLAGS_ALL, 7},
    {"1.2.h,W=9,S=77:2,Fab", 1, 14, MAILDIR_FLAG_FLAGGED, 77},
    {"1.2.h,S=:2,S", 1, 8, MAILDIR_FLAG_SEEN, MAILDIR_SIZE_UNKNOWN},
    {"1.2.h,S=12x:2,", 1, 11, 0, MAILDIR_SIZE_UNKNOWN},
    {"1.2.h,S=99999999999999999999999:2,", 1, 31, 0, MAILDIR_SIZE_UNKNOWN},
    {"1.2.h:1,S", 1, 5, 0, MAILDIR_SIZE_UNKNOWN}, /* experimental info: no flags */
    /* failure rows */
    {"", 0, 0, 0, 0},
    {".hidden", 0, 0, 0, 0},
    {":2,S", 0, 0, 0, 0},
    {"a/b:2,S", 0, 0, 0, 0},
};

START_TEST(test_name_parse)
{
	const struct parse_row *r = &parse_rows[_i];
	struct maildir_name mn;
	const char *error = NULL;
	int ret = maildir_name_parse(r->name, &mn, &error);

	if (!r->ok) {
		ck_assert_int_eq(ret, -1);
		ck_assert_ptr_nonnull(error);
		return;
	}
	ck_assert_int_eq(ret, 0);
	ck_assert_uint_eq(mn.base_len, r->base_len);
	ck_assert_uint_eq(mn.flags, r->flags);
	ck_assert(mn.size == r->size);
}
END_TEST

START_TEST(test_name_too_long)
{
	char name[300];
	struct maildir_name mn;
	const char *error;

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	ck_assert_int_eq(maildir_name_parse(name, &mn, &error), -1);
	ck_assert_str_eq(error, "maildir file name too long");
}
END_TEST

START_TEST(test_flags_roundtrip)
{
	char s[6];

	for (unsigned f = 0; f <= MAILDIR_FLAGS_ALL; f++) {
		maildir_name_flags_str(f, s);
		ck_assert_uint_eq(maildir_name_flags_parse(s), f);
		for (size_t i = 1; s[0] != '\0' && s[i] != '\0'; i++)
			ck_assert_int_lt(s[i - 1], s[i]); /* sorted */
	}
	maildir_name_flags_str(MAILDIR_FLAGS_ALL, s);
	ck_assert_str_eq(s, "DFRST");
	ck_assert_uint_eq(maildir_name_flags_parse("Sxa"), MAILDIR_FLAG_SEEN);
}
END_TEST

START_TEST(test_generate)
{
	struct buf b = BUF_INIT;

	maildir_name_generate(&b, 1763459800, 123456, 4242, 7, "mx/1:2", 1234);
	ck_assert_str_eq(buf_cstr(&b), "1763459800.M123456P4242Q7.mx\\0571\\0722,S=1234");
	buf_reset(&b);
	maildir_name_generate(&b, 5, 0, 1, 1, "h", MAILDIR_SIZE_UNKNOWN);
	ck_assert_str_eq(buf_cstr(&b), "5.M0P1Q1.h");
	buf_reset(&b);
	maildir_name_with_flags(&b, "5.M0P1Q1.h", 10, MAILDIR_FLAG_SEEN | MAILDIR_FLAG_DRAFT);
	ck_assert_str_eq(buf_cstr(&b), "5.M0P1Q1.h:2,DS");
	ck_assert_int_eq(maildir_name_time("1763459800.M1P1Q1.h"), 1763459800);
	ck_assert_int_eq(maildir_name_time("x"), 0);
	buf_free(&b);
}
END_TEST

static const struct rename_row {
	const char *name;
	unsigned flags;
	const char *expect;
} rename_rows[] = {
    {"1.a.h:2,S", MAILDIR_FLAG_FLAGGED, "1.a.h:2,F"},
    {"1.a.h:2,Sab", MAILDIR_FLAG_SEEN | MAILDIR_FLAG_DRAFT, "1.a.h:2,DSab"},
    {"1.a.h:2,bFa", 0, "1.a.h:2,ab"},
    {"1.a.h", MAILDIR_FLAG_TRASHED, "1.a.h:2,T"},
    {"1.a.h:1,xyz", MAILDIR_FLAG_SEEN, "1.a.h:2,S"}, /* experimental info is not flags */
};

START_TEST(test_rename_keeps_other_letters)
{
	const struct rename_row *r = &rename_rows[_i];
	struct maildir_name mn;
	struct buf b = BUF_INIT;
	const char *error;

	ck_assert_int_eq(maildir_name_parse(r->name, &mn, &error), 0);
	maildir_name_rename_flags(&b, r->name, mn.base_len, r->flags);
	ck_assert_str_eq(buf_cstr(&b), r->expect);
	buf_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("maildir-name");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_name_parse, 0, sizeof(parse_rows) / sizeof(parse_rows[0]));
	tcase_add_test(tc, test_name_too_long);
	tcase_add_test(tc, test_flags_roundtrip);
	tcase_add_test(tc, test_generate);
	tcase_add_loop_test(tc, test_rename_keeps_other_letters, 0,
	                    sizeof(rename_rows) / sizeof(rename_rows[0]));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
