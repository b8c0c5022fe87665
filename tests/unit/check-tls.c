/* Unit tests for lib/tls: settings from the environment (failure rows), a handshake with a
 * GnuTLS client over a socketpair, version refusal, SNI, and tls_proxy's relaying. */
#include "config.h"

#include <check.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tls.h"

static char certpath[64];

/* A fresh self-signed ECDSA certificate for cn, key and certificate in one PEM file. */
static void make_cert(const char *path, const char *cn)
{
	gnutls_x509_privkey_t key;
	gnutls_x509_crt_t crt;
	gnutls_datum_t k, c;
	time_t now = time(NULL);
	FILE *f;

	ck_assert_int_eq(gnutls_x509_privkey_init(&key), 0);
	ck_assert_int_eq(gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
			 GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0), 0);
	ck_assert_int_eq(gnutls_x509_crt_init(&crt), 0);
	gnutls_x509_crt_set_version(crt, 3);
	gnutls_x509_crt_set_serial(crt, "\x01", 1);
	gnutls_x509_crt_set_activation_time(crt, now - 60);
	gnutls_x509_crt_set_expiration_time(crt, now + 3600);
	gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn, (unsigned)strlen(cn));
	gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, cn, (unsigned)strlen(cn),
					     GNUTLS_FSAN_SET);
	gnutls_x509_crt_set_key(crt, key);
	ck_assert_int_eq(gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0), 0);
	ck_assert_int_eq(gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &k), 0);
	ck_assert_int_eq(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &c), 0);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fwrite(k.data, 1, k.size, f);
	fwrite(c.data, 1, c.size, f);
	fclose(f);
	gnutls_free(k.data);
	gnutls_free(c.data);
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
}

static void setup(void)
{
	int fd;

	strcpy(certpath, "/tmp/check-tls-XXXXXX");
	fd = mkstemp(certpath);
	ck_assert_int_ge(fd, 0);
	close(fd);
	make_cert(certpath, "localhost");
	unsetenv("TLS_PRIORITY");
	unsetenv("TLS_PRIVATE_KEYFILE");
	unsetenv("TLS_DHPARAMS");
	unsetenv("TLS_TICKET_KEYFILE");
	setenv("TLS_CERTFILE", certpath, 1);
	setenv("TLS_TIMEOUT", "5", 1);
}

static void teardown(void)
{
	unlink(certpath);
}

/* Client side, in a child: handshake with prio and sni, send "ping", expect "pong".
 * Exit status 0 = all fine, 2 = handshake failed, 3 = wrong data, 4 = wrong cert CN. */
static void run_client(int fd, const char *prio, const char *sni, const char *want_cn)
{
	gnutls_session_t s;
	gnutls_certificate_credentials_t cred;
	char buf[16];
	int rc;

	gnutls_certificate_allocate_credentials(&cred);
	gnutls_init(&s, GNUTLS_CLIENT);
	gnutls_priority_set_direct(s, prio, NULL);
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
	if (sni != NULL)
		gnutls_server_name_set(s, GNUTLS_NAME_DNS, sni, strlen(sni));
	gnutls_transport_set_int(s, fd);
	do {
		rc = gnutls_handshake(s);
	} while (rc < 0 && !gnutls_error_is_fatal(rc));
	if (rc < 0)
		_exit(2);
	if (want_cn != NULL) {
		unsigned int n;
		const gnutls_datum_t *certs = gnutls_certificate_get_peers(s, &n);
		gnutls_x509_crt_t crt;
		char cn[256];
		size_t len = sizeof(cn);

		gnutls_x509_crt_init(&crt);
		if (certs == NULL || n < 1 ||
		    gnutls_x509_crt_import(crt, &certs[0], GNUTLS_X509_FMT_DER) < 0 ||
		    gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn,
						  &len) < 0 ||
		    strcmp(cn, want_cn) != 0)
			_exit(4);
	}
	if (gnutls_record_send(s, "ping", 4) != 4)
		_exit(3);
	do { /* TLS 1.3 session tickets arrive first and make recv return AGAIN */
		rc = (int)gnutls_record_recv(s, buf, sizeof(buf));
	} while (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED);
	if (rc != 4 || memcmp(buf, "pong", 4) != 0)
		_exit(3);
	gnutls_bye(s, GNUTLS_SHUT_WR);
	while (read(fd, buf, sizeof(buf)) > 0) /* until the server closes: no reset */
		;
	_exit(0);
}

