/* Unit tests for the Courier authdaemon protocol codec (courier-formats §2.3): exact request
 * bytes from authlib and Cyrus SASL clients, partial input, malformed rows, reply records. */
#include "config.h"
#include "proto-courier.h"
#include "proto-dovecot.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(test_auth_login_courier_client)
{
	static const char req[] = "TCPREMOTEIP=192.0.2.7\nAUTH 22\nimap\nlogin\nbob\nsecret\n";
	struct proto_courier_request r;
	const char *error;
	const char *u, *p;
	char *copy;

	/* Every proper prefix needs more. */
	for (size_t i = 0; i < strlen(req); i++)
		ck_assert_int_eq(proto_courier_parse(req, i, &r, &error), PROTO_COURIER_NEED_MORE);
	ck_assert_int_eq(proto_courier_parse(req, strlen(req), &r, &error), PROTO_COURIER_DONE);
	ck_assert_int_eq(r.cmd, PROTO_COURIER_AUTH);
	ck_assert_str_eq(r.remote_ip, "192.0.2.7");
	ck_assert_str_eq(r.service, "imap");
	ck_assert_str_eq(r.authtype, "login");
	ck_assert_int_eq(proto_courier_split2(&r.authdata, &copy, &u, &p), 0);
	ck_assert_str_eq(u, "bob");
	ck_assert_str_eq(p, "secret");
	free(copy);
	proto_courier_request_clear(&r);
}
END_TEST

START_TEST(test_auth_cyrus_extra_newline)
{
	/* Cyrus SASL: n counts through the password's \n, then sends one more \n. */
	static const char req[] = "AUTH 29\nsmtp\nlogin\nbob@example.com\nx\n\n";
	struct proto_courier_request r;
	const char *error, *u, *p;
	char *copy;

	ck_assert_int_eq(proto_courier_parse(req, strlen(req), &r, &error), PROTO_COURIER_DONE);
	ck_assert_str_eq(r.service, "smtp");
	ck_assert_uint_eq(r.authdata.len, strlen("bob@example.com\nx\n"));
	ck_assert_int_eq(proto_courier_split2(&r.authdata, &copy, &u, &p), 0);
	ck_assert_str_eq(u, "bob@example.com");
	ck_assert_str_eq(p, "x");
	free(copy);
	proto_courier_request_clear(&r);
}
END_TEST

START_TEST(test_pre_passwd_enumerate)
{
	struct proto_courier_request r;
	const char *error;

	ck_assert_int_eq(proto_courier_parse("PRE . imap bob\n", 15, &r, &error),
			 PROTO_COURIER_DONE);
	ck_assert_int_eq(r.cmd, PROTO_COURIER_PRE);
	ck_assert_str_eq(r.module, ".");
	ck_assert_str_eq(r.service, "imap");
	ck_assert_str_eq(r.user, "bob");
	proto_courier_request_clear(&r);
	ck_assert_int_eq(proto_courier_parse("PASSWD imap\tbob\told\tnew\n", 24, &r, &error),
			 PROTO_COURIER_DONE);
	ck_assert_int_eq(r.cmd, PROTO_COURIER_PASSWD);
	ck_assert_str_eq(r.user, "bob");
	ck_assert_str_eq(r.oldpw, "old");
	ck_assert_str_eq(r.newpw, "new");
	proto_courier_request_clear(&r);
	ck_assert_int_eq(proto_courier_parse("ENUMERATE\n", 10, &r, &error), PROTO_COURIER_DONE);
	ck_assert_int_eq(r.cmd, PROTO_COURIER_ENUMERATE);
	proto_courier_request_clear(&r);
}
END_TEST

static const char *bad_rows[] = {
	"HELLO\n",
	"PRE . imap\n",
	"PRE . imap bob extra\n",
	"PRE  imap bob\n",
	"AUTH x\n",
	"AUTH -1\n",
	"AUTH 99999\n",
	"AUTH 5\nimap\n",
	"AUTH 6\nimap\nl",
	"AUTH 10\n\nlogin\nab\n",
	"PASSWD imap\tbob\told\n",
	"PASSWD imap\tbob\told\tnew\textra\n",
	"PRE . im\001ap bob\n",
	"TCPREMOTEIP=1.2\001\nPRE . imap bob\n",
	"ENUMERATE extra\n",
	"\n",
};

START_TEST(test_bad_rows)
{
	struct proto_courier_request r;
	const char *error = NULL;

	ck_assert_int_eq(proto_courier_parse(bad_rows[_i], strlen(bad_rows[_i]), &r, &error),
			 PROTO_COURIER_BAD);
	ck_assert_ptr_nonnull(error);
}
END_TEST

START_TEST(test_oversized)
{
	static char big[PROTO_COURIER_MAX_REQUEST + 10];
	struct proto_courier_request r;
	const char *error;

	memset(big, 'A', sizeof(big));
	ck_assert_int_eq(proto_courier_parse(big, sizeof(big), &r, &error), PROTO_COURIER_BAD);
	memcpy(big, "X=", 2);
	ck_assert_int_eq(proto_courier_parse(big, sizeof(big), &r, &error), PROTO_COURIER_BAD);
}
END_TEST

