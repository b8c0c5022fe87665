/* Unit tests for imapd/imap-search*.c: every search key over three fixed messages (flags,
 * encoded words in UTF-8, ISO-8859-1 and ISO-2022-JP, QP and base64 bodies, Date headers in
 * other zones), nesting, charsets, and the programs that must be refused. */
#include "config.h"
#include "imap-search.h"
#include "imap-parser.h"
#include "arena.h"
#include "buf.h"
#include "maildir-name.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char msg1[] =
	"Date: Mon, 20 Nov 2023 23:30:00 -0800\n"
	"From: Alice <alice@example.org>\n"
	"To: bob@example.com\n"
	"Subject: Hello\n World\n"
	"\n"
	"Plain body text.\n";

static const char msg2[] =
	"Date: Tue, 21 Nov 2023 01:00:00 +0900\n"
	"From: =?ISO-8859-1?Q?J=FCrgen?= <j@example.org>\n"
	"Subject: =?UTF-8?B?R3LDvMOfZQ==?= =?UTF-8?Q?_aus_Berlin?=\n"
	"Cc: carol@example.net\n"
	"Content-Type: text/plain; charset=ISO-8859-1\n"
	"Content-Transfer-Encoding: quoted-printable\n"
	"\n"
	"na=EFve caf=E9 ver=\ny long\n";

static const char msg3[] =
	"Subject: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/mixed; boundary=\"xx\"\n"
	"\n"
	"--xx\n"
	"Content-Type: text/plain; charset=utf-8\n"
	"Content-Transfer-Encoding: base64\n"
	"\n"
	"aMOpbGxvIHfDtnJsZA==\n"
	"--xx\n"
	"Content-Type: application/octet-stream\n"
	"Content-Transfer-Encoding: base64\n"
	"\n"
	"U0VDUkVUV09SRA==\n"
	"--xx--\n";

static const struct imap_search_msg msgs[] = {
	{ .seq = 1, .uid = 10, .flags = MAILDIR_FLAG_SEEN, .keywords = "$Label1",
	  .internaldate = 1700483696 /* 2023-11-20 12:34:56 UTC */, .data = msg1,
	  .len = sizeof(msg1) - 1 },
	{ .seq = 2, .uid = 20, .flags = MAILDIR_FLAG_FLAGGED | MAILDIR_FLAG_REPLIED, .recent = true,
	  .internaldate = 1700526600 /* 2023-11-21 00:30:00 UTC */, .data = msg2,
	  .len = sizeof(msg2) - 1 },
	{ .seq = 3, .uid = 30, .flags = MAILDIR_FLAG_TRASHED | MAILDIR_FLAG_DRAFT, .recent = true,
	  .keywords = "Junk", .internaldate = 1700438399 /* 2023-11-19 23:59:59 UTC */,
	  .data = msg3, .len = sizeof(msg3) - 1 },
};
#define NMSGS (sizeof(msgs) / sizeof(msgs[0]))

struct row {
	const char *args; /* as sent after "a SEARCH " */
	/* '1'/'0' per message, or the start of the refusal ("BAD", "NO [BADCHARSET") */
	const char *want;
	bool flag_only; /* must be decided without the message bytes or mtime */
};

