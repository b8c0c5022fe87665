/* Unit tests for the authdaemond client (auth-client.h) against a forked fake daemon on a
 * private socket directory: exact request bytes, Courier's reply rules (record, FAIL, close
 * without a reply, timeout, no daemon) and a Dovecot-protocol exchange with CONT steps. */
#include "config.h"
#include "auth-client.h"
#include "xalloc.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];

/* A fake daemon on dir/name: per connection, it reads exactly the expected request (or the
 * given number of lines for auth-client), records it in dir/got, then writes reply and closes
 * (hold: keep the connection open silently instead). */
struct fake {
	pid_t pid;
};

static void fake_serve(const char *name, const char *greeting, size_t want,
		       const char *const *replies, size_t nreplies, int hold, struct fake *f)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s", dir, name);
	unlink(sun.sun_path);
	ck_assert_int_ge(lfd, 0);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	ck_assert_int_eq(listen(lfd, 4), 0);
	f->pid = fork();
	ck_assert_int_ge(f->pid, 0);
	if (f->pid == 0) {
		char got[8192], path[128];
		size_t n = 0;
		int fd = accept(lfd, NULL, NULL);
		FILE *out;

		if (greeting != NULL && write(fd, greeting, strlen(greeting)) < 0)
			_exit(1);
		for (size_t r = 0; r < nreplies || (r == 0 && nreplies == 0); r++) {
			/* want: bytes before the first reply; later replies after each line. */
			size_t goal = r == 0 ? want : n + 1;
			while (n < goal && n < sizeof(got)) {
				ssize_t k = read(fd, got + n, r == 0 ? goal - n : 1);
				if (k <= 0)
					break;
				n += (size_t)k;
				if (r > 0 && got[n - 1] == '\n')
					break;
				if (r > 0)
					goal = n + 1;
			}
			if (hold) {
				pause();
			}
			if (r < nreplies && write(fd, replies[r], strlen(replies[r])) < 0)
				_exit(1);
		}
		snprintf(path, sizeof(path), "%s/got", dir);
		out = fopen(path, "w");
		fwrite(got, 1, n, out);
		fclose(out);
		close(fd);
		_exit(0);
	}
	close(lfd);
}

static char *fake_end(struct fake *f, int kill_it)
{
	char path[128], *data = xcalloc(1, 8193);
	FILE *in;
	int status;

	if (kill_it)
		kill(f->pid, SIGKILL);
	waitpid(f->pid, &status, 0);
	snprintf(path, sizeof(path), "%s/got", dir);
	in = fopen(path, "r");
	if (in != NULL) {
		size_t n = fread(data, 1, 8192, in);
		data[n] = '\0';
		fclose(in);
		unlink(path);
	}
	return data;
}

