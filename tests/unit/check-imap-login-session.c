/* Unit tests for imapd/imap-login-session.c and imap-login-capa.c: the pre-auth state machine
 * driven through the real IMAP parser by a fake authenticating parent; exact wire bytes with
 * the actions marked in braces. */
#include "config.h"
#include "imap-login-capa.h"
#include "imap-login-session.h"
#include "imap-parser.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define PLAIN_BOB "AGJvYgBzZWNyZXQ=" /* base64("\0bob\0secret") */
#define SEED "IMAP4rev1 UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT THREAD=REFERENCES SORT " \
	     "QUOTA AUTH=CRAM-MD5 AUTH=CRAM-SHA1 AUTH=CRAM-SHA256 IDLE"

static const struct imap_login_settings settings[] = {
	/* 0: port 143 with STARTTLS and the seed configuration (PLAIN/LOGIN only after TLS). */
	{ .tls_available = true, .capability = SEED,
	  .capability_tls = SEED " AUTH=PLAIN AUTH=LOGIN", .delay = { 100, 250 } },
	/* 1: the same with IMAP_TLS_REQUIRED. */
	{ .tls_available = true, .tls_required = true, .capability = SEED,
	  .capability_tls = SEED " AUTH=PLAIN", .delay = { 100, 250 } },
	/* 2: implicit TLS (993), unset lists, two failures allowed. */
	{ .tls_active = true, .max_failures = 2, .delay = { 100, 250 } },
	/* 3: no TLS at all, PLAIN in the clear. */
	{ .capability = "imap4rev1 AUTH=PLAIN UNSELECT unselect ACL", .delay = { 100, 250 } },
};

static enum imap_login_result fake_userpass(const char *user, const char *pass, int tls,
					    const char **refusal_r)
{
	if (strcmp(pass, "secret") != 0)
		return IMAP_LOGIN_FAILED;
	if (strcmp(user, "bob") == 0)
		return IMAP_LOGIN_OK;
	if (strcmp(user, "temp") == 0)
		return IMAP_LOGIN_TEMPFAIL;
	if (strcmp(user, "off") == 0)
		*refusal_r = imap_login_account_refusal("disableimap=1", tls);
	else if (strcmp(user, "insecure") == 0)
		*refusal_r = imap_login_account_refusal("disableinsecureimap=1", tls);
	else
		return IMAP_LOGIN_FAILED;
	return *refusal_r != NULL ? IMAP_LOGIN_REFUSED : IMAP_LOGIN_OK;
}

/* Handle one action with the fake parent; returns 1 when the session goes on. */
static int parent(struct imap_login_session *s, enum imap_login_action_kind k,
		  struct imap_login_action *act, struct buf *out)
{
	for (;;) {
		enum imap_login_result res = IMAP_LOGIN_FAILED;
		const char *refusal = NULL;
		struct buf reply = BUF_INIT;

		switch (k) {
		case IMAP_LOGIN_NONE:
			return 1;
		case IMAP_LOGIN_LOGOUT:
			buf_puts(out, "{LOGOUT}");
			return 0;
		case IMAP_LOGIN_DISCONNECT:
			buf_puts(out, "{DISCONNECT}");
			return 0;
		case IMAP_LOGIN_START_TLS:
			buf_puts(out, "{TLS}");
			imap_login_session_tls_started(s);
			return 1;
		case IMAP_LOGIN_AUTH_CANCEL:
			buf_puts(out, "{CANCEL}");
			return 1;
		case IMAP_LOGIN_LOGIN:
			buf_printf(out, "{LOGIN %s %s}", act->user, act->pass);
			res = fake_userpass(act->user, act->pass, imap_login_session_tls_active(s),
					    &refusal);
			break;
		case IMAP_LOGIN_AUTH_START:
		case IMAP_LOGIN_AUTH_CONTINUE:
			buf_printf(out, "{%s %s %s}", k == IMAP_LOGIN_AUTH_START ? "AUTH" : "CONT",
				   act->mech != NULL ? act->mech : "-",
				   act->data != NULL ? act->data : "(none)");
			if (act->data == NULL) {
				imap_login_session_auth_challenge(s, "", out);
				return 1;
			}
			if (strcmp(act->data, PLAIN_BOB) == 0)
				res = IMAP_LOGIN_OK;
			break;
		}
		k = imap_login_session_auth_result(s, res, refusal, &reply, act);
		if (imap_login_session_delay_ms(s) != 0)
			buf_printf(out, "{delay %u}", imap_login_session_delay_ms(s));
		buf_puts(out, buf_cstr(&reply));
		buf_free(&reply);
		if (imap_login_session_logged_in(s))
			return 0;
	}
}

