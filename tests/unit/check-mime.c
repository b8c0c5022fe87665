/* Unit tests for the MIME parser, ENVELOPE and BODYSTRUCTURE writers (imapd/mime-*.c): exact
 * IMAP strings, section lookup and byte ranges, malformed mail. */
#include "config.h"
#include "mime-address.h"
#include "mime-bodystructure.h"
#include "mime-envelope.h"
#include "mime-header.h"
#include "mime-parse.h"
#include "arena.h"
#include "buf.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static struct arena *arena;

static void setup(void)
{
	arena = arena_new(4096);
}

static void teardown(void)
{
	arena_free(arena);
}

/* ENVELOPE, BODYSTRUCTURE and BODY of a message, compared with the expected strings. */
static void check_message(const char *msg, size_t len, const char *envelope, const char *bs,
			  const char *body)
{
	struct mime_part *root = mime_parse(arena, msg, len, NULL);
	struct buf out = BUF_INIT;

	if (envelope != NULL) {
		mime_envelope_write(&out, arena, msg, root->body_offset);
		ck_assert_str_eq(buf_cstr(&out), envelope);
	}
	buf_reset(&out);
	mime_bodystructure_write(&out, arena, root, msg, true);
	if (bs != NULL)
		ck_assert_str_eq(buf_cstr(&out), bs);
	if (body != NULL) {
		buf_reset(&out);
		mime_bodystructure_write(&out, arena, root, msg, false);
		ck_assert_str_eq(buf_cstr(&out), body);
	}
	buf_free(&out);
}

#define SIMPLE_HEADER                                                                              \
	"From: Alice <alice@example.com>\r\n"                                                      \
	"To: bob@example.org\r\n"                                                                  \
	"Subject: Hello\r\n"                                                                       \
	"Date: Wed, 17 Jul 1996 02:44:25 -0700\r\n"                                                \
	"Message-ID: <1@example.com>\r\n"                                                          \
	"\r\n"

static const char simple_env[] =
	"(\"Wed, 17 Jul 1996 02:44:25 -0700\" \"Hello\" ((\"Alice\" NIL \"alice\" \"example.com\")) "
	"((\"Alice\" NIL \"alice\" \"example.com\")) ((\"Alice\" NIL \"alice\" \"example.com\")) "
	"((NIL NIL \"bob\" \"example.org\")) NIL NIL NIL \"<1@example.com>\")";

START_TEST(test_simple_text)
{
	const char *msg = SIMPLE_HEADER "Hi Bob\r\nBye\r\n";

	check_message(msg, strlen(msg), simple_env,
		      "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 13 2 NIL NIL "
		      "NIL NIL)",
		      "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 13 2)");
}
END_TEST

/* Stored with bare LF: sizes are those of the CRLF form the server sends. */
START_TEST(test_simple_text_bare_lf)
{
	const char *msg = "From: Alice <alice@example.com>\n"
			  "To: bob@example.org\n"
			  "Subject: Hello\n"
			  "Date: Wed, 17 Jul 1996 02:44:25 -0700\n"
			  "Message-ID: <1@example.com>\n"
			  "\n"
			  "Hi Bob\nBye";
	struct mime_part *root = mime_parse(arena, msg, strlen(msg), NULL);

	check_message(msg, strlen(msg), simple_env,
		      "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 11 2 NIL NIL "
		      "NIL NIL)",
		      NULL);
	ck_assert_uint_eq(root->header_size, strlen(SIMPLE_HEADER));
	ck_assert_uint_eq(root->header_lines, 6);
}
END_TEST

static const char alternative[] =
	"Content-Type: multipart/alternative; boundary=\"b1\"\r\n"
	"\r\n"
	"preamble\r\n"
	"--b1\r\n"
	"Content-Type: text/plain; charset=utf-8\r\n"
	"\r\n"
	"plain\r\n"
	"--b1  \r\n"
	"Content-Type: text/html; charset=\"utf-8\"\r\n"
	"Content-Transfer-Encoding: quoted-printable\r\n"
	"\r\n"
	"<p>html</p>\r\n"
	"--b1--\r\n"
	"epilogue\r\n";

START_TEST(test_multipart_alternative)
{
	check_message(alternative, strlen(alternative),
		      "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)",
		      "((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 5 1 NIL NIL NIL "
		      "NIL)(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 11 1 "
		      "NIL NIL NIL NIL) \"alternative\" (\"boundary\" \"b1\") NIL NIL NIL)",
		      "((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 5 1)(\"text\" "
		      "\"html\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 11 1) "
		      "\"alternative\")");
}
END_TEST

