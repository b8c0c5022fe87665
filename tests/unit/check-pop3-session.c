/* Unit tests for pop3d/pop3-session.c: exact wire bytes of the TRANSACTION/UPDATE states over an
 * in-memory mailbox streamed in chunks of several sizes. */
#include "config.h"
#include "pop3-session.h"
#include "buf.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static const char *const bodies[] = {
	"Subject: one\n\nbody1\n.dot\n",			/* 29 octets as sent */
	"Subject: two\r\n\r\nline1\r\nline2\r\nline3\r\n", /* 37 */
	"X: 3\n\nno newline",				/* 20 */
};
static struct pop3_mailbox_msg msgs[3];
static size_t chunk = 1;
static int stream_fail_after = -1; /* -1: never; n: fail after feeding n chunks */
static int write_fail_after = -1;  /* fail the n-th write */

static int test_stream(void *ctx, unsigned int idx, pop3_mailbox_sink_fn *sink, void *sink_ctx,
		       const char **error_r)
{
	const char *m = bodies[idx];
	size_t len = strlen(m);
	int fed = 0;

	(void)ctx;
	for (size_t pos = 0; pos < len; pos += chunk) {
		size_t n = len - pos < chunk ? len - pos : chunk;
		if (fed == stream_fail_after) {
			*error_r = "read failed";
			return -1;
		}
		fed++;
		if (sink(sink_ctx, m + pos, n) != 0)
			break;
	}
	if (fed == stream_fail_after && fed == 0) {
		*error_r = "open failed";
		return -1;
	}
	return 0;
}

static const struct pop3_mailbox mbox = { 3, msgs, test_stream, NULL };

static int write_buf(void *ctx, const void *data, size_t len)
{
	if (write_fail_after == 0)
		return -1;
	if (write_fail_after > 0)
		write_fail_after--;
	buf_append(ctx, data, len);
	return 0;
}

static void setup(void)
{
	msgs[0].size = 29;
	msgs[0].uidl = "UID1-100";
	msgs[1].size = 37;
	msgs[1].uidl = "UID2-100";
	msgs[2].size = 20;
	msgs[2].uidl = "UID3-100";
	for (int i = 0; i < 3; i++)
		ck_assert_uint_eq(pop3_output_size(bodies[i], strlen(bodies[i])), msgs[i].size);
	chunk = 1;
	stream_fail_after = -1;
	write_fail_after = -1;
}

/* Run input through parser + session; returns the last action. */
static enum pop3_session_action run(struct pop3_session *s, const char *input, struct buf *out)
{
	struct pop3_parser *p = pop3_parser_new(0);
	size_t len = strlen(input), pos = 0;
	enum pop3_session_action a = POP3_SESSION_NONE;

	while (pos < len && a == POP3_SESSION_NONE) {
		struct pop3_command cmd;
		size_t used;
		enum pop3_parser_result r = pop3_parser_feed(p, input + pos, len - pos, &used, &cmd);

		pos += used;
		pop3_session_count_received(s, used);
		if (r == POP3_PARSER_COMMAND)
			a = pop3_session_command(s, &cmd);
		else if (r != POP3_PARSER_NEED_MORE)
			a = pop3_session_parse_error(s, r);
	}
	(void)out;
	pop3_parser_free(&p);
	return a;
}

#define STD53 "+OK POP3 clients that break here, they violate STD53.\r\n"
#define CAPA                                                                                      \
	"+OK Here's what I can do:\r\nTOP\r\nLOGIN-DELAY 10\r\nPIPELINING\r\nUIDL\r\n"            \
	"RESP-CODES\r\nAUTH-RESP-CODE\r\nUTF8 USER\r\nIMPLEMENTATION Hato\r\n.\r\n"
#define BADNUM "-ERR Invalid message number.\r\n"

