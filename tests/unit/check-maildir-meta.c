/* Unit tests for courierimapsubscribed, courierimapkeywords and maildirsize handling. */
#include "config.h"
#include "maildir/maildir-acl.h"
#include "maildir/maildir-deliver.h"
#include "maildir/maildir-folder.h"
#include "maildir/maildir-keywords.h"
#include "maildir/maildir-quota.h"
#include "maildir/maildir-subscribed.h"
#include "check-maildir-util.h"

#include <time.h>
#include <utime.h>

static char *fixture(const char *name)
{
	char *s = tmd_get(FIXTURE_DIR, name);

	ck_assert_ptr_nonnull(s);
	return s;
}

START_TEST(test_subscribed_roundtrip)
{
	char *md = tmd_make(), *text = fixture("courierimapsubscribed"), *out;
	struct maildir_subscribed s;
	const char *error;

	tmd_put(md, "courierimapsubscribed", text);
	maildir_subscribed_init(&s);
	ck_assert_int_eq(maildir_subscribed_load(md, &s, &error), 0);
	ck_assert_uint_eq(s.n, 3);
	ck_assert(maildir_subscribed_contains(&s, "INBOX.R\xc3\xa9sum\xc3\xa9"));
	ck_assert_int_eq(maildir_subscribed_add(&s, "INBOX.Sent"), 0);
	ck_assert_int_eq(maildir_subscribed_add(&s, "INBOX.Archive"), 1);
	ck_assert_int_eq(maildir_subscribed_remove(&s, "INBOX.Drafts"), 1);
	ck_assert_int_eq(maildir_subscribed_remove(&s, "INBOX.Drafts"), 0);
	ck_assert_int_eq(maildir_subscribed_save(md, &s, &error), 0);
	out = tmd_get(md, "courierimapsubscribed");
	ck_assert_str_eq(out, "INBOX.Archive\nINBOX.R\xc3\xa9sum\xc3\xa9\nINBOX.Sent\n");
	free(out);
	/* failure row: NUL byte */
	ck_assert_int_eq(maildir_subscribed_parse(&s, "a\0b\n", 4, &error), -1);
	ck_assert_str_eq(error, "courierimapsubscribed: line too long or NUL byte");
	ck_assert_uint_eq(s.n, 0);
	/* missing file = empty */
	tmd_rm_rf(md);
	ck_assert_int_eq(maildir_subscribed_load(md, &s, &error), 0);
	ck_assert_uint_eq(s.n, 0);
	maildir_subscribed_free(&s);
	free(text);
	free(md);
}
END_TEST

START_TEST(test_keywords_fixture)
{
	char *text = fixture("courierimapkeywords-list");
	struct maildir_keywords k;
	struct buf out = BUF_INIT;
	const char *error;
	const struct maildir_keywords_msg *m;

	maildir_keywords_init(&k);
	ck_assert_int_eq(maildir_keywords_parse(&k, text, strlen(text), &error), 0);
	ck_assert_uint_eq(k.nnames, 3);
	ck_assert_uint_eq(k.nmsgs, 2);
	m = maildir_keywords_get(&k, "1763459800.M1P100Q1.mail.example.org,S=120");
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->n, 2);
	ck_assert_str_eq(k.names[m->kw[1]], "Junk");
	maildir_keywords_format(&k, &out);
	ck_assert_str_eq(buf_cstr(&out), text);
	/* Drop a keyword from message 1: unused names vanish, indexes renumbered. */
	const char *const only_label[] = {"$Label1", NULL};
	ck_assert_int_eq(maildir_keywords_set(&k, "1763459800.M1P100Q1.mail.example.org,S=120",
	                                      only_label, &error),
	                 0);
	buf_reset(&out);
	maildir_keywords_format(&k, &out);
	ck_assert_str_eq(buf_cstr(&out), "$Label1\nNonJunk\n\n"
	                                 "1763459800.M1P100Q1.mail.example.org,S=120:0\n"
	                                 "1763459801.M2P100Q2.mail.example.org,S=250:1\n");
	ck_assert_int_eq(
	    maildir_keywords_set(&k, "x", (const char *const[]){"bad word", NULL}, &error), -1);
	maildir_keywords_free(&k);
	buf_free(&out);
	free(text);
}
END_TEST

static const char *const bad_keywords_rows[] = {
    "a\n\nbase:1\n",  /* index out of range */
    "a\n\nnocolon\n", /* no ':' */
    "a\na\n\nb:0\n",  /* duplicate name */
    "a b\n\n",        /* space in name */
    "a\n\nb:x\n",     /* not a number */
};

START_TEST(test_keywords_bad)
{
	struct maildir_keywords k;
	const char *error = NULL;
	const char *t = bad_keywords_rows[_i];

	maildir_keywords_init(&k);
	ck_assert_int_eq(maildir_keywords_parse(&k, t, strlen(t), &error), -1);
	ck_assert_ptr_nonnull(error);
	ck_assert_uint_eq(k.nnames, 0);
	maildir_keywords_free(&k);
}
END_TEST

