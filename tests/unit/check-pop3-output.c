/* Unit tests for pop3d/pop3-output.c: byte-exact RETR/TOP output over every chunk split. */
#include "config.h"
#include "pop3-output.h"
#include "buf.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static int write_buf(void *ctx, const void *data, size_t len)
{
	buf_append(ctx, data, len);
	return 0;
}

static int write_fail(void *ctx, const void *data, size_t len)
{
	(void)ctx;
	(void)data;
	(void)len;
	return -1;
}

/* Send msg in two chunks split at `at` (and, when at == 0, one byte at a time). */
static void send_split(const char *msg, size_t len, long top, size_t at, struct buf *out,
		       uint64_t *octets_r)
{
	struct pop3_output o;

	pop3_output_init(&o, top, write_buf, out);
	if (at == 0) {
		for (size_t i = 0; i < len; i++)
			if (pop3_output_feed(&o, msg + i, 1) != 0)
				break;
	} else if (pop3_output_feed(&o, msg, at) == 0) {
		pop3_output_feed(&o, msg + at, len - at);
	}
	ck_assert_int_eq(pop3_output_finish(&o), 0);
	ck_assert_uint_eq(o.wire, out->len);
	*octets_r = o.octets;
}

static const struct {
	const char *msg;
	long top;
	const char *out;
} rows[] = {
	{ "", POP3_OUTPUT_ALL, ".\r\n" },
	{ "a\n", POP3_OUTPUT_ALL, "a\r\n.\r\n" },
	{ "a\r\n", POP3_OUTPUT_ALL, "a\r\n.\r\n" },
	{ "a", POP3_OUTPUT_ALL, "a\r\n.\r\n" },
	{ "a\r", POP3_OUTPUT_ALL, "a\r\n.\r\n" },
	{ "\n", POP3_OUTPUT_ALL, "\r\n.\r\n" },
	{ ".\n", POP3_OUTPUT_ALL, "..\r\n.\r\n" },
	{ ".", POP3_OUTPUT_ALL, "..\r\n.\r\n" },
	{ "..\r\n.x\n.\r\nend", POP3_OUTPUT_ALL, "...\r\n..x\r\n..\r\nend\r\n.\r\n" },
	{ "a.b\n.\n", POP3_OUTPUT_ALL, "a.b\r\n..\r\n.\r\n" },
	{ "x\r\r\ny\rz\n", POP3_OUTPUT_ALL, "x\r\r\ny\rz\r\n.\r\n" },
	{ "S: 1\nT: 2\n\nb1\nb2\nb3\n", POP3_OUTPUT_ALL, "S: 1\r\nT: 2\r\n\r\nb1\r\nb2\r\nb3\r\n.\r\n" },
	{ "S: 1\nT: 2\n\nb1\nb2\nb3\n", 0, "S: 1\r\nT: 2\r\n\r\n.\r\n" },
	{ "S: 1\nT: 2\n\nb1\nb2\nb3\n", 2, "S: 1\r\nT: 2\r\n\r\nb1\r\nb2\r\n.\r\n" },
	{ "S: 1\r\n\r\n.b1\r\nb2", 5, "S: 1\r\n\r\n..b1\r\nb2\r\n.\r\n" },
	{ "S: 1\r\n\r\n\r\nb2\r\n", 1, "S: 1\r\n\r\n\r\n.\r\n" },
	/* No blank line: the whole message is headers. */
	{ "S: 1\nT: 2", 3, "S: 1\r\nT: 2\r\n.\r\n" },
	/* A header line of only CR is the blank line too; CR CR LF is not blank. */
	{ "S: 1\n\r\nbody\n", 0, "S: 1\r\n\r\n.\r\n" },
	{ "S: 1\r\r\nbody\n", 0, "S: 1\r\r\nbody\r\n.\r\n" },
	{ "S: 1\n\r\nbody\nmore\n", 1, "S: 1\r\n\r\nbody\r\n.\r\n" },
};