static int child_status(pid_t pid)
{
	int st;

	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* Server in this process, client in a child; returns the client's status. */
static int handshake(const char *prio, const char *sni, const char *want_cn, int expect_ok,
		     const char *expect_sni)
{
	struct tls_server *srv;
	struct tls_session *ts;
	const char *error = NULL;
	char buf[16];
	int sp[2], rc;
	pid_t pid;

	ck_assert_msg(tls_server_new_from_env(&srv, &error) == 0, "%s", error);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	pid = fork();
	if (pid == 0) {
		close(sp[0]);
		run_client(sp[1], prio, sni, want_cn);
	}
	close(sp[1]);
	rc = tls_server_start(srv, sp[0], sp[0], &ts, &error);
	if (!expect_ok) {
		ck_assert_int_eq(rc, -1);
		ck_assert_ptr_nonnull(strstr(error, "TLS handshake failed"));
	} else {
		ck_assert_msg(rc == 0, "%s", error);
		if (expect_sni == NULL)
			ck_assert_ptr_null(tls_session_server_name(ts));
		else
			ck_assert_str_eq(tls_session_server_name(ts), expect_sni);
		ck_assert_int_eq(tls_read(ts, buf, sizeof(buf)), 4);
		ck_assert_int_eq(memcmp(buf, "ping", 4), 0);
		ck_assert_int_eq(tls_write(ts, "pong", 4), 0);
		ck_assert_int_eq(tls_read(ts, buf, sizeof(buf)), 0); /* close_notify */
		tls_session_free(ts);
	}
	close(sp[0]);
	tls_server_free(srv);
	return child_status(pid);
}

START_TEST(test_handshake_tls13)
{
	ck_assert_int_eq(handshake("NORMAL", "localhost", "localhost", 1, "localhost"), 0);
}
END_TEST

START_TEST(test_handshake_tls12_no_sni)
{
	ck_assert_int_eq(handshake("NORMAL:-VERS-ALL:+VERS-TLS1.2", NULL, "localhost", 1, NULL), 0);
}
END_TEST

START_TEST(test_tls11_refused)
{
	ck_assert_int_eq(handshake("NORMAL:-VERS-ALL:+VERS-TLS1.1:+VERS-TLS1.0", "localhost", NULL,
				   0, NULL), 2);
}
END_TEST

START_TEST(test_sni_named_certificate)
{
	char other[] = "/tmp/check-tls-other-XXXXXX";
	int fd = mkstemp(other);

	ck_assert_int_ge(fd, 0);
	close(fd);
	make_cert(other, "mail.example.net");
	setenv("TLS_CERTFILE.mail.example.net", other, 1);
	ck_assert_int_eq(handshake("NORMAL", "mail.example.net", "mail.example.net", 1,
				   "mail.example.net"), 0);
	ck_assert_int_eq(handshake("NORMAL", "localhost", "localhost", 1, "localhost"), 0);
	ck_assert_int_eq(handshake("NORMAL", "unknown.example", "localhost", 1, "unknown.example"),
			 0);
	unsetenv("TLS_CERTFILE.mail.example.net");
	unlink(other);
}
END_TEST

START_TEST(test_sni_numbered_certificate)
{
	char other[] = "/tmp/check-tls-num-XXXXXX";
	int fd = mkstemp(other);

	ck_assert_int_ge(fd, 0);
	close(fd);
	make_cert(other, "second.example");
	setenv("TLS_CERTFILE_1", other, 1);
	/* GnuTLS picks among TLS_CERTFILE and TLS_CERTFILE_<n> by the names in them */
	ck_assert_int_eq(handshake("NORMAL", "second.example", "second.example", 1,
				   "second.example"), 0);
	ck_assert_int_eq(handshake("NORMAL", "localhost", "localhost", 1, "localhost"), 0);
	unsetenv("TLS_CERTFILE_1");
	unlink(other);
}
END_TEST

static const struct {
	const char *var, *value, *error_part;
} env_rows[] = {
	{ "TLS_CERTFILE", NULL, "TLS_CERTFILE is not set" },
	{ "TLS_CERTFILE", "/nonexistent/cert.pem", "/nonexistent/cert.pem" },
	{ "TLS_PRIORITY", "NORMAL:+BOGUS-THING", "TLS_PRIORITY" },
	{ "TLS_DHPARAMS", "/nonexistent/dh.pem", "/nonexistent/dh.pem" },
	{ "TLS_PRIVATE_KEYFILE", "/nonexistent/key.pem", "" },
	{ "TLS_TICKET_KEYFILE", "/nonexistent/dir/ticket", "/nonexistent/dir/ticket" },
};

START_TEST(test_env_failures)
{
	struct tls_server *srv = NULL;
	const char *error = NULL;

	if (env_rows[_i].value == NULL)
		unsetenv(env_rows[_i].var);
	else
		setenv(env_rows[_i].var, env_rows[_i].value, 1);
	ck_assert_int_eq(tls_server_new_from_env(&srv, &error), -1);
	ck_assert_ptr_nonnull(error);
	ck_assert_msg(strstr(error, env_rows[_i].error_part) != NULL, "%s", error);
	unsetenv(env_rows[_i].var);
}
END_TEST

START_TEST(test_ticket_key_file_created)
{
	char dir[] = "/tmp/check-tls-dir-XXXXXX";
	char path[128];
	struct tls_server *srv;
	const char *error;
	struct stat;
	FILE *f;
	char key[100];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ticket", dir);
	setenv("TLS_TICKET_KEYFILE", path, 1);
	ck_assert_int_eq(tls_server_new_from_env(&srv, &error), 0);
	tls_server_free(srv);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(key, 1, sizeof(key), f), 64);
	fclose(f);
	ck_assert_int_eq(tls_server_new_from_env(&srv, &error), 0); /* reads the same file */
	tls_server_free(srv);
	unsetenv("TLS_TICKET_KEYFILE");
	unlink(path);
	rmdir(dir);
}
END_TEST

