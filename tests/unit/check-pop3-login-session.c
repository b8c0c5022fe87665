/* Unit tests for pop3d/pop3-login-session.c: the pre-auth state machine driven by a fake
 * authenticating parent; exact wire bytes with the actions marked in braces. */
#include "config.h"
#include "pop3-login-session.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define RFC1939_TS "<1896.697170952@dbc.mtview.ca.us>"
#define RFC1939_DIGEST "c4c9334bac560ecc979e58001b3e22fb" /* RFC 1939 §7, secret "tanstaaf" */
#define PLAIN_BOB "AGJvYgBzZWNyZXQ=" /* base64("\0bob\0secret") */

static const struct pop3_login_settings settings[] = {
	/* 0: port 110 with STLS, CRAM-MD5 before TLS, PLAIN/LOGIN only after. */
	{ .tls_available = 1, .auth_mechs = "CRAM-MD5", .auth_mechs_tls = "PLAIN LOGIN CRAM-MD5",
	  .allow_user = 1, .delay = { 100, 250 } },
	/* 1: the same with POP3_TLS_REQUIRED. */
	{ .tls_available = 1, .tls_required = 1, .auth_mechs = "CRAM-MD5",
	  .auth_mechs_tls = "PLAIN LOGIN", .allow_user = 1, .delay = { 100, 250 } },
	/* 2: APOP enabled, PLAIN before TLS, no STLS. */
	{ .auth_mechs = "PLAIN", .allow_user = 1, .apop_timestamp = RFC1939_TS,
	  .max_failures = 2, .delay = { 100, 250 } },
	/* 3: implicit TLS (995), no USER. */
	{ .tls_active = 1, .auth_mechs = "CRAM-MD5", .auth_mechs_tls = "PLAIN", .allow_user = 0,
	  .delay = { 100, 250 } },
};

static enum pop3_login_result fake_userpass(const char *user, const char *pass, int tls,
					    const char **refusal_r)
{
	if (strcmp(pass, "secret") != 0)
		return POP3_LOGIN_FAILED;
	if (strcmp(user, "bob") == 0)
		return POP3_LOGIN_OK;
	if (strcmp(user, "temp") == 0)
		return POP3_LOGIN_TEMPFAIL;
	if (strcmp(user, "off") == 0)
		*refusal_r = pop3_login_account_refusal("disablepop3=1", tls);
	else if (strcmp(user, "insecure") == 0)
		*refusal_r = pop3_login_account_refusal("disableinsecurepop3=1", tls);
	else
		return POP3_LOGIN_FAILED;
	return *refusal_r != NULL ? POP3_LOGIN_REFUSED : POP3_LOGIN_OK;
}

/* Drive the session over packets (each one read() worth of bytes); append wire bytes and
 * {action} markers to out. */
