/* Unit tests for imapd/imap-parser.c and imap-quote.c: table-driven, every row also fed one
 * byte at a time and at every split point. */
#include "config.h"
#include "imap-parser.h"
#include "imap-quote.h"
#include "buf.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void render_args(struct buf *out, const struct imap_arg *args)
{
	for (; args->type != IMAP_ARG_EOL; args++) {
		buf_putc(out, ' ');
		switch (args->type) {
		case IMAP_ARG_ATOM:
			buf_printf(out, "%s", args->str);
			break;
		case IMAP_ARG_NIL:
			buf_printf(out, "<NIL:%s>", args->str);
			break;
		case IMAP_ARG_QUOTED:
			buf_printf(out, "\"%s\"", args->str);
			break;
		case IMAP_ARG_LITERAL:
			buf_printf(out, "{%zu%s}", args->len, args->literal_nonsync ? "+" : "");
			buf_append(out, args->str, args->len);
			ck_assert_int_eq(args->str[args->len], '\0');
			break;
		case IMAP_ARG_LIST:
			buf_putc(out, '(');
			render_args(out, args->list);
			buf_puts(out, " )");
			break;
		case IMAP_ARG_SECTION:
			buf_printf(out, "%s[", args->str);
			render_args(out, args->list);
			buf_printf(out, " ]%s|%s", args->partial, args->raw);
			break;
		case IMAP_ARG_EOL:
			break;
		}
	}
}

static struct imap_parser_limits test_limits = {
	.max_line = 100, .max_literal = 20, .max_append_literal = 40, .max_depth = 4,
	.max_args = 30, .max_literals = 3,
};

/* Feed in pieces of `step` bytes (a split point list when splits != NULL) and render all. */
static char *run(const char *input, size_t len, size_t step, size_t split, size_t *out_len_r)
{
	struct imap_parser *p = imap_parser_new(&test_limits);
	struct buf out = BUF_INIT;
	size_t pos = 0;

	while (pos < len) {
		size_t n = len - pos, consumed;
		enum imap_parse_result r;

		if (split > 0)
			n = pos < split ? split - pos : len - pos;
		else if (n > step)
			n = step;
		r = imap_parser_feed(p, input + pos, n, &consumed);
		ck_assert_uint_le(consumed, n);
		pos += consumed;
		switch (r) {
		case IMAP_PARSE_NEED_MORE:
			ck_assert_uint_eq(consumed, n);
			break;
		case IMAP_PARSE_OK: {
			const struct imap_command *c = imap_parser_command(p);
			buf_printf(&out, "OK %s %s", c->tag, c->name);
			render_args(&out, c->args);
			buf_puts(&out, "\n");
			break;
		}
		case IMAP_PARSE_CONTINUE:
			buf_printf(&out, "+%zu\n", imap_parser_literal_size(p));
			break;
		case IMAP_PARSE_ERROR: {
			const struct imap_parse_error *e = imap_parser_error(p);
			buf_printf(&out, "BAD %s %s%s%s\n", e->tag ? e->tag : "*", e->text,
				   e->skipping_line ? " (skip)" : "", e->fatal ? " (fatal)" : "");
			if (e->fatal)
				pos = len;
			break;
		}
		}
	}
	imap_parser_free(&p);
	*out_len_r = out.len;
	return buf_steal(&out);
}

struct row {
	const char *in;
	size_t in_len;
	const char *out;
	size_t out_len;
};

/* sizeof, not strlen: some rows hold NUL bytes. */
#define R(in, out) { in, sizeof(in) - 1, out, sizeof(out) - 1 }

