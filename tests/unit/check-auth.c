/* Unit tests for accounts, option helpers, IDN canonical names, and the backend chain over a
 * real userdb.dat (built with the userdb library) and the system passwd/shadow backend. */
#include "config.h"
#include "account.h"
#include "auth-chain.h"
#include "authname.h"
#include "buf.h"
#include "conffile.h"
#include "sasl-mech.h"
#include "userdb-make.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

START_TEST(test_options)
{
	static const char opts[] = "disableimap=1,sharedgroup=staff,disablepop3=0,disablewebmail";
	char *v, *m;

	ck_assert(account_option_enabled(opts, "disableimap"));
	ck_assert(!account_option_enabled(opts, "disablepop3"));
	ck_assert(account_option_enabled(opts, "disablewebmail"));
	ck_assert(!account_option_enabled(opts, "disableinsecureimap"));
	ck_assert(!account_option_enabled(opts, "disable"));
	ck_assert(!account_option_enabled(NULL, "disableimap"));
	v = account_option_get(opts, "sharedgroup");
	ck_assert_str_eq(v, "staff");
	free(v);
	ck_assert_ptr_null(account_option_get(opts, "sharedgrou"));
	m = account_options_merge("disableimap=1", "disableimap=0,disablepop3=1,group=x");
	ck_assert_str_eq(m, "disableimap=1,disablepop3=1,group=x");
	free(m);
	m = account_options_merge(NULL, "disableinsecureimap=1");
	ck_assert_str_eq(m, "disableinsecureimap=1");
	free(m);
	m = account_options_merge(NULL, NULL);
	ck_assert_str_eq(m, "");
	free(m);
	m = account_options_merge("a=1", "");
	ck_assert_str_eq(m, "a=1");
	free(m);
}
END_TEST

static const struct {
	const char *in, *out;
} name_rows[] = {
	{ "bob", "bob" },
	{ "bob@Example.COM", "bob@example.com" },
	{ "info@b\xc3\xbc" "cher.example", "info@xn--bcher-kva.example" },
	{ "info@B\xc3\x9c" "CHER.example", "info@xn--bcher-kva.example" },
	{ "info@XN--BCHER-KVA.example", "info@xn--bcher-kva.example" },
	{ "a@b@c.example", "a@b@c.example" },
	{ "postmaster@test.\xd0\xb8\xd1\x81\xd0\xbf\xd1\x8b\xd1\x82\xd0\xb0\xd0\xbd\xd0\xb8\xd0\xb5",
	  "postmaster@test.xn--80akhbyknj4f" },
	/* invalid */
	{ "", NULL },
	{ "bob@", NULL },
	{ "@example.com", NULL },
	{ "bob@xn--zz.example", NULL },
	{ "bob@ex\x01.com", NULL },
	{ "bob\n@example.com", NULL },
	{ "bob@\xff\xfe.example", NULL },
};

START_TEST(test_authname)
{
	const char *error = NULL;
	char *c = authname_canonical(name_rows[_i].in, &error);

	if (name_rows[_i].out == NULL) {
		ck_assert_ptr_null(c);
		ck_assert_ptr_nonnull(error);
	} else {
		ck_assert_msg(c != NULL, "%s: %s", name_rows[_i].in, error);
		ck_assert_str_eq(c, name_rows[_i].out);
	}
	free(c);
}
END_TEST

static char tmpdir[64];
static struct conffile *conf;
static struct auth_chain *chain;

static const char users_text[] =
	"bob@example.com\tuid=1000|gid=1000|home=/home/bob|mail=/home/bob/Maildir"
	"|quota=10000000S|gecos=Bob B|options=disableimap=1"
	"|systempw=$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1|pop3pw={SHA}S0YYHdc3hInJv434c3MdOQZxC3g="
	"|hmac-md5pw=d06d4e1b26fccaa4b0b61801132340a354b21152711fb604ca3e035e7015116b"
	"|imap-hmac-md5pw=0000000000000000000000000000000000000000000000000000000000000000"
	"|apoppw=tanstaaf\n"
	"info@xn--bcher-kva.example\tuid=1001|gid=1001|home=/home/info"
	"|systempw={SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\n"
	"nopw\tuid=1002|gid=1002|home=/home/nopw\n"
	"norec\tuid=1|home=/x|systempw=secret\n";

static void setup(void)
{
	char path[128];
	struct buf err = BUF_INIT;
	const char *warning = NULL, *error = NULL;
	FILE *f;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check-auth.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/userdb", tmpdir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(users_text, f);
	fclose(f);
	chmod(path, 0600);
	ck_assert_msg(userdb_make_build(path, &err) == 0, "%s", buf_cstr(&err));
	buf_free(&err);
	conf = conffile_new();
	conffile_set(conf, "userdb", path);
	chain = auth_chain_new("authuserdb authshadow", conf, &warning, &error);
	ck_assert_ptr_nonnull(chain);
	ck_assert_ptr_null(warning);
}