static void run(int set, const char *const *packets, struct buf *out)
{
	struct pop3_login_session *s = pop3_login_session_new(&settings[set]);
	struct pop3_parser *p = pop3_parser_new(0);

	pop3_login_session_greeting(s, out);
	for (; *packets != NULL; packets++) {
		const char *in = *packets;
		size_t len = strlen(in), pos = 0;

		while (pos < len) {
			struct pop3_command cmd;
			struct pop3_login_action act;
			enum pop3_login_result res = POP3_LOGIN_FAILED;
			const char *refusal = NULL, *pending;
			size_t used;
			enum pop3_parser_result r = pop3_parser_feed(p, in + pos, len - pos, &used, &cmd);
			enum pop3_login_action_kind k;

			pos += used;
			if (r == POP3_PARSER_NEED_MORE)
				continue;
			if (r == POP3_PARSER_COMMAND)
				k = pop3_login_session_command(s, &cmd, out, &act);
			else
				k = pop3_login_session_parse_error(s, r, out, &act);
		again:
			switch (k) {
			case POP3_LOGIN_NONE:
				continue;
			case POP3_LOGIN_QUIT:
				buf_puts(out, "{QUIT}");
				goto done;
			case POP3_LOGIN_DISCONNECT:
				buf_puts(out, "{DISCONNECT}");
				goto done;
			case POP3_LOGIN_START_TLS:
				buf_puts(out, "{TLS}");
				pop3_parser_discard(p);
				pos = len; /* the rest of this packet arrived before the handshake */
				pop3_login_session_tls_started(s);
				continue;
			case POP3_LOGIN_AUTH_CANCEL:
				buf_puts(out, "{CANCEL}");
				continue;
			case POP3_LOGIN_USERPASS:
				buf_printf(out, "{USER %s %s}", act.user, act.pass);
				res = fake_userpass(act.user, act.pass,
						    pop3_login_session_tls_active(s), &refusal);
				break;
			case POP3_LOGIN_APOP:
				buf_printf(out, "{APOP %s %s}", act.user, act.pass);
				if (strcmp(act.user, "mrose") == 0 &&
				    strcmp(act.pass, RFC1939_DIGEST) == 0)
					res = POP3_LOGIN_OK;
				break;
			case POP3_LOGIN_AUTH_START:
			case POP3_LOGIN_AUTH_CONTINUE:
				buf_printf(out, "{%s %s %s}", k == POP3_LOGIN_AUTH_START ? "AUTH" : "CONT",
					   act.mech != NULL ? act.mech : "-",
					   act.data != NULL ? act.data : "(none)");
				if (act.data == NULL) {
					pop3_login_session_auth_challenge(s, "", out);
					continue;
				}
				if (strcmp(act.data, PLAIN_BOB) == 0)
					res = POP3_LOGIN_OK;
				break;
			}
			{
				/* The delay comes before the reply is sent. */
				struct buf reply = BUF_INIT;

				k = pop3_login_session_auth_result(s, res, refusal, &reply, &act);
				if (pop3_login_session_delay_ms(s) != 0)
					buf_printf(out, "{delay %u}", pop3_login_session_delay_ms(s));
				buf_append(out, reply.data, reply.len);
				buf_free(&reply);
			}
			if (pop3_login_session_logged_in(s)) {
				/* Everything not consumed goes to pop3d. */
				buf_printf(out, "{OK utf8=%d rest=", pop3_login_session_utf8(s));
				pop3_parser_pending(p, &pending);
				buf_append(out, pending, pop3_parser_pending(p, NULL));
				buf_append(out, in + pos, len - pos);
				while (*++packets != NULL)
					buf_puts(out, *packets);
				buf_puts(out, "}");
				goto done;
			}
			goto again;
		}
	}
done:
	pop3_parser_free(&p);
	pop3_login_session_free(&s);
}

#define HELLO "+OK Hello there.\r\n"
#define CAPA_TAIL                                                                                 \
	"LOGIN-DELAY 10\r\nPIPELINING\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nUTF8 USER\r\n"   \
	"IMPLEMENTATION Hato\r\n.\r\n"
#define CAPA_HEAD "+OK Here's what I can do:\r\n"
#define FAILED "-ERR [AUTH] Login failed.\r\n"

