/* Unit tests for pop3d/pop3-parser.c: line splitting, limits, resynchronisation, discard. */
#include "config.h"
#include "pop3-parser.h"
#include "buf.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* Run the parser over input in pieces of `piece` bytes (0 = all at once) and render each
 * result as one text line: "C NAME|rest|argc|arg0,arg1" / "L" (too long) / "I" (invalid). */
static void render(const char *input, size_t len, size_t piece, size_t max, struct buf *out)
{
	struct pop3_parser *p = pop3_parser_new(max);
	size_t pos = 0;

	while (pos < len) {
		size_t n = piece == 0 || piece > len - pos ? len - pos : piece;
		while (n > 0) {
			struct pop3_command cmd;
			size_t used;
			enum pop3_parser_result r = pop3_parser_feed(p, input + pos, n, &used, &cmd);

			ck_assert_uint_le(used, n);
			ck_assert_uint_gt(used, 0);
			pos += used;
			n -= used;
			if (r == POP3_PARSER_COMMAND) {
				buf_printf(out, "C %s|%s|%u|", cmd.name, cmd.rest, cmd.argc);
				for (unsigned int i = 0; i < cmd.argc && i < POP3_PARSER_MAX_ARGS; i++)
					buf_printf(out, "%s%s", i ? "," : "", cmd.argv[i]);
				buf_puts(out, "\n");
			} else if (r == POP3_PARSER_TOO_LONG) {
				buf_puts(out, "L\n");
			} else if (r == POP3_PARSER_INVALID) {
				buf_puts(out, "I\n");
			}
		}
	}
	pop3_parser_free(&p);
}

static const struct {
	const char *in;
	size_t max;
	const char *out;
} rows[] = {
	{ "USER bob\r\n", 0, "C USER|bob|1|bob\n" },
	{ "user bob\n", 0, "C USER|bob|1|bob\n" },
	{ "Stat\r\nlist 1\r\n", 0, "C STAT||0|\nC LIST|1|1|1\n" },
	{ "PASS  sec ret \r\n", 0, "C PASS| sec ret |2|sec,ret\n" },
	{ "TOP 1 10\r\n", 0, "C TOP|1 10|2|1,10\n" },
	{ "A 1 2 3 4 5 6\n", 0, "C A|1 2 3 4 5 6|6|1,2,3,4\n" },
	{ "\r\n", 0, "C ||0|\n" },
	{ "\n\n", 0, "C ||0|\nC ||0|\n" },
	/* A bare CR inside a line is data; only the CR before LF is a line end. */
	{ "NO\rOP\r\r\n", 0, "C NO\rOP\r||0|\n" },
	/* Word longer than POP3_PARSER_MAX_NAME: empty name, line still available. */
	{ "ABCDEFGHIJKLMNOPQ x\n", 0, "C |x|1|x\n" },
	{ "NOOP\r\nincomplete", 0, "C NOOP||0|\n" },
	/* Limits: a line of exactly max octets passes (with CRLF or LF), one more fails. */
	{ "12345678\r\n", 8, "C 12345678||0|\n" },
	{ "12345678\n", 8, "C 12345678||0|\n" },
	{ "123456789\r\nNOOP\r\n", 8, "L\nC NOOP||0|\n" },
	{ "12345678\r\rX\nNOOP\n", 8, "L\nC NOOP||0|\n" },
	/* The tail of an over-long line is never executed, however long it is. */
	{ "AAAAAAAAAAAAQUIT\r\nAAAAAAAAAQUIT\r\nSTAT\r\n", 8, "L\nL\nC STAT||0|\n" },
	/* NUL bytes make the line invalid; the next line is fine. */
	{ "US\0ER x\r\nNOOP\r\n", 0, "I\nC NOOP||0|\n" },
};

static size_t row_len(const char *s)
{
	/* The row with an embedded NUL is the only one starting "US\0". */
	if (memcmp(s, "US\0", 3) == 0)
		return 15;
	return strlen(s);
}