static void teardown(void)
{
	char cmd[128];

	auth_chain_free(chain);
	conffile_free(conf);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_chain_lookup)
{
	struct account *a = NULL;
	const char *error = NULL;

	ck_assert_int_eq(auth_chain_lookup(chain, "imap", "bob@example.com", &a, &error), AUTH_OK);
	ck_assert_str_eq(a->address, "bob@example.com");
	ck_assert_ptr_null(a->sysusername);
	ck_assert_uint_eq(a->uid, 1000);
	ck_assert_uint_eq(a->gid, 1000);
	ck_assert_str_eq(a->home, "/home/bob");
	ck_assert_str_eq(a->maildir, "/home/bob/Maildir");
	ck_assert_str_eq(a->quota, "10000000S");
	ck_assert_str_eq(a->fullname, "Bob B");
	ck_assert_str_eq(a->options, "disableimap=1");
	ck_assert_str_eq(a->passwd, "$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1");
	account_free(a);
	/* pop3pw comes before systempw for service pop3 */
	ck_assert_int_eq(auth_chain_lookup(chain, "pop3", "bob@EXAMPLE.com", &a, &error), AUTH_OK);
	ck_assert_str_eq(a->passwd, "{SHA}S0YYHdc3hInJv434c3MdOQZxC3g=");
	account_free(a);
	ck_assert_int_eq(auth_chain_lookup(chain, "imap", "info@b\xc3\xbc" "cher.example", &a,
					   &error), AUTH_OK);
	ck_assert_str_eq(a->address, "info@xn--bcher-kva.example");
	ck_assert_ptr_null(a->maildir);
	account_free(a);
	ck_assert_int_eq(auth_chain_lookup(chain, "imap", "nobody@example.com", &a, &error),
			 AUTH_NOUSER);
	ck_assert_int_eq(auth_chain_lookup(chain, "imap", "norec", &a, &error), AUTH_NOUSER);
	ck_assert_int_eq(auth_chain_lookup(chain, "imap", "x@xn--zz.example", &a, &error),
			 AUTH_NOUSER);
	ck_assert_str_eq(error, "invalid international domain name");
	ck_assert_int_eq(auth_chain_lookup(chain, "im/ap", "bob@example.com", &a, &error),
			 AUTH_NOUSER);
	/* authshadow comes after authuserdb */
	ck_assert_int_eq(auth_chain_lookup(chain, "imap", "root", &a, &error), AUTH_OK);
	ck_assert_str_eq(a->sysusername, "root");
	ck_assert_uint_eq(a->uid, 0);
	account_free(a);
}
END_TEST

static const struct {
	const char *service, *user, *password;
	enum auth_result result;
} login_rows[] = {
	{ "imap", "bob@example.com", "secret", AUTH_OK },
	{ "imap", "bob@example.com", "secreT", AUTH_BADPASS },
	{ "imap", "bob@example.com", "", AUTH_BADPASS },
	{ "pop3", "bob@example.com", "popsecret", AUTH_OK },
	{ "pop3", "bob@example.com", "secret", AUTH_BADPASS },
	{ "smtp", "bob@example.com", "secret", AUTH_OK },
	{ "imap", "info@b\xc3\xbc" "cher.example", "secret", AUTH_OK },
	{ "imap", "info@xn--bcher-kva.example", "secret", AUTH_OK },
	{ "imap", "info@xn--bcher-kva.example", "wrong", AUTH_BADPASS },
	{ "imap", "nobody@example.com", "secret", AUTH_BADPASS },
	{ "imap", "nopw", "", AUTH_BADPASS },
	{ "imap", "nopw", "x", AUTH_BADPASS },
	{ "imap", "root", "surely-not-roots-password", AUTH_BADPASS },
};

START_TEST(test_chain_login)
{
	struct account *a = NULL;
	const char *error = NULL;
	enum auth_result r = auth_chain_login(chain, login_rows[_i].service, login_rows[_i].user,
					      login_rows[_i].password, &a, &error);

	ck_assert_msg(r == login_rows[_i].result, "%s/%s: %d", login_rows[_i].user,
		      login_rows[_i].password, r);
	if (r == AUTH_OK) {
		ck_assert_str_eq(a->clearpasswd, login_rows[_i].password);
		account_free(a);
	}
}
END_TEST