static const struct {
	int set;
	const char *packets[4];
	const char *out;
} rows[] = {
	/* CAPA before and after STLS: PLAIN/LOGIN only after, STLS only before. */
	{ 0, { "CAPA\r\nSTLS\r\n", "CAPA\r\n", NULL },
	  HELLO CAPA_HEAD "SASL CRAM-MD5\r\nSTLS\r\nTOP\r\nUSER\r\n" CAPA_TAIL
	  "+OK Begin SSL/TLS negotiation now.\r\n{TLS}"
	  CAPA_HEAD "SASL PLAIN LOGIN CRAM-MD5\r\nTOP\r\nUSER\r\n" CAPA_TAIL },
	/* CVE-2011-0411 class: a command smuggled behind STLS in the same packet is dropped. */
	{ 0, { "STLS\r\nCAPA\r\nUSER bob\r\n", "NOOP\r\n", NULL },
	  HELLO "+OK Begin SSL/TLS negotiation now.\r\n{TLS}-ERR Invalid command.\r\n" },
	/* ... also a half line. */
	{ 0, { "STLS\r\nUSER b", "ob\r\nQUIT\r\n", NULL },
	  HELLO "+OK Begin SSL/TLS negotiation now.\r\n{TLS}-ERR Invalid command.\r\n"
	  "+OK Better luck next time.\r\n{QUIT}" },
	{ 0, { "STLS\r\n", "STLS\r\n", NULL },
	  HELLO "+OK Begin SSL/TLS negotiation now.\r\n{TLS}-ERR TLS support not available.\r\n" },
	/* USER state does not survive STLS (RFC 2595 §4). */
	{ 0, { "USER bob\r\nSTLS\r\n", "PASS secret\r\n", NULL },
	  HELLO "+OK Password required.\r\n+OK Begin SSL/TLS negotiation now.\r\n{TLS}"
	  "-ERR USER/PASS required.\r\n" },
	/* Commands pipelined behind PASS reach pop3d untouched. */
	{ 0, { "USER bob\r\nPASS secret\r\nSTAT\r\nLIST\r\n", "QUIT\r\n", NULL },
	  HELLO "+OK Password required.\r\n{USER bob secret}{OK utf8=0 rest=STAT\r\nLIST\r\nQUIT\r\n}" },
	{ 0, { "user bob\nUTF8\npass secret\nST", NULL },
	  HELLO "+OK Password required.\r\n+OK UTF8 enabled\r\n{USER bob secret}{OK utf8=1 rest=ST}" },
	/* Passwords keep their spaces. */
	{ 0, { "USER bob\r\nPASS  sec ret\r\n", NULL },
	  HELLO "+OK Password required.\r\n{USER bob  sec ret}{delay 100}" FAILED },
	/* Failures: growing delay, USER needed again, refusal after max_failures (3). */
	{ 0, { "USER bob\r\nPASS x\r\nPASS secret\r\nUSER bob\r\nPASS y\r\nUSER bob\r\nPASS z\r\nNOOP\r\n", NULL },
	  HELLO "+OK Password required.\r\n{USER bob x}{delay 100}" FAILED
	  "-ERR USER/PASS required.\r\n+OK Password required.\r\n{USER bob y}{delay 200}" FAILED
	  "+OK Password required.\r\n{USER bob z}{delay 250}-ERR [AUTH] Too many failures.\r\n"
	  "{DISCONNECT}" },
	{ 0, { "USER temp\r\nPASS secret\r\nNOOP\r\n", NULL },
	  HELLO "+OK Password required.\r\n{USER temp secret}"
	  "-ERR [SYS/TEMP] Temporary problem, please try again later\r\n{DISCONNECT}" },
	{ 0, { "USER off\r\nPASS secret\r\n", NULL },
	  HELLO "+OK Password required.\r\n{USER off secret}"
	  "-ERR POP3 access disabled for this account.\r\n{DISCONNECT}" },
	{ 0, { "USER insecure\r\nPASS secret\r\n", NULL },
	  HELLO "+OK Password required.\r\n{USER insecure secret}"
	  "-ERR POP3 access disabled via insecure connection.\r\n{DISCONNECT}" },
	{ 0, { "STLS\r\n", "USER insecure\r\nPASS secret\r\n", NULL },
	  HELLO "+OK Begin SSL/TLS negotiation now.\r\n{TLS}+OK Password required.\r\n"
	  "{USER insecure secret}{OK utf8=0 rest=}" },
	/* Unlike Courier: PLAIN is refused before TLS when only POP3AUTH_TLS lists it. */
	{ 0, { "AUTH PLAIN " PLAIN_BOB "\r\nAUTH plain\r\n", NULL },
	  HELLO "-ERR [AUTH] Unsupported authentication mechanism.\r\n"
	  "-ERR [AUTH] Unsupported authentication mechanism.\r\n" },
	{ 0, { "STLS\r\n", "AUTH plain " PLAIN_BOB "\r\nSTAT\r\n", NULL },
	  HELLO "+OK Begin SSL/TLS negotiation now.\r\n{TLS}{AUTH PLAIN " PLAIN_BOB "}"
	  "{OK utf8=0 rest=STAT\r\n}" },
	/* RFC 5034 continuation, "*" cancels, "=" is an empty initial response. */
	{ 0, { "STLS\r\n", "AUTH PLAIN\r\n*\r\nAUTH PLAIN\r\n" PLAIN_BOB "\r\nLIST\r\n", NULL },
	  HELLO "+OK Begin SSL/TLS negotiation now.\r\n{TLS}{AUTH PLAIN (none)}+ \r\n"
	  "-ERR [AUTH] Authentication canceled.\r\n{CANCEL}{AUTH PLAIN (none)}+ \r\n"
	  "{CONT - " PLAIN_BOB "}{OK utf8=0 rest=LIST\r\n}" },
	{ 0, { "STLS\r\n", "AUTH LOGIN =\r\nAUTH\r\n", NULL },
	  HELLO "+OK Begin SSL/TLS negotiation now.\r\n{TLS}{AUTH LOGIN }{delay 100}" FAILED
	  "+OK\r\nPLAIN\r\nLOGIN\r\nCRAM-MD5\r\n.\r\n" },
	{ 0, { "AUTH\r\nAUTH CRAM-MD5\r\nbad\r\n", NULL },
	  HELLO "+OK\r\nCRAM-MD5\r\n.\r\n{AUTH CRAM-MD5 (none)}+ \r\n{CONT - bad}{delay 100}" FAILED },
	/* POP3_TLS_REQUIRED: no login of any kind before TLS, and CAPA says so. */
	{ 1, { "CAPA\r\nUSER bob\r\nPASS secret\r\nAUTH CRAM-MD5\r\nAUTH\r\n", NULL },
	  HELLO CAPA_HEAD "STLS\r\nTOP\r\n" CAPA_TAIL "-ERR [AUTH] TLS required to log in.\r\n"
	  "-ERR [AUTH] TLS required to log in.\r\n-ERR [AUTH] TLS required to log in.\r\n"
	  "+OK\r\n.\r\n" },
	{ 1, { "STLS\r\n", "CAPA\r\nUSER bob\r\nPASS secret\r\n", NULL },
	  HELLO "+OK Begin SSL/TLS negotiation now.\r\n{TLS}" CAPA_HEAD
	  "SASL PLAIN LOGIN\r\nTOP\r\nUSER\r\n" CAPA_TAIL
	  "+OK Password required.\r\n{USER bob secret}{OK utf8=0 rest=}" },
	/* APOP: timestamp in the greeting only when enabled; RFC 1939 §7 example digest. */
	{ 2, { "APOP mrose " RFC1939_DIGEST "\r\nSTAT\r\n", NULL },
	  "+OK Hello there. " RFC1939_TS "\r\n{APOP mrose " RFC1939_DIGEST "}{OK utf8=0 rest=STAT\r\n}" },
	{ 2, { "APOP mrose C4C9334BAC560ECC979E58001B3E22FB\r\n", NULL },
	  "+OK Hello there. " RFC1939_TS "\r\n{APOP mrose " RFC1939_DIGEST "}{OK utf8=0 rest=}" },
	{ 2, { "APOP mrose c4c9334bac560ecc979e58001b3e22fc\r\nAPOP mrose xyz\r\nAPOP mrose\r\n"
	       "APOP mrose " RFC1939_DIGEST "\r\n", NULL },
	  "+OK Hello there. " RFC1939_TS "\r\n{APOP mrose c4c9334bac560ecc979e58001b3e22fc}"
	  "{delay 100}" FAILED "-ERR Invalid command.\r\n-ERR Invalid command.\r\n"
	  "{APOP mrose " RFC1939_DIGEST "}{OK utf8=0 rest=}" },
	{ 2, { "CAPA\r\nSTLS\r\n", NULL },
	  "+OK Hello there. " RFC1939_TS "\r\n" CAPA_HEAD "SASL PLAIN\r\nTOP\r\nUSER\r\n" CAPA_TAIL
	  "-ERR TLS support not available.\r\n" },
	/* max_failures 2 */
	{ 2, { "AUTH PLAIN x\r\nAUTH PLAIN y\r\n", NULL },
	  "+OK Hello there. " RFC1939_TS "\r\n{AUTH PLAIN x}{delay 100}" FAILED
	  "{AUTH PLAIN y}{delay 200}-ERR [AUTH] Too many failures.\r\n{DISCONNECT}" },
	{ 0, { "APOP mrose " RFC1939_DIGEST "\r\n", NULL }, HELLO "-ERR Invalid command.\r\n" },
	/* Implicit TLS: TLS mechanisms from the start, no STLS, no USER. */
	{ 3, { "CAPA\r\nUSER bob\r\nPASS secret\r\n", NULL },
	  HELLO CAPA_HEAD "SASL PLAIN\r\nTOP\r\n" CAPA_TAIL
	  "-ERR [AUTH] USER/PASS login is disabled.\r\n-ERR USER/PASS required.\r\n" },
	{ 0, { "QUIT\r\nUSER bob\r\n", NULL }, HELLO "+OK Better luck next time.\r\n{QUIT}" },
	{ 0, { "LANG\r\n\r\nUSER\r\n", NULL },
	  HELLO "-ERR Invalid command.\r\n-ERR Invalid command.\r\n-ERR Invalid command.\r\n" },
};

