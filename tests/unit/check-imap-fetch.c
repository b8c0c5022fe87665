/* Unit tests for imapd/imap-fetch-parse.c: FETCH item lists, macros, sections, partials, and
 * the lists that must be refused. */
#include "config.h"
#include "imap-fetch.h"
#include "imap-parser.h"
#include "arena.h"
#include "buf.h"

#include <check.h>
#include <string.h>

struct row {
	const char *items; /* as sent after "a FETCH 1 " */
	bool uid;
	/* items summarised: simple items by name, sections as "name[/peek][/start.len]", space
	 * separated; NULL when the list must be refused */
	const char *want;
};

static const struct row rows[] = {
	{ "FLAGS", false, "FLAGS" },
	{ "(uid flags)", true, "UID FLAGS" },
	{ "ALL", false, "FLAGS INTERNALDATE RFC822.SIZE ENVELOPE" },
	{ "fast", false, "FLAGS INTERNALDATE RFC822.SIZE" },
	{ "FULL", false, "FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY" },
	{ "(BODY BODYSTRUCTURE)", false, "BODY BODYSTRUCTURE" },
	{ "BODY[]", false, "BODY[]" },
	{ "BODY.PEEK[]<0.10>", false, "BODY[]<0>/peek/0.10" },
	{ "(BODY[1.2.MIME] BODY.PEEK[3.TEXT])", false, "BODY[1.2.MIME] BODY[3.TEXT]/peek" },
	{ "BODY[HEADER.FIELDS (From To)]", false, "BODY[HEADER.FIELDS (From To)]" },
	{ "BODY.PEEK[2.HEADER.FIELDS.NOT (X-A)]", false, "BODY[2.HEADER.FIELDS.NOT (X-A)]/peek" },
	{ "(RFC822 RFC822.HEADER RFC822.TEXT)", false, "RFC822 RFC822.HEADER/peek RFC822.TEXT" },
	{ "BODY[10.1]", false, "BODY[10.1]" },
	{ "BODY[header]", false, "BODY[header]" },
	{ "()", false, NULL },
	{ "BOGUS", false, NULL },
	{ "(FLAGS BOGUS)", false, NULL },
	{ "ALL FAST", false, NULL },
	{ "(ALL)", false, NULL }, /* macros only alone */
	{ "BODY[MIME]", false, NULL },
	{ "BODY[0]", false, NULL },
	{ "BODY[1.0]", false, NULL },
	{ "BODY[01]", false, NULL },
	{ "BODY[1.MIMEX]", false, NULL },
	{ "BODY[1x]", false, NULL },
	{ "BODY[HEADER.FIELDS]", false, NULL },
	{ "BODY[HEADER.FIELDS ()]", false, NULL },
	{ "BODY[TEXT (From)]", false, NULL },
	{ "BODY[]<0.0>", false, NULL },
	{ "BODY[]<1>", false, NULL },
	{ "BODY[]<a.1>", false, NULL },
	{ "BODY[]<0.99999999999>", false, NULL },
	{ "BINARY[1]", false, NULL },
};

static void summarise(const struct imap_fetch *f, struct buf *out)
{
	static const char *const names[] = {
		[IMAP_FETCH_FLAGS] = "FLAGS", [IMAP_FETCH_UID] = "UID",
		[IMAP_FETCH_INTERNALDATE] = "INTERNALDATE", [IMAP_FETCH_RFC822_SIZE] = "RFC822.SIZE",
		[IMAP_FETCH_ENVELOPE] = "ENVELOPE", [IMAP_FETCH_BODY] = "BODY",
		[IMAP_FETCH_BODYSTRUCTURE] = "BODYSTRUCTURE",
	};

	for (unsigned int i = 0; i < f->count; i++) {
		const struct imap_fetch_item *it = &f->items[i];

		if (i > 0)
			buf_putc(out, ' ');
		if (it->type != IMAP_FETCH_SECTION) {
			buf_puts(out, names[it->type]);
			continue;
		}
		buf_puts(out, it->name);
		if (it->peek)
			buf_puts(out, "/peek");
		if (it->partial)
			buf_printf(out, "/%u.%u", it->start, it->length);
	}
}

START_TEST(test_rows)
{
	const struct row *r = &rows[_i];
	struct imap_parser *parser = imap_parser_new(NULL);
	struct arena *arena = arena_new(4096);
	struct buf line = BUF_INIT, got = BUF_INIT;
	const struct imap_command *cmd;
	struct imap_fetch f;
	const char *error = NULL;
	size_t used;
	int ret;

	buf_printf(&line, "a FETCH 1 %s\r\n", r->items);
	ck_assert_int_eq(imap_parser_feed(parser, line.data, line.len, &used), IMAP_PARSE_OK);
	cmd = imap_parser_command(parser);
	ret = cmd->count == 2 ? imap_fetch_parse(&f, arena, &cmd->args[1], r->uid, &error) : -1;
	if (r->want == NULL) {
		ck_assert_msg(ret == -1, "%s: accepted", r->items);
	} else {
		ck_assert_msg(ret == 0, "%s: refused (%s)", r->items, error);
		summarise(&f, &got);
		ck_assert_str_eq(buf_cstr(&got), r->want);
		ck_assert(f.uid == r->uid);
	}
	buf_free(&line);
	buf_free(&got);
	arena_free(arena);
	imap_parser_free(&parser);
}
END_TEST

START_TEST(test_flags)
{
	struct imap_parser *parser = imap_parser_new(NULL);
	struct arena *arena = arena_new(4096);
	static const char line[] = "a FETCH 1 (FLAGS BODY.PEEK[1] RFC822.HEADER)\r\n";
	struct imap_fetch f;
	const char *error;
	size_t used;

	ck_assert_int_eq(imap_parser_feed(parser, line, strlen(line), &used), IMAP_PARSE_OK);
	ck_assert_int_eq(imap_fetch_parse(&f, arena, &imap_parser_command(parser)->args[1], false,
					  &error), 0);
	ck_assert(f.need_body);
	ck_assert(!f.sets_seen); /* only PEEK forms */
	arena_reset(arena);
	static const char line2[] = "b FETCH 1 (FLAGS UID)\r\n";
	ck_assert_int_eq(imap_parser_feed(parser, line2, strlen(line2), &used), IMAP_PARSE_OK);
	ck_assert_int_eq(imap_fetch_parse(&f, arena, &imap_parser_command(parser)->args[1], false,
					  &error), 0);
	ck_assert(!f.need_body);
	static const char line3[] = "c FETCH 1 RFC822.TEXT\r\n";
	ck_assert_int_eq(imap_parser_feed(parser, line3, strlen(line3), &used), IMAP_PARSE_OK);
	ck_assert_int_eq(imap_fetch_parse(&f, arena, &imap_parser_command(parser)->args[1], false,
					  &error), 0);
	ck_assert(f.sets_seen);
	arena_free(arena);
	imap_parser_free(&parser);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("imap-fetch");
	TCase *tc = tcase_create("parse");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_rows, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, test_flags);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