static const char mixed[] =
	"From: a@b.c\r\n"
	"Subject: mixed\r\n"
	"MIME-Version: 1.0\r\n"
	"Content-Type: multipart/mixed; boundary=outer\r\n"
	"\r\n"
	"--outer\r\n"
	"Content-Type: text/plain\r\n"
	"\r\n"
	"see attached\r\n"
	"--outer\r\n"
	"Content-Type: application/pdf; name=\"a.pdf\"\r\n"
	"Content-Disposition: attachment;\r\n"
	"\tfilename=\"a.pdf\"\r\n"
	"Content-Transfer-Encoding: base64\r\n"
	"Content-Language: en, fr\r\n"
	"\r\n"
	"AAAA\r\n"
	"--outer\r\n"
	"Content-Type: message/rfc822\r\n"
	"Content-Description: forwarded\r\n"
	"\r\n"
	"From: x@y.z\r\n"
	"Subject: inner\r\n"
	"Content-Type: multipart/alternative; boundary=inner\r\n"
	"\r\n"
	"--inner\r\n"
	"\r\n"
	"one\r\n"
	"--inner\r\n"
	"Content-Type: text/html\r\n"
	"\r\n"
	"<b>two</b>\r\n"
	"--inner--\r\n"
	"--outer--\r\n";

START_TEST(test_multipart_mixed_nested_message)
{
	check_message(
		mixed, strlen(mixed),
		"(NIL \"mixed\" ((NIL NIL \"a\" \"b.c\")) ((NIL NIL \"a\" \"b.c\")) ((NIL NIL \"a\" "
		"\"b.c\")) NIL NIL NIL NIL NIL)",
		"((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 12 1 NIL NIL NIL NIL)"
		"(\"application\" \"pdf\" (\"name\" \"a.pdf\") NIL NIL \"base64\" 4 NIL "
		"(\"attachment\" (\"filename\" \"a.pdf\")) (\"en\" \"fr\") NIL)"
		"(\"message\" \"rfc822\" NIL NIL \"forwarded\" \"7bit\" 157 "
		"(NIL \"inner\" ((NIL NIL \"x\" \"y.z\")) ((NIL NIL \"x\" \"y.z\")) ((NIL NIL \"x\" "
		"\"y.z\")) NIL NIL NIL NIL NIL) "
		"((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 3 1 NIL NIL NIL NIL)"
		"(\"text\" \"html\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 10 1 NIL NIL NIL NIL) \"alternative\" "
		"(\"boundary\" \"inner\") NIL NIL NIL) 12 NIL NIL NIL NIL) "
		"\"mixed\" (\"boundary\" \"outer\") NIL NIL NIL)",
		"((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 12 1)"
		"(\"application\" \"pdf\" (\"name\" \"a.pdf\") NIL NIL \"base64\" 4)"
		"(\"message\" \"rfc822\" NIL NIL \"forwarded\" \"7bit\" 157 "
		"(NIL \"inner\" ((NIL NIL \"x\" \"y.z\")) ((NIL NIL \"x\" \"y.z\")) ((NIL NIL \"x\" "
		"\"y.z\")) NIL NIL NIL NIL NIL) "
		"((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 3 1)"
		"(\"text\" \"html\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 10 1) \"alternative\") 12) \"mixed\")");
}
END_TEST

static const char *range(const char *msg, size_t from, size_t to)
{
	return arena_strndup(arena, msg + from, to - from);
}