static const struct row rows[] = {
	{ "ALL", "111", true },
	{ "SEEN", "100", true },
	{ "UNSEEN", "011", true },
	{ "ANSWERED", "010", true },
	{ "UNANSWERED", "101", true },
	{ "FLAGGED", "010", true },
	{ "UNFLAGGED", "101", true },
	{ "DELETED", "001", true },
	{ "UNDELETED", "110", true },
	{ "DRAFT", "001", true },
	{ "UNDRAFT", "110", true },
	{ "RECENT", "011", true },
	{ "NEW", "011", true },
	{ "OLD", "100", true },
	{ "KEYWORD $label1", "100", true },
	{ "KEYWORD Junk", "001", true },
	{ "UNKEYWORD Junk", "110", true },
	{ "KEYWORD Nope", "000", true },
	{ "1", "100", true },
	{ "2:*", "011", true },
	{ "3:2", "011", true },
	{ "1,3", "101", true },
	{ "*", "001", true },
	{ "5:9", "000", true },
	{ "UID 20:25", "010", true },
	{ "UID *", "001", true },
	{ "UID 1:10,30", "101", true },
	{ "NOT SEEN", "011", true },
	{ "OR SEEN DELETED", "101", true },
	{ "OR (SEEN) (OR DRAFT FLAGGED)", "111", true },
	{ "seen old", "100", true },
	{ "NOT (SEEN OLD)", "011", true },
	{ "NOT NOT NOT SEEN", "011", true },
	{ "((SEEN) (KEYWORD $Label1))", "100", true },
	{ "CHARSET UTF-8 SEEN", "100", true },
	{ "CHARSET us-ascii SEEN", "100", true },
	{ "RETURN (MIN COUNT) SEEN", "100", true },
	{ "RETURN () CHARSET UTF-8 UNSEEN", "011", true },
	{ "OR SEEN SUBJECT berlin", "110", false },
	{ "SEEN SUBJECT berlin", "000", false }, /* decided by SEEN for 2 and 3, by the text for 1 */
	/* Header keys: decoded, unfolded, case-insensitive substrings. */
	{ "SUBJECT hello", "100", false },
	{ "SUBJECT \"HELLO WORLD\"", "100", false },
	{ "SUBJECT {7+}\r\ngr\xc3\x9c\xc3\x9f" "e", "010", false },
	{ "SUBJECT \"e aus\"", "010", false },
	{ "SUBJECT {9+}\r\n\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88", "001", false },
	{ "SUBJECT R3LDvMOfZQ", "000", false },
	{ "FROM {7+}\r\nJ\xc3\x9cRGEN", "010", false },
	{ "FROM alice@EXAMPLE", "100", false },
	{ "FROM example", "110", false },
	{ "TO bob", "100", false },
	{ "CC carol", "010", false },
	{ "BCC carol", "000", false },
	{ "HEADER Subject \"\"", "111", false },
	{ "HEADER content-type \"\"", "011", false },
	{ "HEADER X-Missing \"\"", "000", false },
	{ "HEADER mime-version 1.0", "001", false },
	/* Bodies: transfer encodings and charsets undone; attachments are not text. */
	{ "BODY {6+}\r\nna\xc3\x8fve", "010", false },
	{ "BODY {5+}\r\ncaf\xc3\xa9", "010", false },
	{ "BODY \"very long\"", "010", false },
	{ "BODY {6+}\r\nH\xc3\x89LLO", "001", false },
	{ "BODY SECRETWORD", "000", false },
	{ "BODY \"plain body\"", "100", false },
	{ "BODY alice", "000", false },
	{ "BODY \"\"", "111", false },
	{ "TEXT alice", "100", false },
	{ "TEXT plain", "110", false }, /* msg 2's Content-Type header */
	{ "TEXT {6+}\r\nw\xc3\xb6rld", "001", false },
	/* INTERNALDATE in the local zone (TZ=UTC here). */
	{ "ON 20-Nov-2023", "100", false },
	{ "BEFORE 20-Nov-2023", "001", false },
	{ "SINCE 21-Nov-2023", "010", false },
	{ "SINCE 20-Nov-2023", "110", false },
	{ "ON \"19-Nov-2023\"", "001", false },
	/* The Date header's own day, not the UTC one; no Date header matches no SENT key. */
	{ "SENTON 20-Nov-2023", "100", false },
	{ "SENTON 21-Nov-2023", "010", false },
	{ "SENTBEFORE 21-Nov-2023", "100", false },
	{ "SENTSINCE 21-Nov-2023", "010", false },
	{ "SENTSINCE 1-Jan-1970", "110", false },
	{ "NOT SENTON 20-Nov-2023", "011", false },
	{ "LARGER 100000", "000", false },
	{ "SMALLER 100000", "111", false },
	{ "LARGER 0", "111", false },
	/* Refused. */
	{ "", "BAD", false },
	{ "FOO", "BAD", false },
	{ "SEEN FOO", "BAD", false },
	{ "NOT", "BAD", false },
	{ "OR SEEN", "BAD", false },
	{ "()", "BAD", false },
	{ "(SEEN", "BAD", false }, /* the IMAP parser refuses it */
	{ "BEFORE 32-Nov-2023", "BAD", false },
	{ "BEFORE 2023-11-20", "BAD", false },
	{ "ON", "BAD", false },
	{ "LARGER -1", "BAD", false },
	{ "LARGER 4294967296", "BAD", false },
	{ "SMALLER abc", "BAD", false },
	{ "UID", "BAD", false },
	{ "UID abc", "BAD", false },
	{ "1:x", "BAD", false },
	{ "0", "BAD", false },
	{ "KEYWORD \\Seen", "BAD", false },
	{ "KEYWORD", "BAD", false },
	{ "HEADER", "BAD", false },
	{ "HEADER Subject", "BAD", false },
	{ "HEADER \"Bad Field\" x", "BAD", false },
	{ "SUBJECT (x)", "BAD", false },
	{ "RETURN (FOO) ALL", "BAD", false },
	{ "RETURN ALL", "BAD", false },
	{ "CHARSET", "BAD", false },
	{ "CHARSET UTF-8", "BAD", false },
	{ "CHARSET KOI8-R SEEN", "NO [BADCHARSET (UTF-8 US-ASCII)]", false },
	{ "CHARSET ISO-8859-1 SUBJECT x", "NO [BADCHARSET (UTF-8 US-ASCII)]", false },
	{ "NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT "
	  "NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT ALL", "BAD", false },
};