/* Drive the session over packets as imap-login-main.c does; after a login append
 * {OK rest=...} with every byte not consumed (what imapd gets). */
static void run(int set, const char *const *packets, struct buf *out)
{
	struct imap_login_session *s = imap_login_session_new(&settings[set]);
	struct imap_parser *p = imap_parser_new(NULL);

	imap_login_session_greeting(s, out);
	for (; *packets != NULL; packets++) {
		const char *in = *packets;
		size_t len = strlen(in), pos = 0;

		while (pos < len) {
			struct imap_login_action act;
			enum imap_login_action_kind k;

			if (imap_login_session_wants_line(s)) {
				const char *lf = memchr(in + pos, '\n', len - pos);
				size_t l = (size_t)(lf - (in + pos));

				ck_assert_ptr_nonnull(lf);
				k = imap_login_session_sasl_line(s, in + pos,
								 l > 0 && lf[-1] == '\r' ? l - 1 : l,
								 false, out, &act);
				pos += l + 1;
			} else {
				size_t used;
				enum imap_parse_result r = imap_parser_feed(p, in + pos, len - pos, &used);

				pos += used;
				if (r == IMAP_PARSE_NEED_MORE)
					continue;
				if (r == IMAP_PARSE_CONTINUE) {
					imap_login_session_literal_continue(out);
					continue;
				}
				k = r == IMAP_PARSE_OK
					    ? imap_login_session_command(s, imap_parser_command(p), out,
									 &act)
					    : imap_login_session_parse_error(s, imap_parser_error(p),
									     out, &act);
			}
			if (!parent(s, k, &act, out)) {
				if (imap_login_session_logged_in(s)) {
					buf_puts(out, "{OK rest=");
					buf_append(out, in + pos, len - pos);
					while (*++packets != NULL)
						buf_puts(out, *packets);
					buf_puts(out, "}");
				}
				goto done;
			}
			if (k == IMAP_LOGIN_START_TLS) {
				/* The rest of this packet arrived before the handshake. */
				imap_parser_free(&p);
				p = imap_parser_new(NULL);
				pos = len;
			}
		}
	}
done:
	imap_parser_free(&p);
	imap_login_session_free(&s);
}

#define CAPA0                                                                                  \
	"IMAP4rev1 UIDPLUS CHILDREN NAMESPACE AUTH=CRAM-MD5 AUTH=CRAM-SHA1 AUTH=CRAM-SHA256 IDLE " \
	"SASL-IR LITERAL+ ID ENABLE"
#define CAPA0_TLS                                                                              \
	"IMAP4rev1 UIDPLUS CHILDREN NAMESPACE AUTH=CRAM-MD5 AUTH=CRAM-SHA1 AUTH=CRAM-SHA256 IDLE " \
	"AUTH=PLAIN AUTH=LOGIN SASL-IR LITERAL+ ID ENABLE"
#define HELLO0 "* OK [CAPABILITY " CAPA0 " STARTTLS] Hato IMAP ready.\r\n"
#define HELLO1                                                                              \
	"* OK [CAPABILITY IMAP4rev1 UIDPLUS CHILDREN NAMESPACE IDLE SASL-IR LITERAL+ ID ENABLE " \
	"STARTTLS LOGINDISABLED] Hato IMAP ready.\r\n"
#define HELLO2 "* OK [CAPABILITY IMAP4rev1 SASL-IR LITERAL+ ID ENABLE] Hato IMAP ready.\r\n"
#define HELLO3                                                                     \
	"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN UNSELECT SASL-IR LITERAL+ ID ENABLE] " \
	"Hato IMAP ready.\r\n"
#define STARTTLS_OK "a OK Begin SSL/TLS negotiation now.\r\n{TLS}"
/* The tagged OK of a login: imapd's post-login list (imap-capability.c), RFC 3501 §6.2.3. */
#define LOGIN_OK(tag)                                                                        \
	tag " OK [CAPABILITY IMAP4rev1 LITERAL+ UNSELECT CHILDREN NAMESPACE SPECIAL-USE "      \
	    "LIST-EXTENDED UIDPLUS MOVE ESEARCH IDLE ID ENABLE] LOGIN Ok.\r\n"
