/* Unit tests for imapd's mailbox hierarchy code: wildcard matching (imap-folder-tree.c), the
 * folder tree with ancestors and children, name mapping (imap-mailbox-name.c) and the
 * SPECIAL-USE table (imap-special-use.c). */
#include "config.h"
#include "imap-folder-tree.h"
#include "imap-mailbox-name.h"
#include "imap-special-use.h"
#include "buf.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static const struct match_row {
	const char *pattern, *name;
	bool match;
} match_rows[] = {
	{ "*", "INBOX", true },
	{ "*", "INBOX.a.b", true },
	{ "%", "INBOX", true },
	{ "%", "INBOX.a", false },
	{ "INBOX.%", "INBOX.a", true },
	{ "INBOX.%", "INBOX.a.b", false },
	{ "INBOX.%.%", "INBOX.a.b", true },
	{ "INBOX.*", "INBOX.a.b", true },
	{ "INBOX.*", "INBOX", false },
	{ "INBOX*", "INBOX", true },
	{ "INBOX%", "INBOX.a", false },
	{ "INBOX.a%", "INBOX.abc", true },
	{ "INBOX.a%", "INBOX.b", false },
	{ "INBOX.%c", "INBOX.abc", true },
	{ "INBOX.%c", "INBOX.a.c", false },
	{ "INBOX.*c", "INBOX.a.c", true },
	{ "*b*", "INBOX.a.b.c", true },
	{ "INBOX.Sent", "INBOX.Sent", true },
	{ "INBOX.Sent", "INBOX.sent", false }, /* only INBOX is case-insensitive */
	{ "INBOX.Sent", "INBOX.Sent.x", false },
	{ "", "INBOX", false },
	{ "%*%*%*%*%*%*%*%*%*%*%*%*%*%*%*%*x", "INBOX.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false },
	{ "INBOX.R&AOk-sum&AOk-", "INBOX.R&AOk-sum&AOk-", true },
};

START_TEST(test_match)
{
	const struct match_row *r = &match_rows[_i];

	ck_assert_msg(imap_folder_match(r->pattern, r->name, '.') == r->match, "%s ~ %s",
		      r->pattern, r->name);
}
END_TEST

START_TEST(test_tree)
{
	struct imap_folder_tree tree;
	const struct imap_folder_node *n;
	static const char *const want[] = { "Sent", "a", "a-b", "a.b", "a.b.c", "x", "x.y" };

	imap_folder_tree_init(&tree, '.');
	imap_folder_tree_add(&tree, "a.b.c");
	imap_folder_tree_add(&tree, "Sent");
	imap_folder_tree_add(&tree, "a");
	imap_folder_tree_add(&tree, "a-b");
	imap_folder_tree_add(&tree, "x.y");
	imap_folder_tree_add(&tree, "a"); /* a duplicate */
	imap_folder_tree_finish(&tree);
	ck_assert_uint_eq(tree.n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < tree.n; i++)
		ck_assert_str_eq(tree.v[i].name, want[i]);
	n = imap_folder_tree_find(&tree, "a");
	ck_assert(n != NULL && n->exists && n->has_children);
	n = imap_folder_tree_find(&tree, "a.b");
	ck_assert(n != NULL && !n->exists && n->has_children);
	n = imap_folder_tree_find(&tree, "a.b.c");
	ck_assert(n != NULL && n->exists && !n->has_children);
	n = imap_folder_tree_find(&tree, "a-b");
	ck_assert(n != NULL && n->exists && !n->has_children);
	n = imap_folder_tree_find(&tree, "x");
	ck_assert(n != NULL && !n->exists && n->has_children);
	ck_assert(imap_folder_tree_find(&tree, "b") == NULL);
	imap_folder_tree_free(&tree);
	imap_folder_tree_init(&tree, '.');
	imap_folder_tree_finish(&tree);
	ck_assert(imap_folder_tree_find(&tree, "a") == NULL);
	imap_folder_tree_free(&tree);
}
END_TEST

static const struct name_row {
	const char *wire;
	const char *folder; /* NULL: refused */
	bool inbox;
} name_rows[] = {
	{ "INBOX", "", true },
	{ "inbox", "", true },
	{ "INBOX.Sent", "Sent", false },
	{ "inbox.Sent", "Sent", false },
	{ "INBOX.a.b", "a.b", false },
	{ "INBOX.R&AOk-sum&AOk-", "R\xc3\xa9sum\xc3\xa9", false },
	{ "INBOX.&-x", "&x", false },
	{ "INBOX.&Jjo-", "\xe2\x98\xba", false },
	{ "Sent", NULL, false },          /* outside the namespace */
	{ "INBOX.", NULL, false },        /* empty component */
	{ "INBOX.a..b", NULL, false },
	{ "INBOX..a", NULL, false },
	{ "INBOX.a.", NULL, false },
	{ "INBOX.a/b", NULL, false },
	{ "INBOX.a*", NULL, false },
	{ "INBOX.a%b", NULL, false },
	{ "INBOX.R&AOk", NULL, false },   /* unterminated shift */
	{ "INBOX.&AGE-", NULL, false },   /* encoded printable ASCII */
	{ "INBOX.&2D0-", NULL, false },   /* lone surrogate */
	{ "INBOX.\xc3\xa9", NULL, false }, /* 8-bit on the wire */
	{ "INBOX...", NULL, false },
};

START_TEST(test_names)
{
	const struct name_row *r = &name_rows[_i];
	struct buf folder = BUF_INIT;
	const char *error = NULL;
	bool inbox = true;
	int ret = imap_mailbox_name_parse(r->wire, &folder, &inbox, &error);

	if (r->folder == NULL) {
		ck_assert_msg(ret == -1, "%s accepted", r->wire);
		ck_assert(error != NULL);
	} else {
		ck_assert_msg(ret == 0, "%s: %s", r->wire, error);
		ck_assert_str_eq(buf_cstr(&folder), r->folder);
		ck_assert(inbox == r->inbox);
	}
	buf_free(&folder);
}
END_TEST

START_TEST(test_name_too_long)
{
	struct buf name = BUF_INIT, folder = BUF_INIT, wire = BUF_INIT;
	const char *error;
	bool inbox;

	buf_puts(&name, "INBOX.");
	for (int i = 0; i < 250; i++)
		buf_putc(&name, 'a');
	ck_assert_int_eq(imap_mailbox_name_parse(buf_cstr(&name), &folder, &inbox, &error), 0);
	buf_putc(&name, 'a');
	buf_reset(&folder);
	ck_assert_int_eq(imap_mailbox_name_parse(buf_cstr(&name), &folder, &inbox, &error), -1);
	for (int i = 0; i < 2000; i++)
		buf_putc(&name, 'a');
	ck_assert_int_eq(imap_mailbox_name_parse(buf_cstr(&name), &folder, &inbox, &error), -1);
	ck_assert_str_eq(error, "Mailbox name too long.");
	ck_assert_int_eq(imap_mailbox_name_from_folder("R\xc3\xa9sum\xc3\xa9.&", &wire), 0);
	ck_assert_str_eq(buf_cstr(&wire), "INBOX.R&AOk-sum&AOk-.&-");
	buf_reset(&wire);
	ck_assert_int_eq(imap_mailbox_name_from_folder("\xc3", &wire), -1);
	buf_free(&name);
	buf_free(&folder);
	buf_free(&wire);
}
END_TEST

START_TEST(test_special_use)
{
	ck_assert_int_eq(imap_special_use_set(NULL), 0);
	ck_assert_str_eq(imap_special_use_of("Sent"), "\\Sent");
	ck_assert_str_eq(imap_special_use_of("Spam"), "\\Junk");
	ck_assert_str_eq(imap_special_use_of("Archive"), "\\Archive");
	ck_assert(imap_special_use_of("sent") == NULL);
	ck_assert(imap_special_use_of("Sent.x") == NULL);
	ck_assert_int_eq(imap_special_use_set("Sent Items=\\Sent;Deleted Items=\\trash;;"
					      "Bad=\\Nope;=\\Sent;NoEquals"), 3);
	ck_assert_str_eq(imap_special_use_of("Sent Items"), "\\Sent");
	ck_assert_str_eq(imap_special_use_of("Deleted Items"), "\\Trash");
	ck_assert(imap_special_use_of("Sent") == NULL);
	ck_assert(imap_special_use_of("Bad") == NULL);
	imap_special_use_set(NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("imap-folder");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	unsetenv("IMAP_NAMESPACE_PREFIX");
	unsetenv("IMAP_TRASHFOLDERNAME");
	tcase_add_loop_test(tc, test_match, 0, (int)(sizeof(match_rows) / sizeof(match_rows[0])));
	tcase_add_test(tc, test_tree);
	tcase_add_loop_test(tc, test_names, 0, (int)(sizeof(name_rows) / sizeof(name_rows[0])));
	tcase_add_test(tc, test_name_too_long);
	tcase_add_test(tc, test_special_use);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