static const struct row rows[] = {
	/* Good commands. */
	R("a1 NOOP\r\n", "OK a1 NOOP\n"),
	R("a1 noop\n", "OK a1 noop\n"),
	R("a1 LOGIN user pass\r\n", "OK a1 LOGIN user pass\n"),
	R("a1 LOGIN \"us er\" \"p\\\"a\\\\ss\"\r\n", "OK a1 LOGIN \"us er\" \"p\"a\\ss\"\n"),
	R("a1 LOGIN \"\" nil\r\n", "OK a1 LOGIN \"\" <NIL:nil>\n"),
	R("x] SELECT foo]bar\r\n", "OK x] SELECT foo]bar\n"),
	R("a STORE 1:*,3:1 +FLAGS.SILENT (\\Seen $Junk \\Deleted)\r\n",
	  "OK a STORE 1:*,3:1 +FLAGS.SILENT ( \\Seen $Junk \\Deleted )\n"),
	R("a LIST \"\" %\r\n", "OK a LIST \"\" %\n"),
	R("a LIST \"\" *\r\n", "OK a LIST \"\" *\n"),
	R("a X ()\r\n", "OK a X ( )\n"),
	R("a X (() (a (b)))\r\n", "OK a X ( ( ) ( a ( b ) ) )\n"),
	R("a FETCH 1 (BODY[])\r\n", "OK a FETCH 1 ( BODY[ ]|BODY[] )\n"),
	R("a FETCH 1 BODY.PEEK[1.2.MIME]<0.100>\r\n",
	  "OK a FETCH 1 BODY.PEEK[ 1.2.MIME ]<0.100>|BODY.PEEK[1.2.MIME]<0.100>\n"),
	R("a FETCH 1 (FLAGS body[HEADER.FIELDS (From \"To\")] UID)\r\n",
	  "OK a FETCH 1 ( FLAGS body[ HEADER.FIELDS ( From \"To\" ) ]|body[HEADER.FIELDS (From "
	  "\"To\")] UID )\n"),
	R("a SELECT foo[bar\r\n", "OK a SELECT foo[bar\n"),
	R("a LOGIN {3}\r\nabc {4}\r\nd\0ef\r\n",
	  "+3\n+4\nOK a LOGIN {3}abc {4}d\0ef\n"),
	R("a LOGIN {3+}\r\nabc {0+}\r\n\r\n", "OK a LOGIN {3+}abc {0+}\n"),
	R("a LOGIN {0}\r\n {1}\r\n)\r\n", "+0\n+1\nOK a LOGIN {0} {1})\n"),
	R("a APPEND INBOX (\\Seen) {30}\r\n123456789012345678901234567890\r\n",
	  "+30\nOK a APPEND INBOX ( \\Seen ) {30}123456789012345678901234567890\n"),
	R("a X ({2}\r\nab)\r\n", "+2\nOK a X ( {2}ab )\n"),
	R("a NOOP\r\nb NOOP\r\n", "OK a NOOP\nOK b NOOP\n"),
	/* Failures, each followed by a good command to show the stream resynchronises. */
	R("\r\nb NOOP\r\n", "BAD * Empty command line\nOK b NOOP\n"),
	R("NOOP\r\nb NOOP\r\n", "BAD * Missing command\nOK b NOOP\n"),
	R("+a NOOP\r\nb NOOP\r\n", "BAD * Missing tag\nOK b NOOP\n"),
	R("a+ NOOP\r\n", "BAD * Invalid tag\n"),
	R(" a NOOP\r\n", "BAD * Missing tag\n"),
	R("a \r\n", "BAD a Missing command\n"),
	R("a X (a b\r\nb NOOP\r\n", "BAD a Missing ')'\nOK b NOOP\n"),
	R("a X a b)\r\n", "BAD a Unexpected ')'\n"),
	R("a X (a))\r\n", "BAD a Unexpected ')'\n"),
	R("a X ((a)\r\n", "BAD a Missing ')'\n"),
	R("a X (a)b\r\n", "BAD a Missing space between arguments\n"),
	R("a X a  b\r\n", "BAD a Extra space in command\n"),
	R("a X a \r\n", "BAD a Extra space in command\n"),
	R("a X \r\n", "BAD a Extra space in command\n"),
	R("a X {12x}\r\nb NOOP\r\n", "BAD a Invalid literal size\nOK b NOOP\n"),
	R("a X {}\r\n", "BAD a Invalid literal size\n"),
	R("a X {5\r\n", "BAD a Invalid literal size\n"),
	R("a X {5}x\r\n", "BAD a Literal announcement not at end of line\n"),
	R("a X {21}\r\nb NOOP\r\n", "BAD a Literal too large\nOK b NOOP\n"),
	R("a APPEND x {41}\r\n", "BAD a Literal too large\n"),
	R("a X {21+}\r\n123456789012345678901\r\n", "BAD a Literal too large (fatal)\n"),
	R("a X {99999999999999999999}\r\n", "BAD a Literal too large\n"),
	R("a X {1}\r\n", "+1\n"),
	R("a X {1+}\r\nab\r\n", "BAD a Missing space between arguments\n"),
	R("a X \"ab\r\nb NOOP\r\n", "BAD a Unterminated quoted string\nOK b NOOP\n"),
	R("a X \"a\\b\"\r\n", "BAD a Invalid escape in quoted string\n"),
	R("a X \"a\xc3\xa9\"\r\n", "BAD a 8-bit data outside a literal\n"),
	R("a X a\xc3\xa9\r\n", "BAD a 8-bit data outside a literal\n"),
	R("a X {2}\r\n\xc3\xa9\r\n", "+2\nOK a X {2}\xc3\xa9\n"),
	R("a X a\0b\r\nb NOOP\r\n", "BAD a NUL byte in command\nOK b NOOP\n"),
	R("a X \"\0\"\r\n", "BAD a NUL byte in command\n"),
	R("a X a\x01\r\n", "BAD a Control character in command\n"),
	R("a X a\rb\r\nb NOOP\r\n", "BAD a CR without LF (skip)\nOK b NOOP\n"),
	R("a NOOP\r\r\n", "BAD a CR without LF (skip)\n"),
	R("a X ((((a))))\r\n", "OK a X ( ( ( ( a ) ) ) )\n"),
	R("a X (((((a)))))\r\nb NOOP\r\n", "BAD a Too deep nesting of lists\nOK b NOOP\n"),
	R("a X BODY[(((((a)))))]\r\n", "BAD a Too deep nesting of lists\n"),
	R("a X BODY[a\r\n", "BAD a Missing ']'\n"),
	R("a X BODY[{1}\r\n", "BAD a Literal inside a section is not supported\n"),
	R("a X a{1}\r\n", "BAD a Unexpected character in atom\n"),
	R("a X a\"b\"\r\n", "BAD a Unexpected character in atom\n"),
	R("a X 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30\r\n",
	  "OK a X 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30\n"),
	R("a X 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 "
	  "31\r\n",
	  "BAD a Too many arguments\n"),
	R("a X {1+}\r\na {1+}\r\nb {1+}\r\nc {1+}\r\nd\r\n", "BAD a Too many literals (fatal)\n"),
	R("a X ({1}\r\n", "+1\n"),
	R("a X (a {1}\r\nb\r\n", "+1\nBAD a Missing ')'\n"),
	R("a X (a)) {1}\r\nb NOOP\r\n", "BAD a Unexpected ')'\nOK b NOOP\n"),
	R("a X \"x {1}\r\nb NOOP\r\n", "BAD a Unterminated quoted string\nOK b NOOP\n"),
	/* 100 bytes of text is the limit in these tests; literal bytes do not count. */
	R("a X 012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345\r\nb NOOP\r\n",
	  "OK a X 012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345\n"
	  "OK b NOOP\n"),
	R("a X 0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456\r\nb NOOP\r\n",
	  "BAD a Command line too long (skip)\nOK b NOOP\n"),
	R("a X {2}\r\nab 01234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901\r\n",
	  "+2\nOK a X {2}ab 01234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901\n"),
	R("a X {2}\r\nab 012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789011\r\n",
	  "+2\nBAD a Command line too long (skip)\n"),
};