#define FAILED(tag) tag " NO [AUTHENTICATIONFAILED] Login failed.\r\n"

static const struct {
	int set;
	const char *packets[4];
	const char *out;
} rows[] = {
	/* CAPABILITY before and after STARTTLS: PLAIN/LOGIN only after, STARTTLS only before;
	 * unimplemented configured names (CHILDREN ... SORT QUOTA IDLE) are never advertised. */
	{ 0, { "a CAPABILITY\r\n", "a STARTTLS\r\n", "b capability\r\n", NULL },
	  HELLO0 "* CAPABILITY " CAPA0 " STARTTLS\r\na OK CAPABILITY completed\r\n" STARTTLS_OK
	  "* CAPABILITY " CAPA0_TLS "\r\nb OK CAPABILITY completed\r\n" },
	/* CVE-2011-0411 class: a command behind STARTTLS in the same packet is never run. */
	{ 0, { "a STARTTLS\r\nb CAPABILITY\r\n", "c NOOP\r\n", NULL },
	  HELLO0 STARTTLS_OK "c OK NOOP completed\r\n" },
	{ 0, { "a STARTTLS\r\nb LOGIN bob sec", "ret\r\nc LOGOUT\r\n", NULL },
	  HELLO0 STARTTLS_OK "* BAD Missing command\r\n* BYE Hato IMAP server logging out\r\n"
	  "c OK LOGOUT completed\r\n{LOGOUT}" },
	{ 0, { "a STARTTLS\r\n", "b STARTTLS\r\n", NULL },
	  HELLO0 STARTTLS_OK "b BAD TLS is already active.\r\n" },
	{ 2, { "a STARTTLS\r\n", NULL }, HELLO2 "a BAD TLS is already active.\r\n" },
	{ 3, { "a STARTTLS\r\n", NULL }, HELLO3 "a BAD STARTTLS not available.\r\n" },
	/* Commands pipelined behind LOGIN reach imapd untouched, after the tagged OK. */
	{ 0, { "a LOGIN bob secret\r\nb NOOP\r\nc SEL", "ECT INBOX\r\n", NULL },
	  HELLO0 "{LOGIN bob secret}" LOGIN_OK("a") "{OK rest=b NOOP\r\nc SELECT INBOX\r\n}" },
	/* Quoted strings and literals (synchronising and LITERAL+). */
	{ 0, { "a LOGIN \"bob\" {6}\r\n", "secret\r\n", NULL },
	  HELLO0 "+ OK\r\n{LOGIN bob secret}" LOGIN_OK("a") "{OK rest=}" },
	{ 0, { "a LOGIN {3+}\r\nbob \"sec ret\"\r\n", NULL },
	  HELLO0 "{LOGIN bob sec ret}{delay 100}" FAILED("a") },
	{ 0, { "a LOGIN bob\r\nb LOGIN\r\n", NULL },
	  HELLO0 "a BAD Invalid LOGIN arguments.\r\nb BAD Invalid LOGIN arguments.\r\n" },
	/* Failures: growing delay, then BYE after max_failures (3). */
	{ 0, { "a LOGIN bob x\r\nb LOGIN bob y\r\nc LOGIN bob z\r\nd NOOP\r\n", NULL },
	  HELLO0 "{LOGIN bob x}{delay 100}" FAILED("a") "{LOGIN bob y}{delay 200}" FAILED("b")
	  "{LOGIN bob z}{delay 250}" FAILED("c") "* BYE Too many login failures.\r\n"
	  "{DISCONNECT}" },
	/* Unset lists: "IMAP4rev1" and no mechanism at all (Courier's default). */
	{ 2, { "a LOGIN x y\r\nb AUTHENTICATE PLAIN AGJvYgB4\r\nc LOGIN x z\r\n", NULL },
	  HELLO2 "{LOGIN x y}{delay 100}" FAILED("a") "b NO Unsupported authentication mechanism.\r\n"
	  "{LOGIN x z}{delay 200}" FAILED("c") "* BYE Too many login failures.\r\n{DISCONNECT}" },
	{ 0, { "a LOGIN temp secret\r\nb NOOP\r\n", NULL },
	  HELLO0 "{LOGIN temp secret}"
	  "* BYE [UNAVAILABLE] Temporary problem, please try again later\r\n{DISCONNECT}" },
	{ 0, { "a LOGIN off secret\r\n", NULL },
	  HELLO0 "{LOGIN off secret}a NO IMAP access disabled for this account.\r\n{DISCONNECT}" },
	{ 0, { "a LOGIN insecure secret\r\n", NULL },
	  HELLO0 "{LOGIN insecure secret}a NO IMAP access disabled via insecure connection.\r\n"
	  "{DISCONNECT}" },
	{ 2, { "a LOGIN insecure secret\r\n", NULL },
	  HELLO2 "{LOGIN insecure secret}" LOGIN_OK("a") "{OK rest=}" },
	/* IMAP_TLS_REQUIRED: LOGINDISABLED, no AUTH= and both login commands refused. */
	{ 1, { "a LOGIN bob secret\r\nb AUTHENTICATE CRAM-MD5\r\nc STARTTLS\r\n",
	       "d CAPABILITY\r\ne LOGIN bob secret\r\n", NULL },
	  HELLO1 "a NO [PRIVACYREQUIRED] STARTTLS required\r\n"
	  "b NO [PRIVACYREQUIRED] STARTTLS required\r\nc OK Begin SSL/TLS negotiation now.\r\n{TLS}"
	  "* CAPABILITY IMAP4rev1 UIDPLUS CHILDREN NAMESPACE AUTH=CRAM-MD5 AUTH=CRAM-SHA1 "
	  "AUTH=CRAM-SHA256 IDLE AUTH=PLAIN SASL-IR "
	  "LITERAL+ ID ENABLE\r\nd OK CAPABILITY completed\r\n"
	  "{LOGIN bob secret}" LOGIN_OK("e") "{OK rest=}" },
	/* AUTHENTICATE: mechanisms not advertised now are refused; SASL-IR; "=" is empty. */
	{ 0, { "a AUTHENTICATE PLAIN " PLAIN_BOB "\r\nb AUTHENTICATE SCRAM-SHA-256\r\n", NULL },
	  HELLO0 "a NO Unsupported authentication mechanism.\r\n"
	  "b NO Unsupported authentication mechanism.\r\n" },
	{ 0, { "a STARTTLS\r\n", "b AUTHENTICATE plain " PLAIN_BOB "\r\nc NOOP\r\n", NULL },
	  HELLO0 STARTTLS_OK "{AUTH PLAIN " PLAIN_BOB "}" LOGIN_OK("b") "{OK rest=c NOOP\r\n}" },
	{ 3, { "a AUTHENTICATE PLAIN\r\n", PLAIN_BOB "\r\nb NOOP\r\n", NULL },
	  HELLO3 "{AUTH PLAIN (none)}+ \r\n{CONT - " PLAIN_BOB "}" LOGIN_OK("a")
	  "{OK rest=b NOOP\r\n}" },
	{ 3, { "a AUTHENTICATE PLAIN =\r\n", NULL },
	  HELLO3 "{AUTH PLAIN }{delay 100}" FAILED("a") },
	/* "*" cancels with BAD (RFC 3501 §6.2.2); the session goes on. */
	{ 3, { "a AUTHENTICATE PLAIN\r\n*\r\nb NOOP\r\n", NULL },
	  HELLO3 "{AUTH PLAIN (none)}+ \r\na BAD Authentication canceled.\r\n{CANCEL}"
	  "b OK NOOP completed\r\n" },
	{ 3, { "a AUTHENTICATE\r\nb AUTHENTICATE PLAIN x y\r\nc AUTHENTICATE \"PLAIN\"\r\n", NULL },
	  HELLO3 "a BAD Invalid AUTHENTICATE arguments.\r\nb BAD Invalid AUTHENTICATE arguments.\r\n"
	  "c BAD Invalid AUTHENTICATE arguments.\r\n" },
	/* ID, ENABLE, NOOP, unknown commands (BAD, unlike Courier's NO), LOGOUT. */
	{ 3, { "a ID (\"name\" \"imaplib\")\r\nb ID NIL\r\nc ID\r\nd ENABLE UTF8=ACCEPT\r\n", NULL },
	  HELLO3 "* ID (\"name\" \"Hato\")\r\na OK ID completed\r\n* ID (\"name\" \"Hato\")\r\n"
	  "b OK ID completed\r\nc BAD Invalid ID arguments.\r\n"
	  "d BAD ENABLE is only valid after login.\r\n" },
	{ 3, { "a SELECT INBOX\r\nb NOOP\r\nc LOGOUT\r\nd NOOP\r\n", NULL },
	  HELLO3 "a BAD Unknown command.\r\nb OK NOOP completed\r\n"
	  "* BYE Hato IMAP server logging out\r\nc OK LOGOUT completed\r\n{LOGOUT}" },
	{ 3, { "a NOOP x\r\nb CAPABILITY x\r\n", NULL },
	  HELLO3 "a BAD NOOP takes no arguments.\r\nb BAD CAPABILITY takes no arguments.\r\n" },
};