static void setup(void)
{
	strcpy(dir, "/tmp/check-auth-client.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char record[] = "UID=1000\nGID=1000\nHOME=/home/bob\nADDRESS=bob@example.com\n"
			     "NAME=Bob B\nMAILDIR=/home/bob/Maildir\nPASSWD={SHA}x\n"
			     "PASSWD2=secret\nOPTIONS=disableimap=1\n.\n";

START_TEST(test_login_ok)
{
	static const char want[] = "TCPREMOTEIP=192.0.2.1\nAUTH 22\nimap\nlogin\nbob\nsecret\n";
	const char *const replies[] = { record };
	struct auth_client *ac = auth_client_new(dir, "192.0.2.1");
	struct account *a = NULL;
	const char *error = NULL;
	struct fake f;
	char *got;

	fake_serve("socket", NULL, strlen(want), replies, 1, 0, &f);
	ck_assert_int_eq(auth_client_login(ac, "imap", "bob", "secret", &a, &error),
			 AUTH_CLIENT_OK);
	got = fake_end(&f, 0);
	ck_assert_str_eq(got, want);
	ck_assert_int_eq(a->uid, 1000);
	ck_assert_int_eq(a->gid, 1000);
	ck_assert_str_eq(a->home, "/home/bob");
	ck_assert_str_eq(a->address, "bob@example.com");
	ck_assert_str_eq(a->fullname, "Bob B");
	ck_assert_str_eq(a->maildir, "/home/bob/Maildir");
	ck_assert_str_eq(a->passwd, "{SHA}x");
	ck_assert_str_eq(a->clearpasswd, "secret");
	ck_assert_str_eq(a->options, "disableimap=1");
	ck_assert_ptr_null(a->quota);
	ck_assert_ptr_null(a->sysusername);
	account_free(a);
	free(got);
	auth_client_free(ac);
}
END_TEST

START_TEST(test_pre_fail)
{
	static const char want[] = "PRE . pop3 nobody\n";
	const char *const replies[] = { "FAIL\n" };
	struct auth_client *ac;
	struct account *a = NULL;
	const char *error = NULL;
	struct fake f;
	char *got;

	unsetenv("TCPREMOTEIP");
	ac = auth_client_new(dir, NULL);
	fake_serve("socket", NULL, strlen(want), replies, 1, 0, &f);
	ck_assert_int_eq(auth_client_pre(ac, "pop3", "nobody", &a, &error), AUTH_CLIENT_FAIL);
	got = fake_end(&f, 0);
	ck_assert_str_eq(got, want);
	ck_assert_ptr_null(a);
	free(got);
	/* Names that would break the request line are refused before any I/O. */
	ck_assert_int_eq(auth_client_pre(ac, "pop3", "a b", &a, &error), AUTH_CLIENT_FAIL);
	ck_assert_int_eq(auth_client_pre(ac, "pop3", "a\nENUMERATE", &a, &error),
			 AUTH_CLIENT_FAIL);
	auth_client_free(ac);
}
END_TEST

START_TEST(test_cram_and_apop_bytes)
{
	/* base64("<1896.697170952@postoffice.reston.mci.net>") and of the RFC 2195 response. */
	static const char want[] =
		"AUTH 120\npop3\ncram-md5\n"
		"PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\n"
		"dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\n";
	static const char want_apop[] = "AUTH 83\npop3\napop\nmrose\n"
					"<1896.697170952@dbc.mtview.ca.us>\n"
					"c4c9334bac560ecc979e58001b3e22fb\n";
	const char *const replies[] = { "FAIL\n" };
	struct auth_client *ac = auth_client_new(dir, "");
	struct account *a = NULL;
	const char *error = NULL;
	struct fake f;
	char *got;

	fake_serve("socket", NULL, strlen(want), replies, 1, 0, &f);
	ck_assert_int_eq(auth_client_cram(ac, "pop3", "cram-md5",
					  "<1896.697170952@postoffice.reston.mci.net>",
					  "tim b913a602c7eda7a495b4e6e7334d3890", &a, &error),
			 AUTH_CLIENT_FAIL);
	got = fake_end(&f, 0);
	ck_assert_str_eq(got, want);
	free(got);
	fake_serve("socket", NULL, strlen(want_apop), replies, 1, 0, &f);
	ck_assert_int_eq(auth_client_apop(ac, "pop3", "mrose", "<1896.697170952@dbc.mtview.ca.us>",
					  "c4c9334bac560ecc979e58001b3e22fb", &a, &error),
			 AUTH_CLIENT_FAIL);
	got = fake_end(&f, 0);
	ck_assert_str_eq(got, want_apop);
	free(got);
	auth_client_free(ac);
}
END_TEST

START_TEST(test_tempfail_rows)
{
	static const char want[] = "ENUMERATE\n";
	const char *const partial[] = { "UID=1000\nGID=1000\n" };
	struct auth_client *ac = auth_client_new(dir, "");
	struct buf reply = BUF_INIT;
	struct account *a = NULL;
	const char *error = NULL;
	struct fake f;

	/* No daemon at all. */
	ck_assert_int_eq(auth_client_enumerate(ac, &reply, &error), AUTH_CLIENT_TEMPFAIL);
	ck_assert_str_eq(error, "cannot connect to authdaemond");
	/* Close without a reply: Courier's temporary failure. */
	fake_serve("socket", NULL, strlen(want), NULL, 0, 0, &f);
	error = NULL;
	ck_assert_int_eq(auth_client_enumerate(ac, &reply, &error), AUTH_CLIENT_TEMPFAIL);
	ck_assert_str_eq(error, "authdaemond closed without a reply (temporary failure)");
	free(fake_end(&f, 0));
	/* A record cut short is no answer either. */
	fake_serve("socket", NULL, strlen(want), partial, 1, 0, &f);
	ck_assert_int_eq(auth_client_pre(ac, "imap", "x", &a, &error), AUTH_CLIENT_TEMPFAIL);
	free(fake_end(&f, 0));
	/* A silent daemon: timeout. */
	ac->timeout_ms = 200;
	fake_serve("socket", NULL, 4, NULL, 0, 1, &f);
	ck_assert_int_eq(auth_client_enumerate(ac, &reply, &error), AUTH_CLIENT_TEMPFAIL);
	ck_assert_str_eq(error, "authdaemond timed out");
	free(fake_end(&f, 1));
	buf_free(&reply);
	auth_client_free(ac);
}
END_TEST

START_TEST(test_passwd)
{
	static const char want[] = "PASSWD imap\tbob\told pw\tnew\n";
	const char *const ok[] = { "OK\n" }, *const bad[] = { "FAIL\n" };
	struct auth_client *ac = auth_client_new(dir, "");
	const char *error = NULL;
	struct fake f;
	char *got;

	fake_serve("socket", NULL, strlen(want), ok, 1, 0, &f);
	ck_assert_int_eq(auth_client_passwd(ac, "imap", "bob", "old pw", "new", &error),
			 AUTH_CLIENT_OK);
	got = fake_end(&f, 0);
	ck_assert_str_eq(got, want);
	free(got);
	fake_serve("socket", NULL, strlen(want), bad, 1, 0, &f);
	ck_assert_int_eq(auth_client_passwd(ac, "imap", "bob", "old pw", "new", &error),
			 AUTH_CLIENT_FAIL);
	free(fake_end(&f, 0));
	/* A TAB would shift the fields: refused before any I/O. */
	ck_assert_int_eq(auth_client_passwd(ac, "imap", "bob", "a\tb", "new", &error),
			 AUTH_CLIENT_FAIL);
	auth_client_free(ac);
}
END_TEST

START_TEST(test_enumerate)
{
	static const char list[] = "# authuserdb\n\nbob\t1000\t1000\t/home/bob\t\t\n.\n";
	const char *const replies[] = { list };
	struct auth_client *ac = auth_client_new(dir, "");
	struct buf reply = BUF_INIT;
	const char *error = NULL;
	struct fake f;

	fake_serve("socket", NULL, 10, replies, 1, 0, &f);
	ck_assert_int_eq(auth_client_enumerate(ac, &reply, &error), AUTH_CLIENT_OK);
	ck_assert_str_eq(buf_cstr(&reply), list);
	free(fake_end(&f, 0));
	buf_free(&reply);
	auth_client_free(ac);
}
END_TEST

static const char handshake[] = "VERSION\t1\t2\nMECH\tCRAM-MD5\nMECH\tPLAIN\tplaintext\n"
				"SPID\t42\nCUID\t1\nCOOKIE\t0123\nDONE\n";

START_TEST(test_session)
{
	static const char hello[] = "VERSION\t1\t2\nCPID\t";
	const char *const replies[] = {
		"", "", "", /* at once, after VERSION, after CPID: nothing */
		"CONT\t1\tPDE+\n",
		"OK\t1\tuser=tim\001t\0011x\n",
		"FAIL\t2\treason=Invalid\001nthing\n",
		"FAIL\t3\ttemp\n",
	};
	struct auth_client *ac = auth_client_new(dir, "");
	struct auth_client_session *s;
	struct auth_client_reply r;
	const char *error = NULL;
	struct fake f;
	char *got, want[256];

	fake_serve("auth-client", handshake, 0, replies, 7, 0, &f);
	s = auth_client_session_new(ac, &error);
	ck_assert_ptr_nonnull(s);
	ck_assert(auth_client_session_has_mech(s, "cram-md5"));
	ck_assert(auth_client_session_has_mech(s, "PLAIN"));
	ck_assert(!auth_client_session_has_mech(s, "LOGIN"));
	ck_assert_int_eq(auth_client_session_auth(s, "CRAM-MD5", "pop3", "192.0.2.9", "127.0.0.1",
						  1, NULL, &r, &error),
			 0);
	ck_assert_int_eq(r.status, AUTH_CLIENT_CONTINUE);
	ck_assert_str_eq(buf_cstr(&r.data), "PDE+");
	auth_client_reply_clear(&r);
	ck_assert_int_eq(auth_client_session_cont(s, "dGlt", &r, &error), 0);
	ck_assert_int_eq(r.status, AUTH_CLIENT_OK);
	ck_assert_str_eq(r.user, "tim\t\001x");
	auth_client_reply_clear(&r);
	ck_assert_int_eq(auth_client_session_auth(s, "PLAIN", "imap", NULL, NULL, 0, "", &r,
						  &error),
			 0);
	ck_assert_int_eq(r.status, AUTH_CLIENT_FAIL);
	ck_assert_str_eq(r.reason, "Invalid\nthing");
	auth_client_reply_clear(&r);
	ck_assert_int_eq(auth_client_session_auth(s, "PLAIN", "imap", NULL, NULL, 0, "AGEAYg==",
						  &r, &error),
			 0);
	ck_assert_int_eq(r.status, AUTH_CLIENT_TEMPFAIL);
	auth_client_reply_clear(&r);
	auth_client_session_free(s);
	got = fake_end(&f, 0);
	snprintf(want, sizeof(want),
		 "%s%lu\nAUTH\t1\tCRAM-MD5\tservice=pop3\tlip=127.0.0.1\trip=192.0.2.9\tsecured\n"
		 "CONT\t1\tdGlt\nAUTH\t2\tPLAIN\tservice=imap\tresp=\n"
		 "AUTH\t3\tPLAIN\tservice=imap\tresp=AGEAYg==\n",
		 hello, (unsigned long)getpid());
	ck_assert_str_eq(got, want);
	free(got);
	auth_client_free(ac);
}
END_TEST

START_TEST(test_session_closed)
{
	struct auth_client *ac = auth_client_new(dir, "");
	const char *error = NULL;
	struct fake f;

	/* A server that closes before DONE gives no session. */
	fake_serve("auth-client", "VERSION\t1\t2\nMECH\tPLAIN\n", 0, NULL, 0, 0, &f);
	ck_assert_ptr_null(auth_client_session_new(ac, &error));
	ck_assert_ptr_nonnull(error);
	free(fake_end(&f, 0));
	auth_client_free(ac);
}
END_TEST

START_TEST(test_dir_default)
{
	struct auth_client *ac;

	setenv("AUTHDAEMONVAR", "/nonexistent/x", 1);
	ac = auth_client_new(NULL, "");
	ck_assert_str_eq(ac->dir, "/nonexistent/x");
	auth_client_free(ac);
	unsetenv("AUTHDAEMONVAR");
	ac = auth_client_new(NULL, "");
	ck_assert_str_eq(ac->dir, HATO_AUTHDAEMONVAR);
	auth_client_free(ac);
	ac = auth_client_new("/explicit", "");
	ck_assert_str_eq(ac->dir, "/explicit");
	auth_client_free(ac);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("auth-client");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_login_ok);
	tcase_add_test(tc, test_pre_fail);
	tcase_add_test(tc, test_cram_and_apop_bytes);
	tcase_add_test(tc, test_tempfail_rows);
	tcase_add_test(tc, test_passwd);
	tcase_add_test(tc, test_enumerate);
	tcase_add_test(tc, test_session);
	tcase_add_test(tc, test_session_closed);
	tcase_add_test(tc, test_dir_default);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
