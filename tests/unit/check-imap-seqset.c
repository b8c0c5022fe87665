/* Unit tests for imapd/imap-seqset.c: parsing, '*', reversed ranges, merging, iteration. */
#include "config.h"
#include "imap-seqset.h"
#include "buf.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

struct row {
	const char *in;
	uint32_t star;
	const char *ranges; /* resolved ranges "a-b,c-d", or NULL for a syntax error */
};

static const struct row rows[] = {
	{ "1", 10, "1-1" },
	{ "3:1", 10, "1-3" },
	{ "1:3", 10, "1-3" },
	{ "*", 10, "10-10" },
	{ "*:4", 10, "4-10" },
	{ "4:*", 10, "4-10" },
	{ "15:*", 10, "10-15" }, /* RFC 3501: n:* with n > max includes max */
	{ "1:*", 0, "" },        /* empty mailbox */
	{ "*", 0, "" },
	{ "5,1,3", 10, "1-1,3-3,5-5" },
	{ "1,2,3,4", 10, "1-4" },
	{ "1:5,3:8,20,9", 30, "1-9,20-20" },
	{ "4294967294", 1, "4294967294-4294967294" },
	{ "2:4294967294,1", 1, "1-4294967294" },
	{ "", 10, NULL },
	{ "0", 10, NULL },
	{ "0:3", 10, NULL },
	{ "01", 10, NULL },
	{ "1:", 10, NULL },
	{ ":1", 10, NULL },
	{ "1,", 10, NULL },
	{ ",1", 10, NULL },
	{ "1,,2", 10, NULL },
	{ "1:2:3", 10, NULL },
	{ "1 2", 10, NULL },
	{ "a", 10, NULL },
	{ "$", 10, NULL },
	{ "-1", 10, NULL },
	{ "4294967295", 10, NULL },
	{ "99999999999999999999", 10, NULL },
	{ "**", 10, NULL },
};

START_TEST(test_rows)
{
	const struct row *r = &rows[_i];
	struct imap_seqset set;
	const char *error = NULL;
	struct buf b = BUF_INIT;

	if (r->ranges == NULL) {
		ck_assert_int_eq(imap_seqset_parse(r->in, &set, &error), -1);
		ck_assert_str_eq(error, "Invalid sequence set");
		ck_assert_uint_eq(set.count, 0);
		return;
	}
	ck_assert_msg(imap_seqset_parse(r->in, &set, &error) == 0, "%s", r->in);
	imap_seqset_resolve(&set, r->star);
	for (unsigned int i = 0; i < set.count; i++)
		buf_printf(&b, "%s%u-%u", i > 0 ? "," : "", set.ranges[i].first, set.ranges[i].last);
	ck_assert_str_eq(buf_cstr(&b), r->ranges);
	buf_free(&b);
	imap_seqset_free(&set);
}
END_TEST

START_TEST(test_membership_and_iteration)
{
	struct imap_seqset set;
	const char *error;
	uint32_t n = 0, seen[16];
	unsigned int k = 0;

	ck_assert_int_eq(imap_seqset_parse("7:5,2,*,1", &set, &error), 0);
	ck_assert(set.has_star);
	imap_seqset_resolve(&set, 9);
	ck_assert(!set.has_star);
	ck_assert(imap_seqset_contains(&set, 1));
	ck_assert(imap_seqset_contains(&set, 2));
	ck_assert(!imap_seqset_contains(&set, 3));
	ck_assert(!imap_seqset_contains(&set, 4));
	ck_assert(imap_seqset_contains(&set, 6));
	ck_assert(!imap_seqset_contains(&set, 8));
	ck_assert(imap_seqset_contains(&set, 9));
	ck_assert(!imap_seqset_contains(&set, 10));
	ck_assert(!imap_seqset_contains(&set, 0));
	ck_assert_uint_eq(imap_seqset_max(&set), 9);
	ck_assert_uint_eq(imap_seqset_count(&set), 6);
	while (imap_seqset_next(&set, &n) && k < 16)
		seen[k++] = n;
	ck_assert_uint_eq(k, 6);
	ck_assert_uint_eq(seen[0], 1);
	ck_assert_uint_eq(seen[1], 2);
	ck_assert_uint_eq(seen[2], 5);
	ck_assert_uint_eq(seen[3], 6);
	ck_assert_uint_eq(seen[4], 7);
	ck_assert_uint_eq(seen[5], 9);
	imap_seqset_free(&set);
}
END_TEST

START_TEST(test_iteration_at_top)
{
	struct imap_seqset set;
	const char *error;
	uint32_t n = 0;

	ck_assert_int_eq(imap_seqset_parse("4294967294", &set, &error), 0);
	imap_seqset_resolve(&set, 3);
	ck_assert(imap_seqset_next(&set, &n));
	ck_assert_uint_eq(n, 4294967294u);
	n = 4294967293u;
	ck_assert(imap_seqset_next(&set, &n));
	ck_assert_uint_eq(n, 4294967294u);
	ck_assert(!imap_seqset_next(&set, &n));
	imap_seqset_free(&set);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("imap-seqset");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_rows, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, test_membership_and_iteration);
	tcase_add_test(tc, test_iteration_at_top);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