START_TEST(test_rows_every_split)
{
	const char *msg = rows[_i].msg;
	size_t len = strlen(msg);

	for (size_t at = 0; at <= len; at++) {
		struct buf out = BUF_INIT;
		uint64_t octets;

		send_split(msg, len, rows[_i].top, at, &out, &octets);
		ck_assert_msg(strcmp(buf_cstr(&out), rows[_i].out) == 0, "row %d split %zu: [%s]", _i,
			      at, buf_cstr(&out));
		if (rows[_i].top == POP3_OUTPUT_ALL) {
			/* What LIST says must be what RETR sends, minus stuffing and ".\r\n". */
			size_t dots = 0;
			const char *o = buf_cstr(&out);
			for (size_t i = 0; i < out.len; i++)
				if (o[i] == '.' && (i == 0 || o[i - 1] == '\n') && i + 3 != out.len)
					dots++;
			ck_assert_uint_eq(octets, out.len - 3 - dots);
			ck_assert_uint_eq(pop3_output_size(msg, len), octets);
		}
		buf_free(&out);
	}
}
END_TEST

START_TEST(test_size_values)
{
	ck_assert_uint_eq(pop3_output_size("", 0), 0);
	ck_assert_uint_eq(pop3_output_size("a\nb\n", 4), 6);
	ck_assert_uint_eq(pop3_output_size("a\r\nb\r\n", 6), 6);
	ck_assert_uint_eq(pop3_output_size("a\nb", 3), 6);
	ck_assert_uint_eq(pop3_output_size(".\n", 2), 3);
	/* Wrong expectations must not pass: a bare LF is two octets on the wire. */
	ck_assert_uint_ne(pop3_output_size("\n", 1), 1);
}
END_TEST

START_TEST(test_large_message_flushes)
{
	struct buf msg = BUF_INIT, out = BUF_INIT;
	uint64_t octets;

	for (int i = 0; i < 3000; i++)
		buf_puts(&msg, ".line\n");
	send_split(msg.data, msg.len, POP3_OUTPUT_ALL, 4097, &out, &octets);
	ck_assert_uint_eq(out.len, 3000 * 8 + 3);
	ck_assert_uint_eq(octets, 3000 * 7);
	ck_assert_int_eq(memcmp(out.data, "..line\r\n..line\r\n", 16), 0);
	ck_assert_int_eq(memcmp(out.data + out.len - 11, "..line\r\n.\r\n", 11), 0);
	buf_free(&msg);
	buf_free(&out);
}
END_TEST

START_TEST(test_top_stops_early)
{
	struct pop3_output o;
	struct buf out = BUF_INIT;

	pop3_output_init(&o, 1, write_buf, &out);
	ck_assert_int_eq(pop3_output_feed(&o, "H: v\n\nb1\nb2\n", 12), 1);
	ck_assert_int_eq(pop3_output_feed(&o, "more\n", 5), 1);
	ck_assert_int_eq(pop3_output_finish(&o), 0);
	ck_assert_str_eq(buf_cstr(&out), "H: v\r\n\r\nb1\r\n.\r\n");
	buf_free(&out);
}
END_TEST

START_TEST(test_write_failure)
{
	struct pop3_output o;
	struct buf big = BUF_INIT;

	for (int i = 0; i < 5000; i++)
		buf_puts(&big, "x\n");
	pop3_output_init(&o, POP3_OUTPUT_ALL, write_fail, NULL);
	ck_assert_int_eq(pop3_output_feed(&o, big.data, big.len), -1);
	ck_assert_int_eq(pop3_output_finish(&o), -1);
	buf_free(&big);
}
END_TEST

static Suite *pop3_output_suite(void)
{
	Suite *s = suite_create("pop3-output");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_rows_every_split, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, test_size_values);
	tcase_add_test(tc, test_large_message_flushes);
	tcase_add_test(tc, test_top_stops_early);
	tcase_add_test(tc, test_write_failure);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pop3_output_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