static void check_output(const struct row *r, const char *how, char *got, size_t got_len)
{
	if (got_len != r->out_len || memcmp(got, r->out, got_len) != 0)
		ck_abort_msg("%s: input %s\nexpected %s\ngot      %s", how, r->in, r->out, got);
	free(got);
}

START_TEST(test_rows_whole)
{
	const struct row *r = &rows[_i];
	size_t n;
	char *got = run(r->in, r->in_len, r->in_len, 0, &n);

	check_output(r, "whole", got, n);
}
END_TEST

START_TEST(test_rows_byte_by_byte)
{
	const struct row *r = &rows[_i];
	size_t n;
	char *got = run(r->in, r->in_len, 1, 0, &n);

	check_output(r, "byte by byte", got, n);
}
END_TEST

START_TEST(test_rows_every_split)
{
	const struct row *r = &rows[_i];

	for (size_t split = 1; split < r->in_len; split++) {
		size_t n;
		char *got = run(r->in, r->in_len, 0, split, &n);
		char how[64];

		snprintf(how, sizeof(how), "split at %zu", split);
		check_output(r, how, got, n);
	}
}
END_TEST

/* Arguments stay valid until the next feed; pipelined input stays with the caller. */
START_TEST(test_pipelined_consumed)
{
	struct imap_parser *p = imap_parser_new(NULL);
	const char *in = "a NOOP\r\nb LOGOUT\r\n";
	size_t consumed;

	ck_assert_int_eq(imap_parser_feed(p, in, strlen(in), &consumed), IMAP_PARSE_OK);
	ck_assert_uint_eq(consumed, 8);
	ck_assert_str_eq(imap_parser_command(p)->tag, "a");
	ck_assert_int_eq(imap_parser_feed(p, in + 8, strlen(in) - 8, &consumed), IMAP_PARSE_OK);
	ck_assert_uint_eq(consumed, strlen(in) - 8);
	ck_assert_str_eq(imap_parser_command(p)->name, "LOGOUT");
	imap_parser_free(&p);
	ck_assert_ptr_null(p);
}
END_TEST