START_TEST(test_sections_and_ranges)
{
	struct mime_part *root = mime_parse(arena, mixed, strlen(mixed), NULL);
	const struct mime_part *p;
	const char *rest;

	ck_assert_uint_eq(root->child_count, 3);
	p = mime_part_find(root, "1", &rest);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(rest, "");
	ck_assert_str_eq(range(mixed, p->body_offset, p->end_offset), "see attached");
	ck_assert_str_eq(range(mixed, p->header_offset, p->body_offset),
			 "Content-Type: text/plain\r\n\r\n");
	p = mime_part_find(root, "2.MIME", &rest);
	ck_assert_str_eq(rest, ".MIME");
	ck_assert_str_eq(range(mixed, p->body_offset, p->end_offset), "AAAA");
	p = mime_part_find(root, "3", &rest);
	ck_assert(p->rfc822);
	ck_assert_str_eq(range(mixed, p->body_offset, p->body_offset + 12), "From: x@y.z\r");
	ck_assert_uint_eq(p->message->header_offset, p->body_offset);
	p = mime_part_find(root, "3.HEADER", &rest);
	ck_assert_str_eq(rest, ".HEADER");
	ck_assert_str_eq(range(mixed, p->message->header_offset, p->message->body_offset),
			 "From: x@y.z\r\nSubject: inner\r\n"
			 "Content-Type: multipart/alternative; boundary=inner\r\n\r\n");
	/* 3.1 is the first part inside the encapsulated multipart message */
	p = mime_part_find(root, "3.1", &rest);
	ck_assert_str_eq(range(mixed, p->body_offset, p->end_offset), "one");
	p = mime_part_find(root, "3.2.MIME", &rest);
	ck_assert_str_eq(rest, ".MIME");
	ck_assert_str_eq(range(mixed, p->header_offset, p->body_offset),
			 "Content-Type: text/html\r\n\r\n");
	ck_assert_str_eq(range(mixed, p->body_offset, p->end_offset), "<b>two</b>");
	ck_assert_ptr_null(mime_part_find(root, "4", &rest));
	ck_assert_ptr_null(mime_part_find(root, "3.3", &rest));
	ck_assert_ptr_null(mime_part_find(root, "1.2", &rest));
	p = mime_part_find(root, "TEXT", &rest);
	ck_assert_ptr_eq(p, root);
	ck_assert_str_eq(rest, "TEXT");
}
END_TEST

START_TEST(test_sections_single_part)
{
	const char *msg = SIMPLE_HEADER "Hi\r\n";
	struct mime_part *root = mime_parse(arena, msg, strlen(msg), NULL);
	const char *rest;

	ck_assert_ptr_eq(mime_part_find(root, "1", &rest), root);
	ck_assert_ptr_null(mime_part_find(root, "2", &rest));
	ck_assert_str_eq(range(msg, root->body_offset, root->end_offset), "Hi\r\n");
}
END_TEST

START_TEST(test_japanese_encoded_words)
{
	const char *msg = "From: =?ISO-2022-JP?B?GyRCO3RGMhsoQg==?= <taro@example.jp>\r\n"
			  "Subject: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=\r\n"
			  " =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=\r\n"
			  "Content-Type: text/plain; charset=ISO-2022-JP\r\n"
			  "\r\n"
			  "\x1b$B$3$s$K$A$O\x1b(B\r\n";

	check_message(msg, strlen(msg),
		      "(NIL \"=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?= =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=\" "
		      "((\"=?ISO-2022-JP?B?GyRCO3RGMhsoQg==?=\" NIL \"taro\" \"example.jp\")) "
		      "((\"=?ISO-2022-JP?B?GyRCO3RGMhsoQg==?=\" NIL \"taro\" \"example.jp\")) "
		      "((\"=?ISO-2022-JP?B?GyRCO3RGMhsoQg==?=\" NIL \"taro\" \"example.jp\")) "
		      "NIL NIL NIL NIL NIL)",
		      "(\"text\" \"plain\" (\"charset\" \"ISO-2022-JP\") NIL NIL \"7bit\" 18 1 NIL NIL "
		      "NIL NIL)",
		      NULL);
}
END_TEST

struct addr_row {
	const char *in;
	const char *out;
};

static const struct addr_row addr_rows[] = {
	{ "undisclosed-recipients:;", "((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL))" },
	{ "Friends: a@b.c, \"Joe Q.\" <joe@d.e>;, last@x.y",
	  "((NIL NIL \"Friends\" NIL)(NIL NIL \"a\" \"b.c\")(\"Joe Q.\" NIL \"joe\" \"d.e\")"
	  "(NIL NIL NIL NIL)(NIL NIL \"last\" \"x.y\"))" },
	{ "<@r1.example,@r2.example:u@h.example>", "((NIL \"@r1.example,@r2.example\" \"u\" \"h.example\"))" },
	{ "\"john doe\"@example.com", "((NIL NIL \"john doe\" \"example.com\"))" },
	{ "bob@x.y (Bob Smith)", "((NIL NIL \"bob\" \"x.y\"))" },
	{ "(comment) Bob (more) <bob@x.y>", "((\"Bob\" NIL \"bob\" \"x.y\"))" },
	{ "\"Doe, John\" <jd@x.y>, b@c.d", "((\"Doe, John\" NIL \"jd\" \"x.y\")(NIL NIL \"b\" \"c.d\"))" },
	{ "\"a\\\"b\" <q@x.y>", "((\"a\\\"b\" NIL \"q\" \"x.y\"))" },
	{ "first.last@sub.example.com", "((NIL NIL \"first.last\" \"sub.example.com\"))" },
	{ "u@[192.0.2.1]", "((NIL NIL \"u\" \"[192.0.2.1]\"))" },
	{ "John Q Public <jqp@x.y>", "((\"John Q Public\" NIL \"jqp\" \"x.y\"))" },
	{ "localonly", "((NIL NIL \"localonly\" \"MISSING_DOMAIN\"))" },
	{ "Name <>", "((\"Name\" NIL \"MISSING_MAILBOX\" \"MISSING_DOMAIN\"))" },
	{ "", "NIL" },
	{ " , ,", "NIL" },
	{ "<<<>>>,,@@;;::", NULL },
	{ "\"unterminated <a@b.c>", NULL },
	{ "a@b.c,\r\n\tc@d.e", "((NIL NIL \"a\" \"b.c\")(NIL NIL \"c\" \"d.e\"))" },
};