static const struct {
	const char *in;
	const char *out;
} rows[] = {
	{ "STAT\r\n", "+OK 3 86\r\n" },
	{ "stat\n", "+OK 3 86\r\n" },
	{ "LIST\r\n", STD53 "1 29\r\n2 37\r\n3 20\r\n.\r\n" },
	{ "LIST 2\r\n", "+OK 2 37\r\n" },
	{ "LIST 4\r\nLIST 0\r\nLIST -1\r\nLIST x\r\nLIST 1x\r\nLIST 99999999999\r\n",
	  BADNUM BADNUM BADNUM BADNUM BADNUM BADNUM },
	{ "RETR 1\r\n", "+OK 29 octets follow.\r\nSubject: one\r\n\r\nbody1\r\n..dot\r\n.\r\n" },
	{ "RETR 2\r\n", "+OK 37 octets follow.\r\nSubject: two\r\n\r\nline1\r\nline2\r\nline3\r\n"
			".\r\n" },
	{ "RETR 3\r\n", "+OK 20 octets follow.\r\nX: 3\r\n\r\nno newline\r\n.\r\n" },
	{ "RETR\r\nRETR 4\r\n", BADNUM BADNUM },
	{ "TOP 2 1\r\n", "+OK headers follow.\r\nSubject: two\r\n\r\nline1\r\n.\r\n" },
	{ "TOP 1 0\r\n", "+OK headers follow.\r\nSubject: one\r\n\r\n.\r\n" },
	{ "TOP 1 100\r\n", "+OK headers follow.\r\nSubject: one\r\n\r\nbody1\r\n..dot\r\n.\r\n" },
	{ "TOP 2\r\nTOP 2 x\r\nTOP 9 1\r\n",
	  "-ERR Invalid command.\r\n-ERR Invalid command.\r\n" BADNUM },
	{ "DELE 1\r\nSTAT\r\nLIST 1\r\nRETR 1\r\nTOP 1 1\r\nDELE 1\r\nLIST\r\nUIDL\r\nRSET\r\nSTAT\r\n",
	  "+OK Deleted.\r\n+OK 2 57\r\n" BADNUM BADNUM BADNUM BADNUM STD53 "2 37\r\n3 20\r\n.\r\n"
	  "+OK\r\n2 UID2-100\r\n3 UID3-100\r\n.\r\n+OK Resurrected.\r\n+OK 3 86\r\n" },
	{ "UIDL\r\n", "+OK\r\n1 UID1-100\r\n2 UID2-100\r\n3 UID3-100\r\n.\r\n" },
	{ "UIDL 3\r\nUIDL 0\r\n", "+OK 3 UID3-100\r\n" BADNUM },
	{ "NOOP\r\nRSET\r\n", "+OK Yup.\r\n+OK Resurrected.\r\n" },
	{ "CAPA\r\n", CAPA },
	{ "UTF8\r\n", "+OK UTF8 enabled\r\n" },
	{ "USER bob\r\nPASS x\r\nSTLS\r\nAUTH PLAIN\r\n\r\nFOO\r\n",
	  "-ERR Invalid command.\r\n-ERR Invalid command.\r\n-ERR Invalid command.\r\n"
	  "-ERR Invalid command.\r\n-ERR Invalid command.\r\n-ERR Invalid command.\r\n" },
	/* Pipelined commands are all answered, in order. */
	{ "STAT\r\nLIST 1\r\nUIDL 1\r\nNOOP\r\n", "+OK 3 86\r\n+OK 1 29\r\n+OK 1 UID1-100\r\n+OK Yup.\r\n" },
};

START_TEST(test_rows)
{
	static const size_t chunks[] = { 1, 2, 3, 7, 4096 };

	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		struct buf out = BUF_INIT;
		struct pop3_session *s = pop3_session_new(&mbox, write_buf, &out);
		struct pop3_session_counters cnt;

		chunk = chunks[c];
		ck_assert_int_eq(run(s, rows[_i].in, &out), POP3_SESSION_NONE);
		ck_assert_msg(strcmp(buf_cstr(&out), rows[_i].out) == 0, "row %d chunk %zu: [%s]", _i,
			      chunk, buf_cstr(&out));
		pop3_session_get_counters(s, &cnt);
		ck_assert_uint_eq(cnt.sent, out.len);
		ck_assert_uint_eq(cnt.rcvd, strlen(rows[_i].in));
		pop3_session_free(&s);
		buf_free(&out);
	}
}
END_TEST