START_TEST(test_keywords_load_updates)
{
	char *md = tmd_make(), *text = fixture("courierimapkeywords-list"), *out;
	struct maildir_keywords k;
	const char *error;
	const struct maildir_keywords_msg *m;

	maildir_keywords_init(&k);
	ck_assert_int_eq(maildir_keywords_load(md, &k, &error), 0); /* no dir: none */
	ck_assert_uint_eq(k.nmsgs, 0);
	const char *const kws[] = {"Work", "$Label1", NULL};
	ck_assert_int_eq(maildir_keywords_save_msg(md, "1763459801.M2P100Q2.mail.example.org,S=250",
	                                           kws, &error),
	                 0);
	tmd_put(md, "courierimapkeywords/:list", text);
	tmd_put(md, "courierimapkeywords/.5879532.1763459800.M1P100Q1.mail.example.org,S=120", "");
	out = tmd_get(md, "courierimapkeywords/1763459801.M2P100Q2.mail.example.org,S=250");
	ck_assert_str_eq(out, "Work\n$Label1\n");
	free(out);
	ck_assert_int_eq(maildir_keywords_load(md, &k, &error), 0);
	ck_assert_ptr_null(maildir_keywords_get(&k, "1763459800.M1P100Q1.mail.example.org,S=120"));
	m = maildir_keywords_get(&k, "1763459801.M2P100Q2.mail.example.org,S=250");
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->n, 2);
	ck_assert_int_eq(maildir_keywords_save(md, &k, &error), 0);
	out = tmd_get(md, "courierimapkeywords/:list");
	ck_assert_str_eq(out, "$Label1\nWork\n\n1763459801.M2P100Q2.mail.example.org,S=250:0 1\n");
	free(out);
	ck_assert_int_eq(maildir_keywords_save_msg(md, "../x", kws, &error), -1);
	maildir_keywords_free(&k);
	tmd_rm_rf(md);
	free(md);
	free(text);
}
END_TEST

static const struct spec_row {
	const char *s;
	int ok;
	uint64_t bytes, count;
	const char *formatted;
} spec_rows[] = {
    {"1000000S,1000C", 1, 1000000, 1000, "1000000S,1000C"},
    {"1000C,500S", 1, 500, 1000, "500S,1000C"},
    {"500S", 1, 500, 0, "500S"},
    {"20C", 1, 0, 20, "20C"},
    {"", 1, 0, 0, ""},
    {"S", 0, 0, 0, NULL},
    {"100", 0, 0, 0, NULL},
    {"100X", 0, 0, 0, NULL},
    {"100S,", 1, 100, 0, "100S"},
    {"100S;5C", 0, 0, 0, NULL},
    {"99999999999999999999999S", 0, 0, 0, NULL},
};

START_TEST(test_quota_spec)
{
	const struct spec_row *r = &spec_rows[_i];
	struct maildir_quota_spec spec;
	struct buf b = BUF_INIT;
	const char *error = NULL;

	if (!r->ok) {
		ck_assert_int_eq(maildir_quota_spec_parse(r->s, &spec, &error), -1);
		ck_assert_str_eq(error, "malformed quota (expected <n>S,<n>C)");
		return;
	}
	ck_assert_int_eq(maildir_quota_spec_parse(r->s, &spec, &error), 0);
	ck_assert_uint_eq(spec.bytes, r->bytes);
	ck_assert_uint_eq(spec.count, r->count);
	maildir_quota_spec_format(&spec, &b);
	ck_assert_str_eq(buf_cstr(&b), r->formatted);
	buf_free(&b);
}
END_TEST