START_TEST(test_literal_limit_callback_and_utf8)
{
	struct imap_parser_limits l = { .literal_limit = NULL };
	struct imap_parser *p = imap_parser_new(&l);
	const char *in = "a X \"\xc3\xa9\"\r\n";
	size_t consumed;
	const char *str;

	ck_assert_int_eq(imap_parser_feed(p, in, strlen(in), &consumed), IMAP_PARSE_ERROR);
	imap_parser_set_utf8(p, true);
	ck_assert_int_eq(imap_parser_feed(p, in, strlen(in), &consumed), IMAP_PARSE_OK);
	ck_assert_int_eq(imap_arg_get_astring(&imap_parser_command(p)->args[0], &str), 0);
	ck_assert_str_eq(str, "\xc3\xa9");
	imap_parser_free(&p);
}
END_TEST

static size_t small_limit(void *ctx, const char *name)
{
	(void)ctx;
	return strcmp(name, "BIG") == 0 ? 1000 : 2;
}

START_TEST(test_literal_limit_hook)
{
	struct imap_parser_limits l = { .literal_limit = small_limit };
	struct imap_parser *p = imap_parser_new(&l);
	size_t consumed;

	ck_assert_int_eq(imap_parser_feed(p, "a X {3}\r\n", 9, &consumed), IMAP_PARSE_ERROR);
	ck_assert_int_eq(imap_parser_feed(p, "a BIG {3}\r\n", 11, &consumed), IMAP_PARSE_CONTINUE);
	ck_assert_uint_eq(imap_parser_literal_size(p), 3);
	imap_parser_free(&p);
}
END_TEST