START_TEST(test_chain_secrets_and_cram)
{
	static const char resp[] = "bob@example.com b913a602c7eda7a495b4e6e7334d3890";
	struct auth_chain_creds cc;
	const char *error = NULL;
	char *secret = NULL;
	struct sasl_session *s;
	struct buf out = BUF_INIT;

	ck_assert_int_eq(auth_chain_get_secret(chain, "imap", "bob@example.com", "hmac-md5pw",
					       &secret, &error), 1);
	ck_assert_str_eq(secret, "0000000000000000000000000000000000000000000000000000000000000000");
	free(secret);
	ck_assert_int_eq(auth_chain_get_secret(chain, "pop3", "bob@example.com", "hmac-md5pw",
					       &secret, &error), 1);
	ck_assert_str_eq(secret, "d06d4e1b26fccaa4b0b61801132340a354b21152711fb604ca3e035e7015116b");
	free(secret);
	ck_assert_int_eq(auth_chain_get_secret(chain, "pop3", "bob@example.com", "hmac-sha1pw",
					       &secret, &error), 0);
	ck_assert_int_eq(auth_chain_get_secret(chain, "pop3", "root", "hmac-md5pw", &secret,
					       &error), 0);

	/* RFC 2195's exchange for bob through the chain: pop3 uses hmac-md5pw, imap its own. */
	s = sasl_session_new(&sasl_mech_cram_md5, auth_chain_creds_init(&cc, chain, "pop3"), NULL);
	sasl_session_set_nonce(s, "<1896.697170952@postoffice.reston.mci.net>");
	ck_assert_int_eq(sasl_session_start(s, NULL, 0, 0, &out), SASL_CONTINUE);
	ck_assert_int_eq(sasl_session_input(s, resp, strlen(resp), &out), SASL_OK);
	sasl_session_free(s);
	s = sasl_session_new(&sasl_mech_cram_md5, auth_chain_creds_init(&cc, chain, "imap"), NULL);
	sasl_session_set_nonce(s, "<1896.697170952@postoffice.reston.mci.net>");
	ck_assert_int_eq(sasl_session_start(s, NULL, 0, 0, &out), SASL_CONTINUE);
	ck_assert_int_eq(sasl_session_input(s, resp, strlen(resp), &out), SASL_FAIL);
	sasl_session_free(s);
	/* PLAIN through the chain */
	s = sasl_session_new(&sasl_mech_plain, auth_chain_creds_init(&cc, chain, "imap"), NULL);
	ck_assert_int_eq(sasl_session_start(s, "\0bob@example.com\0secret", 23, 1, &out), SASL_OK);
	sasl_session_free(s);
	s = sasl_session_new(&sasl_mech_plain, auth_chain_creds_init(&cc, chain, "imap"), NULL);
	ck_assert_int_eq(sasl_session_start(s, "\0bob@example.com\0secre", 22, 1, &out), SASL_FAIL);
	sasl_session_free(s);
	buf_free(&out);
}
END_TEST

static void count_module(const char *name, void *ctx)
{
	struct buf *b = ctx;

	buf_printf(b, "# %s\n", name);
}

static void count_account(const struct account *a, void *ctx)
{
	struct buf *b = ctx;

	buf_printf(b, "%s %u\n", a->address, (unsigned)a->uid);
}

START_TEST(test_chain_enumerate_and_config)
{
	struct buf b = BUF_INIT;
	const char *warning = NULL, *error = NULL;
	struct conffile *cf;
	struct auth_chain *c;

	auth_chain_enumerate(chain, count_module, count_account, &b);
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "# authuserdb\n"));
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "bob@example.com 1000\n"));
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "info@xn--bcher-kva.example 1001\n"));
	ck_assert_ptr_null(strstr(buf_cstr(&b), "norec"));
	buf_free(&b);

	ck_assert_ptr_null(auth_chain_new("authuserdb authnosuch", conf, &warning, &error));
	ck_assert_str_eq(error, "unknown module in authmodulelist");
	cf = conffile_new();
	conffile_set(cf, "userdb", "/nonexistent/userdb");
	c = auth_chain_new("authuserdb authpwd", cf, &warning, &error);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(warning);
	auth_chain_free(c);
	conffile_free(cf);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

int main(void)
{
	Suite *s = suite_create("auth");
	TCase *tc = tcase_create("core");
	TCase *tcc = tcase_create("chain");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_options);
	tcase_add_loop_test(tc, test_authname, 0, N(name_rows));
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tcc, setup, teardown);
	tcase_set_timeout(tcc, 60);
	tcase_add_test(tcc, test_chain_lookup);
	tcase_add_loop_test(tcc, test_chain_login, 0, N(login_rows));
	tcase_add_test(tcc, test_chain_secrets_and_cram);
	tcase_add_test(tcc, test_chain_enumerate_and_config);
	suite_add_tcase(s, tcc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