START_TEST(test_begin_and_counters)
{
	struct buf out = BUF_INIT;
	struct pop3_session *s = pop3_session_new(&mbox, write_buf, &out);
	struct pop3_session_counters cnt;

	ck_assert_int_eq(pop3_session_begin(s), POP3_SESSION_NONE);
	ck_assert_str_eq(buf_cstr(&out), "+OK logged in.\r\n");
	run(s, "RETR 1\r\nTOP 2 1\r\nRETR 3\r\n", &out);
	pop3_session_get_counters(s, &cnt);
	ck_assert_uint_eq(cnt.retr, 29 + 20);
	ck_assert_uint_eq(cnt.top, strlen("Subject: two\r\n\r\nline1\r\n"));
	ck_assert_uint_eq(cnt.sent, out.len);
	ck_assert_uint_eq(cnt.rcvd, 25);
	pop3_session_free(&s);
	buf_free(&out);
}
END_TEST

START_TEST(test_quit_deletes_only_in_update)
{
	struct buf out = BUF_INIT;
	struct pop3_session *s = pop3_session_new(&mbox, write_buf, &out);
	const unsigned int *idx;

	ck_assert_int_eq(run(s, "DELE 1\r\nDELE 3\r\n", &out), POP3_SESSION_NONE);
	/* No deletions are reported before QUIT. */
	ck_assert_uint_eq(pop3_session_deletions(s, &idx), 0);
	ck_assert_int_eq(run(s, "QUIT\r\nSTAT\r\n", &out), POP3_SESSION_QUIT);
	ck_assert_uint_eq(pop3_session_deletions(s, &idx), 2);
	ck_assert_uint_eq(idx[0], 0);
	ck_assert_uint_eq(idx[1], 2);
	pop3_session_quit_done(s, 0);
	ck_assert_str_eq(buf_cstr(&out), "+OK Deleted.\r\n+OK Deleted.\r\n+OK Bye-bye.\r\n");
	/* Nothing is executed after QUIT. */
	ck_assert_int_eq(run(s, "STAT\r\n", &out), POP3_SESSION_DISCONNECT);
	pop3_session_free(&s);
	buf_free(&out);
}
END_TEST

START_TEST(test_quit_after_rset_and_failed_unlink)
{
	struct buf out = BUF_INIT;
	struct pop3_session *s = pop3_session_new(&mbox, write_buf, &out);
	const unsigned int *idx;

	ck_assert_int_eq(run(s, "DELE 2\r\nRSET\r\nDELE 1\r\nQUIT\r\n", &out), POP3_SESSION_QUIT);
	ck_assert_uint_eq(pop3_session_deletions(s, &idx), 1);
	ck_assert_uint_eq(idx[0], 0);
	pop3_session_quit_done(s, 1);
	ck_assert_str_eq(buf_cstr(&out), "+OK Deleted.\r\n+OK Resurrected.\r\n+OK Deleted.\r\n"
					 "-ERR Some deleted messages were not removed.\r\n");
	pop3_session_free(&s);
	buf_free(&out);
}
END_TEST

START_TEST(test_unreadable_message)
{
	struct buf out = BUF_INIT;
	struct pop3_session *s = pop3_session_new(&mbox, write_buf, &out);

	stream_fail_after = 0;
	ck_assert_int_eq(run(s, "RETR 1\r\nNOOP\r\n", &out), POP3_SESSION_NONE);
	ck_assert_str_eq(buf_cstr(&out), "-ERR Can't open the message file - it's gone!\r\n+OK Yup.\r\n");
	buf_reset(&out);
	/* Failing half way cannot be reported in-band: disconnect, no terminator. */
	stream_fail_after = 3;
	chunk = 4;
	ck_assert_int_eq(run(s, "RETR 1\r\n", &out), POP3_SESSION_DISCONNECT);
	/* The partial message is never flushed. */
	ck_assert_str_eq(buf_cstr(&out), "+OK 29 octets follow.\r\n");
	pop3_session_free(&s);
	buf_free(&out);
}
END_TEST

