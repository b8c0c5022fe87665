/* Unit tests for maildir/maildir-mutf7.c and maildir/maildir-folder.c. */
#include "config.h"
#include "maildir/maildir-folder.h"
#include "maildir/maildir-mutf7.h"
#include "check-maildir-util.h"

static const struct mutf7_row {
	const char *mutf7;
	const char *utf8;
} mutf7_rows[] = {
    /* RFC 3501 §5.1.3 example */
    {"~peter/mail/&U,BTFw-/&ZeVnLIqe-",
     "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"},
    {"&-", "&"},
    {"Tom &- Jerry", "Tom & Jerry"},
    {"Entw&APw-rfe", "Entw\xc3\xbc"
                     "rfe"},
    {"R&AOk-sum&AOk-", "R\xc3\xa9sum\xc3\xa9"},
    {"INBOX", "INBOX"},
    {"&2D3eAA-", "\xf0\x9f\x98\x80"}, /* U+1F600 via a surrogate pair */
    {"", ""},
};

START_TEST(test_mutf7_both_ways)
{
	const struct mutf7_row *r = &mutf7_rows[_i];
	struct buf b = BUF_INIT;
	const char *error;

	ck_assert_int_eq(maildir_mutf7_to_utf8(r->mutf7, &b, &error), 0);
	ck_assert_str_eq(buf_cstr(&b), r->utf8);
	buf_reset(&b);
	ck_assert_int_eq(maildir_mutf7_from_utf8(r->utf8, &b, &error), 0);
	ck_assert_str_eq(buf_cstr(&b), r->mutf7);
	buf_free(&b);
}
END_TEST

static const struct bad_row {
	const char *in;
	const char *error;
} bad_mutf7_rows[] = {
    {"&U,BTFw", "modified UTF-7: unterminated shift"},
    {"&U!-", "modified UTF-7: bad base64 character"},
    {"&AGE-", "modified UTF-7: printable ASCII must not be encoded"},
    {"al&AAAAAA-", "modified UTF-7: control character"},
    {"&AB8-", "modified UTF-7: control character"},
    {"&AOkA-", "modified UTF-7: bad shift length or padding bits"},
    {"&2D3YPQ-", "modified UTF-7: unpaired surrogate"},
    {"&3gA-", "modified UTF-7: unpaired surrogate"},
    {"&AOk-&AOk-", "modified UTF-7: adjacent encoded runs"},
    {"&AOl-", "modified UTF-7: bad shift length or padding bits"},
    {"caf\xc3\xa9", "modified UTF-7: byte outside printable ASCII"},
    {"a\tb", "modified UTF-7: byte outside printable ASCII"},
};

START_TEST(test_mutf7_bad)
{
	struct buf b = BUF_INIT;
	const char *error = NULL;

	ck_assert_int_eq(maildir_mutf7_to_utf8(bad_mutf7_rows[_i].in, &b, &error), -1);
	ck_assert_str_eq(error, bad_mutf7_rows[_i].error);
	buf_free(&b);
}
END_TEST

static const char *const bad_utf8_rows[] = {
    "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xff",
};

START_TEST(test_utf8_bad)
{
	struct buf b = BUF_INIT;
	const char *error = NULL;

	ck_assert_int_eq(maildir_mutf7_from_utf8(bad_utf8_rows[_i], &b, &error), -1);
	ck_assert_str_eq(error, "invalid UTF-8");
	ck_assert_int_eq(maildir_mutf7_utf8_valid(bad_utf8_rows[_i]), 0);
	buf_free(&b);
}
END_TEST

static const struct name_row {
	const char *name;
	const char *dir; /* NULL = refused */
} name_rows[] = {
    {"Sent", ".Sent"},
    {"Archive.2024", ".Archive.2024"},
    {"\xe5\x8f\xb0\xe5\x8c\x97", ".\xe5\x8f\xb0\xe5\x8c\x97"},
    {"Tom & Jerry", ".Tom & Jerry"},
    {"", NULL},
    {".", NULL},
    {"..", NULL},
    {"a..b", NULL},
    {".a", NULL},
    {"a.", NULL},
    {"a/b", NULL},
    {"../../etc", NULL},
    {"a\nb", NULL},
    {"a\x7f", NULL},
    {"\xc3", NULL},
};