START_TEST(test_addresses)
{
	const struct addr_row *r = &addr_rows[_i];
	struct buf out = BUF_INIT;
	struct mime_address *list = mime_address_parse(arena, r->in, strlen(r->in), 100);

	mime_address_write_imap(&out, list);
	if (r->out != NULL)
		ck_assert_str_eq(buf_cstr(&out), r->out);
	buf_free(&out);
}
END_TEST

START_TEST(test_missing_headers)
{
	const char *msg = "\r\nbody only\r\n";

	check_message(msg, strlen(msg), "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)",
		      "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 11 1 NIL NIL "
		      "NIL NIL)",
		      NULL);
	check_message("", 0, "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)",
		      "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0 NIL NIL "
		      "NIL NIL)",
		      NULL);
	/* No empty line: all header, empty body. */
	check_message("Subject: x\r\n", strlen("Subject: x\r\n"),
		      "(NIL \"x\" NIL NIL NIL NIL NIL NIL NIL NIL)",
		      "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0 NIL NIL "
		      "NIL NIL)",
		      NULL);
	/* Empty Subject is "" (present), 8-bit goes out as a literal. */
	msg = "Subject:\r\nIn-Reply-To: caf\xc3\xa9\r\n\r\n";
	check_message(msg, strlen(msg),
		      "(NIL \"\" NIL NIL NIL NIL NIL NIL {5}\r\ncaf\xc3\xa9 NIL)", NULL, NULL);
}
END_TEST

START_TEST(test_malformed)
{
	const char *no_delims = "Content-Type: multipart/mixed; boundary=zz\r\n\r\njust text\r\n";
	const char *no_boundary = "Content-Type: multipart/mixed\r\n\r\nabc\r\n";
	const char *unterminated = "Content-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\n"
				   "Content-Type: text/plain\r\n\r\nabc\r\ndef";
	const char *garbage = "garbage line\r\n: no name\r\n  \r\nX: y\r\n"
			      "Content-Type: bogus\r\nContent-Transfer-Encoding: (c) BASE64\r\n\r\nb";

	check_message(no_delims, strlen(no_delims), NULL,
		      "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0 NIL NIL "
		      "NIL NIL) \"mixed\" (\"boundary\" \"zz\") NIL NIL NIL)",
		      "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0) "
		      "\"mixed\")");
	check_message(no_boundary, strlen(no_boundary), NULL,
		      "(\"multipart\" \"mixed\" NIL NIL NIL \"7bit\" 5 NIL NIL NIL NIL)", NULL);
	check_message(unterminated, strlen(unterminated), NULL,
		      "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 8 2 NIL NIL NIL NIL) "
		      "\"mixed\" "
		      "(\"boundary\" \"zz\") NIL NIL NIL)",
		      NULL);
	check_message(garbage, strlen(garbage), NULL,
		      "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"BASE64\" 1 1 NIL NIL "
		      "NIL NIL)",
		      NULL);
}
END_TEST

START_TEST(test_params_and_fields)
{
	const char *msg = "Content-Type: text/plain; format=flowed;\r\n"
			  " name*0=\"a\"; name*1=\"b\" (comment)\r\n"
			  "Content-ID: <id@x>\r\n"
			  "Content-Description: caf\xc3\xa9\r\n"
			  "Content-MD5: Q2hlY2s=\r\n"
			  "Content-Location: http://x/y\r\n"
			  "Content-Disposition: inline\r\n"
			  "Content-Type: text/html\r\n"
			  "\r\n"
			  "abc";

	check_message(msg, strlen(msg), NULL,
		      "(\"text\" \"plain\" (\"format\" \"flowed\" \"name*0\" \"a\" \"name*1\" \"b\" "
		      "\"charset\" \"us-ascii\") \"<id@x>\" {5}\r\ncaf\xc3\xa9 \"7bit\" 3 1 "
		      "\"Q2hlY2s=\" (\"inline\" NIL) NIL \"http://x/y\")",
		      "(\"text\" \"plain\" (\"format\" \"flowed\" \"name*0\" \"a\" \"name*1\" \"b\" "
		      "\"charset\" \"us-ascii\") \"<id@x>\" {5}\r\ncaf\xc3\xa9 \"7bit\" 3 1)");
}
END_TEST