START_TEST(test_rows)
{
	struct buf out = BUF_INIT;

	run(rows[_i].set, rows[_i].packets, &out);
	ck_assert_msg(strcmp(buf_cstr(&out), rows[_i].out) == 0, "row %d:\n got [%s]\nwant [%s]", _i,
		      buf_cstr(&out), rows[_i].out);
	buf_free(&out);
}
END_TEST

START_TEST(test_long_line_during_sasl_cancels)
{
	struct buf out = BUF_INIT, in = BUF_INIT;
	const char *packets[3] = { "STLS\r\n", NULL, NULL };

	buf_puts(&in, "AUTH PLAIN\r\n");
	for (int i = 0; i < 700; i++)
		buf_putc(&in, 'A');
	buf_puts(&in, "\r\nNOOP\r\n");
	packets[1] = buf_cstr(&in);
	run(0, packets, &out);
	ck_assert_str_eq(buf_cstr(&out), HELLO "+OK Begin SSL/TLS negotiation now.\r\n{TLS}"
					 "{AUTH PLAIN (none)}+ \r\n-ERR Line too long\r\n{CANCEL}"
					 "-ERR Invalid command.\r\n");
	buf_free(&out);
	buf_free(&in);
}
END_TEST

START_TEST(test_bad_command_flood)
{
	struct buf out = BUF_INIT, in = BUF_INIT, want = BUF_INIT;
	const char *packets[2] = { NULL, NULL };

	for (int i = 0; i < 50; i++)
		buf_puts(&in, "HELO\r\n");
	packets[0] = buf_cstr(&in);
	buf_puts(&want, HELLO);
	for (int i = 0; i < POP3_LOGIN_MAX_BAD_COMMANDS; i++)
		buf_puts(&want, "-ERR Invalid command.\r\n");
	buf_puts(&want, "-ERR Too many invalid commands.\r\n{DISCONNECT}");
	run(0, packets, &out);
	ck_assert_str_eq(buf_cstr(&out), buf_cstr(&want));
	buf_free(&out);
	buf_free(&in);
	buf_free(&want);
}
END_TEST