START_TEST(test_arg_accessors)
{
	struct imap_parser *p = imap_parser_new(NULL);
	const char *in = "a X atom \"q\" {2+}\r\nl\0 NIL (x) BODY[1]\r\n";
	size_t consumed, len;
	const struct imap_arg *args, *list;
	const char *str;
	unsigned int count;

	ck_assert_int_eq(imap_parser_feed(p, in, 39, &consumed), IMAP_PARSE_OK);
	args = imap_parser_command(p)->args;
	ck_assert_uint_eq(imap_parser_command(p)->count, 6);
	ck_assert_int_eq(imap_arg_get_atom(&args[0], &str), 0);
	ck_assert_str_eq(str, "atom");
	ck_assert(imap_arg_atom_equals(&args[0], "ATOM"));
	ck_assert_int_eq(imap_arg_get_atom(&args[1], &str), -1);
	ck_assert_int_eq(imap_arg_get_string(&args[1], &str, &len), 0);
	ck_assert_int_eq(imap_arg_get_astring(&args[2], &str), -1); /* NUL inside */
	ck_assert_int_eq(imap_arg_get_string(&args[2], &str, &len), 0);
	ck_assert_uint_eq(len, 2);
	ck_assert_int_eq(imap_arg_get_nstring(&args[3], &str, &len), 0);
	ck_assert_ptr_null(str);
	ck_assert_int_eq(imap_arg_get_list(&args[4], &list, &count), 0);
	ck_assert_uint_eq(count, 1);
	ck_assert_int_eq(list[1].type, IMAP_ARG_EOL);
	ck_assert_int_eq(imap_arg_get_list(&args[3], &list, &count), -1);
	ck_assert_int_eq(imap_arg_get_astring(&args[5], &str), 0);
	ck_assert_str_eq(str, "BODY[1]");
	ck_assert_int_eq(args[6].type, IMAP_ARG_EOL);
	imap_parser_free(&p);
}
END_TEST

struct quote_row {
	const char *in;
	size_t len;
	const char *astring, *string;
};

static const struct quote_row quote_rows[] = {
	{ "INBOX", 5, "INBOX", "\"INBOX\"" },
	{ "", 0, "\"\"", "\"\"" },
	{ "nil", 3, "\"nil\"", "\"nil\"" },
	{ "a b", 3, "\"a b\"", "\"a b\"" },
	{ "a\"b\\", 4, "\"a\\\"b\\\\\"", "\"a\\\"b\\\\\"" },
	{ "a]", 2, "\"a]\"", "\"a]\"" },
	{ "a*%", 3, "\"a*%\"", "\"a*%\"" },
	{ "a\r\nb", 4, "{4}\r\na\r\nb", "{4}\r\na\r\nb" },
	{ "caf\xc3\xa9", 5, "{5}\r\ncaf\xc3\xa9", "{5}\r\ncaf\xc3\xa9" },
	{ "a\0b", 3, "{3}\r\na\0b", "{3}\r\na\0b" },
	{ "tab\there", 8, "\"tab\there\"", "\"tab\there\"" },
};

START_TEST(test_quote)
{
	const struct quote_row *r = &quote_rows[_i];
	struct buf b = BUF_INIT;
	size_t n;

	imap_quote_astring(&b, r->in, r->len);
	n = r->len > 0 && memchr(r->in, '\0', r->len) ? r->len + 5 : strlen(r->astring);
	ck_assert_uint_eq(b.len, n);
	ck_assert_mem_eq(b.data, r->astring, n);
	buf_reset(&b);
	imap_quote_string(&b, r->in, r->len, false);
	ck_assert_mem_eq(b.data, r->string, n);
	buf_reset(&b);
	imap_quote_nstring(&b, NULL, 0, false);
	ck_assert_str_eq(buf_cstr(&b), "NIL");
	buf_free(&b);
}
END_TEST

START_TEST(test_quote_utf8)
{
	struct buf b = BUF_INIT;

	imap_quote_string(&b, "caf\xc3\xa9", 5, true);
	ck_assert_str_eq(buf_cstr(&b), "\"caf\xc3\xa9\"");
	buf_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("imap-parser");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;
	int nrows = (int)(sizeof(rows) / sizeof(rows[0]));

	tcase_add_loop_test(tc, test_rows_whole, 0, nrows);
	tcase_add_loop_test(tc, test_rows_byte_by_byte, 0, nrows);
	tcase_add_loop_test(tc, test_rows_every_split, 0, nrows);
	tcase_add_test(tc, test_pipelined_consumed);
	tcase_add_test(tc, test_literal_limit_callback_and_utf8);
	tcase_add_test(tc, test_literal_limit_hook);
	tcase_add_test(tc, test_arg_accessors);
	tcase_add_loop_test(tc, test_quote, 0, (int)(sizeof(quote_rows) / sizeof(quote_rows[0])));
	tcase_add_test(tc, test_quote_utf8);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