START_TEST(test_rows)
{
	struct buf out = BUF_INIT;

	run(rows[_i].set, rows[_i].packets, &out);
	ck_assert_str_eq(buf_cstr(&out), rows[_i].out);
	buf_free(&out);
}
END_TEST

START_TEST(test_bad_command_flood)
{
	static const char *const packets[] = {
		"1 X\r\n2 X\r\n3 X\r\n4 X\r\n5 X\r\n6 X\r\n7 X\r\n8 X\r\n9 X\r\n10 X\r\n11 NOOP\r\n",
		NULL
	};
	struct buf out = BUF_INIT;
	const char *o;

	run(3, packets, &out);
	o = buf_cstr(&out);
	ck_assert_ptr_nonnull(strstr(o, "9 BAD Unknown command.\r\n10 BAD Unknown command.\r\n"
					"* BYE Too many invalid commands.\r\n{DISCONNECT}"));
	ck_assert_ptr_null(strstr(o, "11 "));
	buf_free(&out);
}
END_TEST

START_TEST(test_sasl_line_too_long_cancels)
{
	struct imap_login_session *s = imap_login_session_new(&settings[3]);
	struct imap_parser *p = imap_parser_new(NULL);
	struct imap_login_action act;
	struct buf out = BUF_INIT;
	size_t used;

	ck_assert_int_eq(imap_parser_feed(p, "t AUTHENTICATE PLAIN\r\n", 22, &used), IMAP_PARSE_OK);
	ck_assert_int_eq(imap_login_session_command(s, imap_parser_command(p), &out, &act),
			 IMAP_LOGIN_AUTH_START);
	imap_login_session_auth_challenge(s, "", &out);
	ck_assert(imap_login_session_wants_line(s));
	ck_assert_int_eq(imap_login_session_sasl_line(s, "xx", 2, true, &out, &act),
			 IMAP_LOGIN_AUTH_CANCEL);
	ck_assert(!imap_login_session_wants_line(s));
	ck_assert_str_eq(buf_cstr(&out), "+ \r\nt BAD SASL response too long.\r\n");
	imap_parser_free(&p);
	imap_login_session_free(&s);
	buf_free(&out);
}
END_TEST