START_TEST(test_input_while_waiting_fails_closed)
{
	struct pop3_login_session *s = pop3_login_session_new(&settings[0]);
	struct pop3_parser *p = pop3_parser_new(0);
	struct pop3_command cmd;
	struct pop3_login_action act;
	struct buf out = BUF_INIT;
	size_t used;

	pop3_parser_feed(p, "USER bob\r\n", 10, &used, &cmd);
	ck_assert_int_eq(pop3_login_session_command(s, &cmd, &out, &act), POP3_LOGIN_NONE);
	pop3_parser_feed(p, "PASS secret\r\n", 13, &used, &cmd);
	ck_assert_int_eq(pop3_login_session_command(s, &cmd, &out, &act), POP3_LOGIN_USERPASS);
	ck_assert_str_eq(act.pass, "secret");
	pop3_parser_feed(p, "NOOP\r\n", 6, &used, &cmd);
	ck_assert_int_eq(pop3_login_session_command(s, &cmd, &out, &act), POP3_LOGIN_DISCONNECT);
	/* A result for a request never made is refused too. */
	ck_assert_int_eq(pop3_login_session_auth_result(s, POP3_LOGIN_OK, NULL, &out, &act),
			 POP3_LOGIN_DISCONNECT);
	ck_assert_int_eq(pop3_login_session_logged_in(s), 0);
	pop3_parser_free(&p);
	pop3_login_session_free(&s);
	buf_free(&out);
}
END_TEST