START_TEST(test_format_account)
{
	struct account a = { 0 };
	struct buf out = BUF_INIT;

	a.address = "bob@example.com";
	a.uid = 1000;
	a.gid = 100;
	a.home = "/home/bob";
	a.fullname = "Bob B,Room 1";
	a.maildir = "/home/bob/Maildir";
	a.passwd = "$1$x";
	a.clearpasswd = "secret";
	proto_courier_format_account(&out, &a, "disableimap=1");
	ck_assert_str_eq(buf_cstr(&out), "UID=1000\nGID=100\nHOME=/home/bob\n"
					 "ADDRESS=bob@example.com\nNAME=Bob B\n"
					 "MAILDIR=/home/bob/Maildir\nPASSWD=$1$x\nPASSWD2=secret\n"
					 "OPTIONS=disableimap=1\n.\n");
	buf_reset(&out);
	a.sysusername = "bob";
	a.fullname = NULL;
	a.maildir = NULL;
	a.passwd = NULL;
	a.clearpasswd = NULL;
	a.options = "x=1";
	proto_courier_format_account(&out, &a, "");
	ck_assert_str_eq(buf_cstr(&out), "USERNAME=bob\nGID=100\nHOME=/home/bob\n"
					 "ADDRESS=bob@example.com\n.\n");
	buf_reset(&out);
	proto_courier_format_enum(&out, &a);
	ck_assert_str_eq(buf_cstr(&out), "bob@example.com\t1000\t100\t/home/bob\t\tx=1\n");
	buf_free(&out);
}
END_TEST

START_TEST(test_dovecot_auth_line)
{
	static const char line[] = "AUTH\t1\tPLAIN\tservice=smtp\tnologin\tlip=127.0.0.1"
				   "\trip=192.0.2.1\tsecured\tresp=AHRpbQB0YW5zdGFhZnRhbnN0YWFm";
	struct proto_dovecot_cmd c;
	const char *error;

	ck_assert_int_eq(proto_dovecot_parse(line, strlen(line), &c, &error), 0);
	ck_assert_int_eq(c.type, PROTO_DOVECOT_AUTH);
	ck_assert_uint_eq(c.id, 1);
	ck_assert_str_eq(c.mech, "PLAIN");
	ck_assert_str_eq(c.service, "smtp");
	ck_assert_str_eq(c.rip, "192.0.2.1");
	ck_assert_str_eq(c.lip, "127.0.0.1");
	ck_assert_int_eq(c.secured, 1);
	ck_assert_int_eq(c.has_resp, 1);
	ck_assert_str_eq(c.data, "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
	proto_dovecot_cmd_clear(&c);
	ck_assert_int_eq(proto_dovecot_parse("CONT\t12\tabc", 11, &c, &error), 0);
	ck_assert_int_eq(c.type, PROTO_DOVECOT_CONT);
	ck_assert_uint_eq(c.id, 12);
	ck_assert_str_eq(c.data, "abc");
	proto_dovecot_cmd_clear(&c);
	ck_assert_int_eq(proto_dovecot_parse("VERSION\t1\t2", 11, &c, &error), 0);
	ck_assert_int_eq(proto_dovecot_parse("CPID\t99", 7, &c, &error), 0);
}
END_TEST

static const char *dovecot_bad[] = {
	"VERSION\t2\t0", "AUTH\t1\tPLAIN", "AUTH\tx\tPLAIN\tservice=imap",
	"AUTH\t1\t\tservice=imap", "CONT\t1", "CONT\t1\ta\tb", "CPID", "HELLO", "",
};

START_TEST(test_dovecot_bad)
{
	struct proto_dovecot_cmd c;
	const char *error = NULL;

	ck_assert_int_eq(proto_dovecot_parse(dovecot_bad[_i], strlen(dovecot_bad[_i]), &c, &error),
			 -1);
	ck_assert_ptr_nonnull(error);
}
END_TEST

START_TEST(test_dovecot_format)
{
	static const char *const mechs[] = { "PLAIN", "CRAM-MD5" };
	static const unsigned pt[] = { 1, 0 };
	struct buf out = BUF_INIT;

	proto_dovecot_handshake(&out, mechs, pt, 2, 10, 3, "00ff");
	ck_assert_str_eq(buf_cstr(&out), "VERSION\t1\t2\nMECH\tPLAIN\tplaintext\nMECH\tCRAM-MD5\n"
					 "SPID\t10\nCUID\t3\nCOOKIE\t00ff\nDONE\n");
	buf_reset(&out);
	proto_dovecot_escape(&out, "a\tb\nc\001d");
	ck_assert_str_eq(buf_cstr(&out), "a\001tb\001nc\0011d");
	buf_free(&out);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

int main(void)
{
	Suite *s = suite_create("auth-proto");
	TCase *tc = tcase_create("courier");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_auth_login_courier_client);
	tcase_add_test(tc, test_auth_cyrus_extra_newline);
	tcase_add_test(tc, test_pre_passwd_enumerate);
	tcase_add_loop_test(tc, test_bad_rows, 0, N(bad_rows));
	tcase_add_test(tc, test_oversized);
	tcase_add_test(tc, test_format_account);
	suite_add_tcase(s, tc);
	TCase *td = tcase_create("dovecot");
	tcase_add_test(td, test_dovecot_auth_line);
	tcase_add_loop_test(td, test_dovecot_bad, 0, N(dovecot_bad));
	tcase_add_test(td, test_dovecot_format);
	suite_add_tcase(s, td);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