/* Nesting past the limit stops parsing without failing. */
START_TEST(test_depth_limit)
{
	struct buf msg = BUF_INIT, out = BUF_INIT;
	struct mime_parse_limits limits = { .max_depth = 3 };
	struct mime_part *root;

	for (int i = 0; i < 10; i++)
		buf_printf(&msg, "Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n", i, i);
	buf_puts(&msg, "\r\nleaf\r\n");
	root = mime_parse(arena, msg.data, msg.len, &limits);
	mime_bodystructure_write(&out, arena, root, msg.data, false);
	ck_assert_str_eq(buf_cstr(&out),
			 "((((\"multipart\" \"mixed\" (\"boundary\" \"b3\") NIL NIL \"7bit\" 326) "
			 "\"mixed\") \"mixed\") \"mixed\")");
	buf_free(&msg);
	buf_free(&out);
}
END_TEST

START_TEST(test_header_helpers)
{
	const char *h = "A: 1\r\nLong: x\r\n  y\r\n\tz\r\nB : 2\r\n\r\nbody";
	struct mime_header_field f;
	struct buf out = BUF_INIT;
	unsigned int lines;

	ck_assert_uint_eq(mime_header_length(h, strlen(h)), strlen(h) - 4);
	ck_assert(mime_header_find(h, strlen(h), "long", &f));
	mime_header_unfold(&out, f.value, f.value_len);
	ck_assert_str_eq(buf_cstr(&out), "x  y\tz");
	ck_assert(mime_header_find(h, strlen(h), "B", &f));
	ck_assert_uint_eq(f.value_len, 2);
	ck_assert(!mime_header_find(h, strlen(h), "body", &f));
	ck_assert_uint_eq(mime_crlf_size("a\nb\r\nc", 6, &lines), 7);
	ck_assert_uint_eq(lines, 3);
	ck_assert_uint_eq(mime_crlf_size("\n", 1, &lines), 2);
	ck_assert_uint_eq(lines, 1);
	buf_free(&out);
}
END_TEST

START_TEST(test_header_filter_and_crlf)
{
	const char *h = "From: a@b\nSubject: one\n two\nTo: c@d\r\nsubject: again\nX: y\n\nbody\n";
	const char *names[] = { "SUBJECT", "to" };
	size_t hl = mime_header_length(h, strlen(h));
	struct buf out = BUF_INIT;

	mime_header_filter(&out, h, hl, names, 2, false);
	ck_assert_str_eq(buf_cstr(&out),
			 "Subject: one\r\n two\r\nTo: c@d\r\nsubject: again\r\n\r\n");
	buf_reset(&out);
	mime_header_filter(&out, h, hl, names, 2, true);
	ck_assert_str_eq(buf_cstr(&out), "From: a@b\r\nX: y\r\n\r\n");
	buf_reset(&out);
	mime_header_filter(&out, h, hl, names, 0, false);
	ck_assert_str_eq(buf_cstr(&out), "\r\n");
	buf_reset(&out);
	mime_append_crlf(&out, "\na\r\nb\n\nc", strlen("\na\r\nb\n\nc"));
	ck_assert_str_eq(buf_cstr(&out), "\r\na\r\nb\r\n\r\nc");
	buf_free(&out);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mime");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_simple_text);
	tcase_add_test(tc, test_simple_text_bare_lf);
	tcase_add_test(tc, test_multipart_alternative);
	tcase_add_test(tc, test_multipart_mixed_nested_message);
	tcase_add_test(tc, test_sections_and_ranges);
	tcase_add_test(tc, test_sections_single_part);
	tcase_add_test(tc, test_japanese_encoded_words);
	tcase_add_loop_test(tc, test_addresses, 0, (int)(sizeof(addr_rows) / sizeof(addr_rows[0])));
	tcase_add_test(tc, test_missing_headers);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_params_and_fields);
	tcase_add_test(tc, test_depth_limit);
	tcase_add_test(tc, test_header_helpers);
	tcase_add_test(tc, test_header_filter_and_crlf);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