START_TEST(test_folder_names)
{
	const struct name_row *r = &name_rows[_i];
	struct buf b = BUF_INIT;
	const char *error = NULL;

	if (r->dir == NULL) {
		ck_assert_int_eq(maildir_folder_to_dir(r->name, &b, &error), -1);
		ck_assert_ptr_nonnull(error);
	} else {
		ck_assert_int_eq(maildir_folder_to_dir(r->name, &b, &error), 0);
		ck_assert_str_eq(buf_cstr(&b), r->dir);
		buf_reset(&b);
		ck_assert_int_eq(maildir_folder_from_dir(r->dir, &b, &error), 0);
		ck_assert_str_eq(buf_cstr(&b), r->name);
	}
	buf_free(&b);
}
END_TEST

START_TEST(test_folder_ops)
{
	char *md = tmd_make(), **names;
	size_t n;
	const char *error;
	struct stat st;
	char path[4096];

	ck_assert_int_eq(maildir_folder_create(md, "Work", &error), 0);
	ck_assert_int_eq(maildir_folder_create(md, "Work.Projects", &error), 0);
	ck_assert_int_eq(maildir_folder_create(md, "Work.Projects.Hato", &error), 0);
	ck_assert_int_eq(maildir_folder_create(md, "Workshop", &error), 0);
	ck_assert_int_eq(maildir_folder_create(md, "Work", &error), -1);
	ck_assert_str_eq(error, "folder already exists");
	ck_assert_int_eq(maildir_folder_create(md, "../x", &error), -1);
	snprintf(path, sizeof(path), "%s/.Work/maildirfolder", md);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	ck_assert_int_eq(tmd_count(md, ".Work/cur"), 0);
	tmd_put(md, ".Work/cur/1.a.h:2,S", "x");
	tmd_put(md, "courierimapuiddb", "1 1 1\n"); /* a file, not a folder */

	ck_assert_int_eq(maildir_folder_rename(md, "Work", "Job", &error), 0);
	ck_assert_int_eq(maildir_folder_rename(md, "Job", "Job.Sub", &error), -1);
	ck_assert_str_eq(error, "cannot rename a folder into itself");
	ck_assert_int_eq(maildir_folder_rename(md, "Job", "Workshop", &error), -1);
	ck_assert_str_eq(error, "target folder already exists");
	ck_assert_int_eq(maildir_folder_list(md, &names, &n, &error), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(names[0], "Job");
	ck_assert_str_eq(names[1], "Job.Projects");
	ck_assert_str_eq(names[2], "Job.Projects.Hato");
	ck_assert_str_eq(names[3], "Workshop"); /* not renamed: only "Work." children move */
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	ck_assert_int_eq(tmd_count(md, ".Job/cur"), 1);

	ck_assert_int_eq(maildir_folder_delete(md, "Job", &error), 0);
	ck_assert_int_eq(maildir_folder_delete(md, "Job", &error), -1);
	ck_assert_str_eq(error, "folder does not exist");
	ck_assert_int_eq(maildir_folder_list(md, &names, &n, &error), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(names[0], "Job.Projects");
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	ck_assert_int_eq(tmd_count(md, "tmp"), 0);
	tmd_rm_rf(md);
	free(md);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("maildir-folder");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_mutf7_both_ways, 0,
	                    sizeof(mutf7_rows) / sizeof(mutf7_rows[0]));
	tcase_add_loop_test(tc, test_mutf7_bad, 0,
	                    sizeof(bad_mutf7_rows) / sizeof(bad_mutf7_rows[0]));
	tcase_add_loop_test(tc, test_utf8_bad, 0, sizeof(bad_utf8_rows) / sizeof(bad_utf8_rows[0]));
	tcase_add_loop_test(tc, test_folder_names, 0, sizeof(name_rows) / sizeof(name_rows[0]));
	tcase_add_test(tc, test_folder_ops);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