/* Parse "a SEARCH <args>" into prog; returns the parser result's error text or NULL. */
static const char *parse(struct imap_parser *parser, struct arena *arena, const char *args,
			 struct imap_search_program *prog)
{
	struct buf line = BUF_INIT;
	const struct imap_command *cmd;
	const char *error = NULL;
	size_t used;
	enum imap_parse_result r;

	buf_printf(&line, "a SEARCH %s\r\n", args);
	r = imap_parser_feed(parser, line.data, line.len, &used);
	buf_free(&line);
	if (r != IMAP_PARSE_OK)
		return "BAD (IMAP parser)";
	cmd = imap_parser_command(parser);
	if (imap_search_parse(arena, cmd->args, cmd->count, prog, &error) < 0)
		return error;
	return NULL;
}

START_TEST(test_rows)
{
	const struct row *row = &rows[_i];
	struct imap_parser *parser = imap_parser_new(NULL);
	struct arena *arena = arena_new(1024);
	struct imap_search_ctx *ctx = imap_search_ctx_new();
	struct imap_search_program prog;
	const char *error = parse(parser, arena, row->args, &prog);
	char got[NMSGS + 1];

	if (row->want[0] != '0' && row->want[0] != '1') {
		ck_assert_msg(error != NULL, "%s: accepted", row->args);
		ck_assert_msg(strncmp(error, row->want, strlen(row->want)) == 0, "%s: %s", row->args,
			      error);
	} else {
		ck_assert_msg(error == NULL, "%s: %s", row->args, error);
		imap_search_program_resolve(&prog, 3, 30);
		for (size_t i = 0; i < NMSGS; i++) {
			struct imap_search_msg m = msgs[i];
			int r;

			m.data = NULL;
			m.have_time = false;
			r = imap_search_match(ctx, &prog, &m);
			ck_assert_msg(!row->flag_only || r >= 0, "%s: needs the file", row->args);
			if (r < 0) {
				m = msgs[i];
				m.have_time = true;
				r = imap_search_match(ctx, &prog, &m);
			}
			ck_assert_msg(r >= 0, "%s: undecided with all data", row->args);
			got[i] = r ? '1' : '0';
		}
		got[NMSGS] = '\0';
		ck_assert_msg(strcmp(got, row->want) == 0, "%s: got %s, want %s", row->args, got,
			      row->want);
		imap_search_program_free(&prog);
	}
	imap_search_ctx_free(&ctx);
	arena_free(arena);
	imap_parser_free(&parser);
}
END_TEST

