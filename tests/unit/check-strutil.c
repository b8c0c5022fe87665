/* Unit tests for lib/strutil.c. */
#include "config.h"
#include "strutil.h"

#include <check.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

START_TEST(test_hex_encode)
{
	static const unsigned char bin[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xcd, 0xef, 0xff };
	char out[2 * sizeof(bin) + 1];

	memset(out, 'X', sizeof(out));
	str_hex_encode(bin, sizeof(bin), out);
	ck_assert_str_eq(out, "00017f80abcdefff");
	str_hex_encode(bin, 0, out);
	ck_assert_str_eq(out, "");
}
END_TEST

struct hex_row {
	const char *hex;
	long ret;
	const char *bytes;
};

static const struct hex_row hex_rows[] = {
	{ "", 0, "" },
	{ "00", 1, "\x00" },
	{ "41424a", 3, "ABJ" },
	{ "ABCDEF", 3, "\xab\xcd\xef" },
	{ "aBcD", 2, "\xab\xcd" },
	{ "0", -1, NULL },
	{ "abc", -1, NULL },
	{ "0g", -1, NULL },
	{ "g0", -1, NULL },
	{ "12 4", -1, NULL },
	{ "-1", -1, NULL },
	{ "0x12", -1, NULL },
};

START_TEST(test_hex_decode_rows)
{
	const struct hex_row *r = &hex_rows[_i];
	unsigned char out[16];
	long n;

	memset(out, 0x55, sizeof(out));
	n = str_hex_decode(r->hex, strlen(r->hex), out);
	ck_assert_int_eq(n, r->ret);
	if (n >= 0) {
		ck_assert_int_eq(memcmp(out, r->bytes, (size_t)n), 0);
		ck_assert_int_eq(out[n], 0x55); /* nothing written past the end */
	}
}
END_TEST

START_TEST(test_hex_roundtrip)
{
	unsigned char bin[256], back[256];
	char hex[513];

	for (int i = 0; i < 256; i++)
		bin[i] = (unsigned char)i;
	str_hex_encode(bin, sizeof(bin), hex);
	ck_assert_uint_eq(strlen(hex), 512);
	ck_assert_int_eq(str_hex_decode(hex, 512, back), 256);
	ck_assert_int_eq(memcmp(bin, back, 256), 0);
	/* Only the given length is read. */
	ck_assert_int_eq(str_hex_decode("abzz", 2, back), 1);
	ck_assert_int_eq(back[0], 0xab);
}
END_TEST

START_TEST(test_case)
{
	char s[] = "Select INBOX.Tr\xc3\x84sh 123 [@`{";
	char t[] = "abcXYZ-\xe4";

	/* A Turkish locale must not turn I into dotless i: protocol keywords are ASCII. */
	setlocale(LC_ALL, "tr_TR.UTF-8");
	ck_assert_str_eq(str_ascii_lower(s), "select inbox.tr\xc3\x84sh 123 [@`{");
	ck_assert_str_eq(str_ascii_upper(t), "ABCXYZ-\xe4");
	ck_assert_int_eq(str_has_prefix_ci("AUTH=PLAIN", "auth="), 1);
	ck_assert_int_eq(str_has_prefix_ci("auth=plain", "AUTH=PLAIN"), 1);
	ck_assert_int_eq(str_has_prefix_ci("AUTH", "AUTH="), 0);
	ck_assert_int_eq(str_has_prefix_ci("", ""), 1);
	ck_assert_int_eq(str_has_prefix_ci("x", ""), 1);
	ck_assert_int_eq(str_has_prefix_ci("", "x"), 0);
	ck_assert_int_eq(str_has_prefix_ci("LOGIN", "logon"), 0);
	ck_assert_int_eq(str_has_prefix_ci("[x", "{x"), 0); /* '[' is not '{' in any case */
	ck_assert_int_eq(str_eq_ci("Inbox", "INBOX"), 1);
	ck_assert_int_eq(str_eq_ci("INBOX", "INBOX.x"), 0);
	ck_assert_int_eq(str_eq_ci("INBOX.x", "INBOX"), 0);
	ck_assert_int_eq(str_eq_ci("", ""), 1);
	ck_assert_int_eq(str_eq_ci("\xc3\x84", "\xc3\xa4"), 0);
	setlocale(LC_ALL, "C");
}
END_TEST

START_TEST(test_split_words)
{
	size_t n = 99;
	char **w;

	w = str_split_words("IMAP4rev1 UIDPLUS  CHILDREN\tIDLE", &n);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(w[0], "IMAP4rev1");
	ck_assert_str_eq(w[1], "UIDPLUS");
	ck_assert_str_eq(w[2], "CHILDREN");
	ck_assert_str_eq(w[3], "IDLE");
	ck_assert_ptr_null(w[4]);
	str_free_words(w);

	w = str_split_words("  AUTH=PLAIN  ", &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(w[0], "AUTH=PLAIN");
	ck_assert_ptr_null(w[1]);
	str_free_words(w);

	w = str_split_words(" \t ", &n);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(w[0]);
	str_free_words(w);

	w = str_split_words("", NULL);
	ck_assert_ptr_null(w[0]);
	str_free_words(w);
	str_free_words(NULL);
}
END_TEST

START_TEST(test_list_has_word)
{
	static const char caps[] = "IMAP4rev1 UIDPLUS CHILDREN THREAD=REFERENCES AUTH=PLAIN IDLE";

	ck_assert_int_eq(str_list_has_word_ci(caps, "IDLE"), 1);
	ck_assert_int_eq(str_list_has_word_ci(caps, "idle"), 1);
	ck_assert_int_eq(str_list_has_word_ci(caps, "IMAP4rev1"), 1);
	ck_assert_int_eq(str_list_has_word_ci(caps, "auth=plain"), 1);
	ck_assert_int_eq(str_list_has_word_ci(caps, "AUTH"), 0);
	ck_assert_int_eq(str_list_has_word_ci(caps, "THREAD"), 0);
	ck_assert_int_eq(str_list_has_word_ci(caps, "IDLEX"), 0);
	ck_assert_int_eq(str_list_has_word_ci(caps, "IMAP4"), 0);
	ck_assert_int_eq(str_list_has_word_ci(caps, ""), 0);
	ck_assert_int_eq(str_list_has_word_ci("", "IDLE"), 0);
	ck_assert_int_eq(str_list_has_word_ci("  LOGIN\tPLAIN  ", "plain"), 1);
}
END_TEST

static Suite *strutil_suite(void)
{
	Suite *s = suite_create("strutil");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_hex_encode);
	tcase_add_loop_test(tc, test_hex_decode_rows, 0,
			    (int)(sizeof(hex_rows) / sizeof(hex_rows[0])));
	tcase_add_test(tc, test_hex_roundtrip);
	tcase_add_test(tc, test_case);
	tcase_add_test(tc, test_split_words);
	tcase_add_test(tc, test_list_has_word);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(strutil_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