START_TEST(test_parse_errors)
{
	struct imap_login_session *s = imap_login_session_new(&settings[3]);
	struct imap_login_action act;
	struct imap_parse_error tagged = { .tag = "x", .text = "Missing command." };
	struct imap_parse_error untagged = { .text = "Missing tag." };
	struct imap_parse_error fatal = { .tag = "y", .text = "Literal too large.", .fatal = true };
	struct buf out = BUF_INIT;

	ck_assert_int_eq(imap_login_session_parse_error(s, &tagged, &out, &act), IMAP_LOGIN_NONE);
	ck_assert_int_eq(imap_login_session_parse_error(s, &untagged, &out, &act), IMAP_LOGIN_NONE);
	ck_assert_int_eq(imap_login_session_parse_error(s, &fatal, &out, &act),
			 IMAP_LOGIN_DISCONNECT);
	ck_assert_str_eq(buf_cstr(&out), "x BAD Missing command.\r\n* BAD Missing tag.\r\n"
					 "* BYE Literal too large.\r\n");
	imap_login_session_free(&s);
	buf_free(&out);
}
END_TEST

START_TEST(test_input_while_waiting_fails_closed)
{
	struct imap_login_session *s = imap_login_session_new(&settings[3]);
	struct imap_parser *p = imap_parser_new(NULL);
	struct imap_login_action act;
	struct buf out = BUF_INIT;
	size_t used;

	imap_parser_feed(p, "a LOGIN bob secret\r\n", 20, &used);
	ck_assert_int_eq(imap_login_session_command(s, imap_parser_command(p), &out, &act),
			 IMAP_LOGIN_LOGIN);
	imap_parser_feed(p, "b NOOP\r\n", 8, &used);
	ck_assert_int_eq(imap_login_session_command(s, imap_parser_command(p), &out, &act),
			 IMAP_LOGIN_DISCONNECT);
	ck_assert_int_eq(imap_login_session_auth_result(s, IMAP_LOGIN_OK, NULL, &out, &act),
			 IMAP_LOGIN_DISCONNECT);
	ck_assert(!imap_login_session_logged_in(s));
	ck_assert_str_eq(buf_cstr(&out), "");
	imap_parser_free(&p);
	imap_login_session_free(&s);
	buf_free(&out);
}
END_TEST