/* LARGER and SMALLER count the size as sent, with CRLF line ends (RFC822.SIZE). */
START_TEST(test_size_boundary)
{
	size_t lines = 0, size;
	char args[64];
	const struct {
		const char *key;
		size_t n;
		int want;
	} cases[] = {
		{ "LARGER", 1, 1 }, /* n is subtracted from the size: LARGER size-1 */
		{ "LARGER", 0, 0 },
		{ "SMALLER", 0, 0 },
		{ "SMALLER", (size_t)-1, 1 }, /* SMALLER size+1 */
	};

	for (const char *p = msg1; *p != '\0'; p++)
		lines += *p == '\n';
	size = sizeof(msg1) - 1 + lines;
	for (int k = 0; k < 4; k++) {
		struct imap_parser *parser = imap_parser_new(NULL);
		struct arena *arena = arena_new(1024);
		struct imap_search_ctx *ctx = imap_search_ctx_new();
		struct imap_search_program prog;
		struct imap_search_msg m = msgs[0];

		snprintf(args, sizeof(args), "%s %zu", cases[k].key, size - cases[k].n);
		ck_assert_ptr_null(parse(parser, arena, args, &prog));
		ck_assert_int_eq(imap_search_match(ctx, &prog, &m), cases[k].want);
		imap_search_program_free(&prog);
		imap_search_ctx_free(&ctx);
		arena_free(arena);
		imap_parser_free(&parser);
	}
}
END_TEST

/* BEFORE/ON/SINCE use the local calendar day of INTERNALDATE. */
START_TEST(test_local_zone)
{
	static const char *const zones[] = { "JST-9", "PST8" };
	static const char *const want[] = { "101", "110" }; /* ON 20-Nov-2023 */

	for (int z = 0; z < 2; z++) {
		struct imap_parser *parser = imap_parser_new(NULL);
		struct arena *arena = arena_new(1024);
		struct imap_search_ctx *ctx = imap_search_ctx_new();
		struct imap_search_program prog;
		char got[NMSGS + 1];

		setenv("TZ", zones[z], 1);
		tzset();
		ck_assert_ptr_null(parse(parser, arena, "ON 20-Nov-2023", &prog));
		for (size_t i = 0; i < NMSGS; i++) {
			struct imap_search_msg m = msgs[i];

			m.have_time = true;
			got[i] = imap_search_match(ctx, &prog, &m) == 1 ? '1' : '0';
		}
		got[NMSGS] = '\0';
		ck_assert_str_eq(got, want[z]);
		imap_search_program_free(&prog);
		imap_search_ctx_free(&ctx);
		arena_free(arena);
		imap_parser_free(&parser);
	}
	setenv("TZ", "UTC", 1);
	tzset();
}
END_TEST

START_TEST(test_decode)
{
	struct imap_search_ctx *ctx = imap_search_ctx_new();
	struct buf out = BUF_INIT;
	static const char h[] = "=?utf-8?q?a?= =?utf-8?q?b?= c =?x-unknown?q?d?= =?utf-8?b?ZQ==?=";

	imap_search_decode_header(ctx, &out, h, strlen(h));
	ck_assert_str_eq(buf_cstr(&out), "ab c de");
	buf_reset(&out);
	imap_search_decode_header(ctx, &out, "=?bad", 5);
	ck_assert_str_eq(buf_cstr(&out), "=?bad");
	buf_reset(&out);
	imap_search_decode_body(ctx, &out, "a=3D=\nb=4", 9, "Quoted-Printable", NULL);
	ck_assert_str_eq(buf_cstr(&out), "a=b=4");
	buf_reset(&out);
	imap_search_decode_body(ctx, &out, "\xe9t\xe9", 3, NULL, "iso-8859-1");
	ck_assert_str_eq(buf_cstr(&out), "\xc3\xa9t\xc3\xa9");
	buf_reset(&out);
	imap_search_decode_body(ctx, &out, "a\xff", 2, "8bit", "utf-16x");
	ck_assert_str_eq(buf_cstr(&out), "a\xff"); /* unknown charset: as is */
	buf_reset(&out);
	imap_search_fold(&out, "AB\xc3\x89\xd0\x96\xce\x91\xc3\x97z", 11);
	ck_assert_str_eq(buf_cstr(&out), "ab\xc3\xa9\xd0\xb6\xce\xb1\xc3\x97z");
	buf_free(&out);
	imap_search_ctx_free(&ctx);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("imap-search");
	TCase *tc = tcase_create("search");
	SRunner *sr;
	int failed;

	setenv("TZ", "UTC", 1);
	tzset();
	tcase_add_loop_test(tc, test_rows, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, test_size_boundary);
	tcase_add_test(tc, test_local_zone);
	tcase_add_test(tc, test_decode);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