/* STARTTLS in a chrooted login child: the files are read before, parsed after they are gone. */
START_TEST(test_preload_then_files_gone)
{
	char dir[] = "/tmp/check-tls-dir-XXXXXX", ticket[128];
	struct tls_server *srv = NULL;
	const char *error = NULL;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(ticket, sizeof(ticket), "%s/ticket", dir);
	setenv("TLS_TICKET_KEYFILE", ticket, 1);
	ck_assert_int_eq(tls_server_preload_env(&error), 0);
	ck_assert_int_eq(access(ticket, F_OK), 0);	/* created by the preload, as before */
	ck_assert_int_eq(unlink(certpath), 0);
	ck_assert_int_eq(unlink(ticket), 0);
	ck_assert_int_eq(rmdir(dir), 0);
	ck_assert_msg(tls_server_new_from_env(&srv, &error) == 0, "%s", error);
	tls_server_free(srv);
	unsetenv("TLS_TICKET_KEYFILE");
}
END_TEST

START_TEST(test_preload_missing_file)
{
	const char *error = NULL;

	setenv("TLS_CERTFILE", "/nonexistent/cert.pem", 1);
	ck_assert_int_eq(tls_server_preload_env(&error), -1);
	ck_assert_ptr_nonnull(strstr(error, "/nonexistent/cert.pem"));
	unsetenv("TLS_CERTFILE");
	ck_assert_int_eq(tls_server_preload_env(&error), -1);
	ck_assert_ptr_nonnull(strstr(error, "TLS_CERTFILE is not set"));
}
END_TEST

static Suite *tls_suite(void)
{
	Suite *s = suite_create("tls");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_handshake_tls13);
	tcase_add_test(tc, test_handshake_tls12_no_sni);
	tcase_add_test(tc, test_tls11_refused);
	tcase_add_test(tc, test_sni_named_certificate);
	tcase_add_test(tc, test_sni_numbered_certificate);
	tcase_add_loop_test(tc, test_env_failures, 0, sizeof(env_rows) / sizeof(env_rows[0]));
	tcase_add_test(tc, test_ticket_key_file_created);
	tcase_add_test(tc, test_preload_then_files_gone);
	tcase_add_test(tc, test_preload_missing_file);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tls_suite());
	int failed;

	signal(SIGPIPE, SIG_IGN);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