START_TEST(test_capa_table)
{
	struct imap_login_capa_state plain = { .starttls = true };
	struct buf b = BUF_INIT;

	imap_login_capa_dropped(&b, SEED " ACL ACL2=UNION");
	ck_assert_str_eq(buf_cstr(&b), "THREAD=ORDEREDSUBJECT THREAD=REFERENCES SORT QUOTA ACL "
				       "ACL2=UNION");
	buf_reset(&b);
	imap_login_capa_dropped(&b, NULL);
	ck_assert_str_eq(buf_cstr(&b), "");
	buf_reset(&b);
	/* Order kept, duplicates and stray spaces removed, IMAP4rev1 first. */
	imap_login_capa_build(&b, "  LITERAL+ AUTH=PLAIN\tauth=plain IMAP4rev1 ", NULL, &plain);
	ck_assert_str_eq(buf_cstr(&b), "IMAP4rev1 LITERAL+ AUTH=PLAIN SASL-IR ID ENABLE STARTTLS");
	ck_assert(imap_login_capa_implemented("unselect", 8));
	ck_assert(!imap_login_capa_implemented("UNSELECTX", 9));
	ck_assert(!imap_login_capa_implemented("SORT", 4));
	ck_assert(imap_login_capa_has_mech("IMAP4rev1 AUTH=PLAIN", NULL, &plain, "plain"));
	ck_assert(!imap_login_capa_has_mech("IMAP4rev1 AUTH=PLAIN", NULL, &plain, "PLAI"));
	plain.logindisabled = true;
	ck_assert(!imap_login_capa_has_mech("IMAP4rev1 AUTH=PLAIN", NULL, &plain, "PLAIN"));
	buf_free(&b);
}
END_TEST

START_TEST(test_delay_and_refusal)
{
	const struct imap_login_delay d = IMAP_LOGIN_DELAY_DEFAULT;
	struct buf b = BUF_INIT;

	ck_assert_uint_eq(imap_login_delay_ms(&d, 0), 0);
	ck_assert_uint_eq(imap_login_delay_ms(&d, 1), 2000);
	ck_assert_uint_eq(imap_login_delay_ms(&d, 3), 8000);
	ck_assert_uint_eq(imap_login_delay_ms(&d, 4000000000u), 15000);
	ck_assert_ptr_null(imap_login_account_refusal(NULL, 0));
	ck_assert_ptr_null(imap_login_account_refusal("disablepop3=1,disableimap=0", 0));
	ck_assert_ptr_null(imap_login_account_refusal("disableinsecureimap=1", 1));
	ck_assert_str_eq(imap_login_account_refusal("disablepop3=1,disableimap=1", 1),
			 "NO IMAP access disabled for this account.");
	imap_login_session_timeout(&b);
	ck_assert_str_eq(buf_cstr(&b), "* BYE Disconnected for inactivity.\r\n");
	buf_free(&b);
}
END_TEST

static Suite *imap_login_session_suite(void)
{
	Suite *s = suite_create("imap-login-session");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_rows, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, test_bad_command_flood);
	tcase_add_test(tc, test_sasl_line_too_long_cancels);
	tcase_add_test(tc, test_parse_errors);
	tcase_add_test(tc, test_input_while_waiting_fails_closed);
	tcase_add_test(tc, test_capa_table);
	tcase_add_test(tc, test_delay_and_refusal);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(imap_login_session_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