START_TEST(test_quota_file)
{
	char *md = tmd_make(), *text = fixture("maildirsize"), *out;
	struct maildir_quota q;
	const char *error;

	ck_assert_int_eq(maildir_quota_parse(text, strlen(text), &q, &error), 0);
	ck_assert_uint_eq(q.spec.bytes, 1000000);
	ck_assert_int_eq(q.bytes, 4466);
	ck_assert_int_eq(q.count, 3);
	ck_assert_uint_eq(q.lines, 3);
	ck_assert_int_eq(maildir_quota_over(&q, 1000000 - 4466, 1), 0);
	ck_assert_int_eq(maildir_quota_over(&q, 1000000 - 4466 + 1, 1), 1);
	ck_assert_int_eq(maildir_quota_parse("1000S\n 1 x\n", 12, &q, &error), -1);
	ck_assert_int_eq(maildir_quota_parse("1000S\n 1 1", 10, &q, &error), -1);
	ck_assert_int_eq(maildir_quota_parse("junk\n", 5, &q, &error), -1);

	/* A delta appended in Courier's 14-byte layout. */
	tmd_put(md, "maildirsize", text);
	ck_assert_int_eq(maildir_quota_add(md, 250, 1, &error), 0);
	out = tmd_get(md, "maildirsize");
	ck_assert_str_eq(out + strlen(text), "     250    1\n");
	free(out);
	ck_assert_int_eq(maildir_quota_get(md, NULL, &q, &error), 0);
	ck_assert_int_eq(q.bytes, 4716); /* not over quota: no recalculation */

	/* Over quota with several lines: recalculated from the messages, Trash excluded. */
	ck_assert_int_eq(maildir_folder_create(md, "Trash", &error), 0);
	ck_assert_int_eq(maildir_folder_create(md, "Sent", &error), 0);
	tmd_put(md, "cur/1.a.h,S=100:2,S", "");
	tmd_put(md, "new/2.b.h", "12345");
	tmd_put(md, ".Sent/cur/3.c.h,S=1000:2,S", "");
	tmd_put(md, ".Trash/cur/4.d.h,S=99999:2,S", "");
	struct maildir_quota_spec small = {1000, 0};
	ck_assert_int_eq(maildir_quota_get(md, &small, &q, &error), 0);
	ck_assert_int_eq(q.bytes, 1105);
	ck_assert_int_eq(q.count, 3);
	ck_assert_int_eq(maildir_quota_over(&q, 0, 0), 1);
	out = tmd_get(md, "maildirsize");
	ck_assert_str_eq(out, "1000S\n    1105    3\n");
	free(out);
	/* Missing file: recalculated; add to a missing file leaves it missing. */
	tmd_rm_rf(md);
	free(md);
	md = tmd_make();
	ck_assert_int_eq(maildir_quota_add(md, 5, 1, &error), 0);
	ck_assert_ptr_null(tmd_get(md, "maildirsize"));
	ck_assert_int_eq(maildir_quota_get(md, NULL, &q, &error), 0);
	out = tmd_get(md, "maildirsize");
	ck_assert_str_eq(out, "\n       0    0\n");
	free(out);
	tmd_rm_rf(md);
	free(md);
	free(text);
}
END_TEST

START_TEST(test_acl_fixture)
{
	char *md = tmd_make(), *text = fixture("courierimapacl"), *out;
	struct maildir_acl acl;
	const char *error;

	tmd_put(md, "courierimapacl", text);
	maildir_acl_init(&acl);
	ck_assert_int_eq(maildir_acl_load(md, &acl, &error), 0);
	ck_assert_uint_eq(acl.n, 4);
	ck_assert_str_eq(maildir_acl_get(&acl, "user=bob"), "lr");
	ck_assert_str_eq(maildir_acl_get(&acl, "-anyone"), "w");
	ck_assert_int_eq(maildir_acl_save(md, &acl, &error), 0);
	out = tmd_get(md, "courierimapacl");
	ck_assert_str_eq(out, text); /* byte-exact round trip */
	free(out);
	ck_assert_int_eq(maildir_acl_set(&acl, "user=bob", "srl", &error), 0);
	ck_assert_int_eq(maildir_acl_set(&acl, "-anyone", "", &error), 0);
	ck_assert_int_eq(maildir_acl_set(&acl, "anyone", "lr", &error), 0);
	ck_assert_int_eq(maildir_acl_set(&acl, "anyone", "LR", &error), -1);
	ck_assert_int_eq(maildir_acl_set(&acl, "a b", "lr", &error), -1);
	ck_assert_int_eq(maildir_acl_save(md, &acl, &error), 0);
	out = tmd_get(md, "courierimapacl");
	ck_assert_str_eq(out,
	                 "owner aceilrstwx\nadministrators aceilrstwx\nuser=bob lrs\nanyone lr\n");
	free(out);
	maildir_acl_free(&acl);
	tmd_rm_rf(md);
	free(md);
	free(text);
}
END_TEST

static const char *const bad_acl_rows[] = {
    "owner\n", "owner lr x\n", "owner LR\n", "owner \n", "a lr\na r\n", "- lr\n",
};

START_TEST(test_acl_bad)
{
	struct maildir_acl acl;
	const char *error = NULL, *t = bad_acl_rows[_i];

	maildir_acl_init(&acl);
	ck_assert_int_eq(maildir_acl_parse(&acl, t, strlen(t), &error), -1);
	ck_assert_ptr_nonnull(error);
	ck_assert_uint_eq(acl.n, 0);
	maildir_acl_free(&acl);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("maildir-meta");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_subscribed_roundtrip);
	tcase_add_test(tc, test_keywords_fixture);
	tcase_add_loop_test(tc, test_keywords_bad, 0,
	                    sizeof(bad_keywords_rows) / sizeof(bad_keywords_rows[0]));
	tcase_add_test(tc, test_keywords_load_updates);
	tcase_add_loop_test(tc, test_quota_spec, 0, sizeof(spec_rows) / sizeof(spec_rows[0]));
	tcase_add_test(tc, test_quota_file);
	tcase_add_test(tc, test_acl_fixture);
	tcase_add_loop_test(tc, test_acl_bad, 0, sizeof(bad_acl_rows) / sizeof(bad_acl_rows[0]));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