START_TEST(test_sasl_final_data_then_empty_reply)
{
	/* RFC 5034 section 4: extra data with success (SCRAM's server-final) goes out as a
	 * challenge; the client answers with an empty line; then the outcome. */
	struct pop3_login_session *s = pop3_login_session_new(&settings[3]);
	struct pop3_parser *p = pop3_parser_new(0);
	struct pop3_command cmd;
	struct pop3_login_action act;
	struct buf out = BUF_INIT;
	size_t used;

	pop3_parser_feed(p, "AUTH plain =\r\n", 14, &used, &cmd);
	ck_assert_int_eq(pop3_login_session_command(s, &cmd, &out, &act), POP3_LOGIN_AUTH_START);
	ck_assert_str_eq(act.mech, "PLAIN");
	ck_assert_str_eq(act.data, "");
	pop3_login_session_auth_challenge(s, "dj1zZXJ2ZXI=", &out);
	ck_assert_str_eq(buf_cstr(&out), "+ dj1zZXJ2ZXI=\r\n");
	pop3_parser_feed(p, "\r\n", 2, &used, &cmd);
	ck_assert_int_eq(pop3_login_session_command(s, &cmd, &out, &act), POP3_LOGIN_AUTH_CONTINUE);
	ck_assert_str_eq(act.data, "");
	ck_assert_int_eq(pop3_login_session_auth_result(s, POP3_LOGIN_OK, NULL, &out, &act),
			 POP3_LOGIN_NONE);
	ck_assert_int_eq(pop3_login_session_logged_in(s), 1);
	ck_assert_str_eq(buf_cstr(&out), "+ dj1zZXJ2ZXI=\r\n");
	pop3_parser_free(&p);
	pop3_login_session_free(&s);
	buf_free(&out);
}
END_TEST

START_TEST(test_delay_policy)
{
	const struct pop3_login_delay d = POP3_LOGIN_DELAY_DEFAULT;

	ck_assert_uint_eq(pop3_login_delay_ms(&d, 0), 0);
	ck_assert_uint_eq(pop3_login_delay_ms(&d, 1), 2000);
	ck_assert_uint_eq(pop3_login_delay_ms(&d, 2), 4000);
	ck_assert_uint_eq(pop3_login_delay_ms(&d, 3), 8000);
	ck_assert_uint_eq(pop3_login_delay_ms(&d, 4), 15000);
	ck_assert_uint_eq(pop3_login_delay_ms(&d, 4000000000u), 15000);
}
END_TEST

START_TEST(test_account_refusal)
{
	ck_assert_ptr_null(pop3_login_account_refusal(NULL, 0));
	ck_assert_ptr_null(pop3_login_account_refusal("", 0));
	ck_assert_ptr_null(pop3_login_account_refusal("disablepop3=0,disableimap=1", 0));
	ck_assert_ptr_null(pop3_login_account_refusal("disableinsecurepop3=1", 1));
	ck_assert_ptr_null(pop3_login_account_refusal("xdisablepop3=1", 0));
	ck_assert_str_eq(pop3_login_account_refusal("disableimap=1,disablepop3=1", 1),
			 "-ERR POP3 access disabled for this account.");
	ck_assert_str_eq(pop3_login_account_refusal("disableinsecurepop3=1", 0),
			 "-ERR POP3 access disabled via insecure connection.");
}
END_TEST

static Suite *pop3_login_session_suite(void)
{
	Suite *s = suite_create("pop3-login-session");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_rows, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, test_long_line_during_sasl_cancels);
	tcase_add_test(tc, test_bad_command_flood);
	tcase_add_test(tc, test_input_while_waiting_fails_closed);
	tcase_add_test(tc, test_sasl_final_data_then_empty_reply);
	tcase_add_test(tc, test_delay_policy);
	tcase_add_test(tc, test_account_refusal);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pop3_login_session_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