START_TEST(test_rows_every_split)
{
	const char *in = rows[_i].in;
	size_t len = row_len(in);

	for (size_t piece = 0; piece <= len; piece++) {
		struct buf out = BUF_INIT;
		render(in, len, piece, rows[_i].max, &out);
		ck_assert_msg(strcmp(buf_cstr(&out), rows[_i].out) == 0, "row %d piece %zu: got [%s]",
			      _i, piece, buf_cstr(&out));
		buf_free(&out);
	}
}
END_TEST

START_TEST(test_default_limit_is_512)
{
	struct buf in = BUF_INIT, out = BUF_INIT;

	buf_puts(&in, "PASS ");
	for (int i = 0; i < 507; i++)
		buf_putc(&in, 'x');
	buf_puts(&in, "\r\n");
	render(in.data, in.len, 0, 0, &out);
	ck_assert_uint_eq(out.len, strlen("C PASS||1|\n") + 2 * 507);
	buf_reset(&out);
	buf_reset(&in);
	for (int i = 0; i < 513; i++)
		buf_putc(&in, 'x');
	buf_puts(&in, "\r\n");
	render(in.data, in.len, 0, 0, &out);
	ck_assert_str_eq(buf_cstr(&out), "L\n");
	buf_free(&in);
	buf_free(&out);
}
END_TEST

START_TEST(test_consumed_leaves_pipelined_rest)
{
	/* After PASS the caller hands the unconsumed bytes to the next program. */
	const char *in = "PASS secret\r\nSTAT\r\nLIST\r\n";
	struct pop3_parser *p = pop3_parser_new(0);
	struct pop3_command cmd;
	size_t used;

	ck_assert_int_eq(pop3_parser_feed(p, in, strlen(in), &used, &cmd), POP3_PARSER_COMMAND);
	ck_assert_uint_eq(used, 13);
	ck_assert_str_eq(cmd.name, "PASS");
	ck_assert_str_eq(cmd.rest, "secret");
	ck_assert_str_eq(in + used, "STAT\r\nLIST\r\n");
	ck_assert_uint_eq(pop3_parser_pending(p, NULL), 0);
	pop3_parser_free(&p);
	ck_assert_ptr_null(p);
}
END_TEST

START_TEST(test_pending_and_discard)
{
	struct pop3_parser *p = pop3_parser_new(0);
	struct pop3_command cmd;
	const char *data;
	size_t used;

	ck_assert_int_eq(pop3_parser_feed(p, "STLS\r\nCA", 8, &used, &cmd), POP3_PARSER_COMMAND);
	ck_assert_uint_eq(used, 6);
	ck_assert_int_eq(pop3_parser_feed(p, "CA", 2, &used, &cmd), POP3_PARSER_NEED_MORE);
	ck_assert_uint_eq(pop3_parser_pending(p, &data), 2);
	ck_assert_int_eq(memcmp(data, "CA", 2), 0);
	/* STLS: the smuggled half line must not survive the handshake. */
	pop3_parser_discard(p);
	ck_assert_uint_eq(pop3_parser_pending(p, NULL), 0);
	ck_assert_int_eq(pop3_parser_feed(p, "PA\r\n", 4, &used, &cmd), POP3_PARSER_COMMAND);
	ck_assert_str_eq(cmd.name, "PA");
	pop3_parser_free(&p);
}
END_TEST

START_TEST(test_discard_ends_skipping)
{
	struct pop3_parser *p = pop3_parser_new(4);
	struct pop3_command cmd;
	size_t used;

	ck_assert_int_eq(pop3_parser_feed(p, "123456", 6, &used, &cmd), POP3_PARSER_TOO_LONG);
	ck_assert_uint_eq(used, 5);
	pop3_parser_discard(p);
	ck_assert_int_eq(pop3_parser_feed(p, "QUIT\n", 5, &used, &cmd), POP3_PARSER_COMMAND);
	ck_assert_str_eq(cmd.name, "QUIT");
	pop3_parser_free(&p);
}
END_TEST

static Suite *pop3_parser_suite(void)
{
	Suite *s = suite_create("pop3-parser");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_rows_every_split, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, test_default_limit_is_512);
	tcase_add_test(tc, test_consumed_leaves_pipelined_rest);
	tcase_add_test(tc, test_pending_and_discard);
	tcase_add_test(tc, test_discard_ends_skipping);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pop3_parser_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