START_TEST(test_write_failure_disconnects)
{
	struct buf out = BUF_INIT;
	struct pop3_session *s = pop3_session_new(&mbox, write_buf, &out);

	write_fail_after = 1;
	ck_assert_int_eq(run(s, "NOOP\r\nNOOP\r\nNOOP\r\n", &out), POP3_SESSION_DISCONNECT);
	ck_assert_str_eq(buf_cstr(&out), "+OK Yup.\r\n");
	pop3_session_free(&s);
	buf_free(&out);
}
END_TEST

START_TEST(test_bad_command_flood)
{
	struct buf out = BUF_INIT, in = BUF_INIT, want = BUF_INIT;
	struct pop3_session *s = pop3_session_new(&mbox, write_buf, &out);

	for (int i = 0; i < POP3_SESSION_MAX_BAD_COMMANDS + 5; i++)
		buf_puts(&in, "XYZZY\r\n");
	for (int i = 0; i < POP3_SESSION_MAX_BAD_COMMANDS; i++)
		buf_puts(&want, "-ERR Invalid command.\r\n");
	buf_puts(&want, "-ERR Too many invalid commands.\r\n");
	ck_assert_int_eq(run(s, buf_cstr(&in), &out), POP3_SESSION_DISCONNECT);
	ck_assert_str_eq(buf_cstr(&out), buf_cstr(&want));
	pop3_session_free(&s);
	buf_free(&out);
	buf_free(&in);
	buf_free(&want);
}
END_TEST

START_TEST(test_line_too_long)
{
	struct buf out = BUF_INIT, in = BUF_INIT;
	struct pop3_session *s = pop3_session_new(&mbox, write_buf, &out);

	for (int i = 0; i < 600; i++)
		buf_putc(&in, 'D');
	/* The tail "DELE 1" of the long line must not run. */
	buf_puts(&in, " DELE 1\r\nSTAT\r\n");
	ck_assert_int_eq(run(s, buf_cstr(&in), &out), POP3_SESSION_NONE);
	ck_assert_str_eq(buf_cstr(&out), "-ERR Line too long\r\n+OK 3 86\r\n");
	pop3_session_free(&s);
	buf_free(&out);
	buf_free(&in);
}
END_TEST

START_TEST(test_empty_mailbox)
{
	static const struct pop3_mailbox empty = { 0, NULL, test_stream, NULL };
	struct buf out = BUF_INIT;
	struct pop3_session *s = pop3_session_new(&empty, write_buf, &out);
	const unsigned int *idx;

	ck_assert_int_eq(run(s, "STAT\r\nLIST\r\nUIDL\r\nRETR 1\r\nQUIT\r\n", &out), POP3_SESSION_QUIT);
	ck_assert_uint_eq(pop3_session_deletions(s, &idx), 0);
	ck_assert_str_eq(buf_cstr(&out), "+OK 0 0\r\n" STD53 ".\r\n+OK\r\n.\r\n" BADNUM);
	pop3_session_free(&s);
	buf_free(&out);
}
END_TEST

static Suite *pop3_session_suite(void)
{
	Suite *s = suite_create("pop3-session");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_rows, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, test_begin_and_counters);
	tcase_add_test(tc, test_quit_deletes_only_in_update);
	tcase_add_test(tc, test_quit_after_rset_and_failed_unlink);
	tcase_add_test(tc, test_unreadable_message);
	tcase_add_test(tc, test_write_failure_disconnects);
	tcase_add_test(tc, test_bad_command_flood);
	tcase_add_test(tc, test_line_too_long);
	tcase_add_test(tc, test_empty_mailbox);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pop3_session_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
