/* Unit tests for PASSWD on userdb accounts (auth_chain_passwd: source edited, databases rebuilt,
 * every matching password field changed, system accounts refused), and for the equal treatment
 * of unknown users and wrong passwords: both run exactly one password hash check. Linked with
 * -Wl,--wrap=pwscheme_verify to count those checks. */
#include "config.h"
#include "auth-chain.h"
#include "buf.h"
#include "conffile.h"
#include "hmackey.h"
#include "pwscheme.h"
#include "scram-keys.h"
#include "userdb-make.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int __real_pwscheme_verify(const char *stored, const char *plain, const char **error_r);
int __wrap_pwscheme_verify(const char *stored, const char *plain, const char **error_r);

static unsigned verify_calls;
static char verify_plain[64];

int __wrap_pwscheme_verify(const char *stored, const char *plain, const char **error_r)
{
	verify_calls++;
	snprintf(verify_plain, sizeof(verify_plain), "%s", plain);
	return __real_pwscheme_verify(stored, plain, error_r);
}

#define MD5CRYPT_SECRET "$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1" /* "secret" */
#define ZEROS64 "0000000000000000000000000000000000000000000000000000000000000000"

static char tmpdir[64], source[128], userfile[160];
static struct conffile *conf;
static struct auth_chain *chain;

/* bob: systempw, hmac-md5pw and hmac-sha1pw of "secret", an imap-hmac-md5pw of something else,
 * apoppw and scram-sha256pw of "secret". carol: pop3pw "popold" and systempw "secret". */
static char *users_text(void)
{
	const char *err;
	char *md5 = hmackey_make(HMACKEY_MD5, "secret", 6);
	char *sha1 = hmackey_make(HMACKEY_SHA1, "secret", 6);
	char *scram = pwscheme_generate("scram-sha256", "secret", &err);
	char *pop = pwscheme_generate("{SHA}", "popold", &err);
	char *t = NULL;
	size_t n;
	FILE *f = open_memstream(&t, &n);

	fprintf(f, "# accounts\n");
	fprintf(f, "bob@example.com\tuid=1000|gid=1000|home=/home/bob|systempw=%s|hmac-md5pw=%s"
		   "|imap-hmac-md5pw=%s|hmac-sha1pw=%s|apoppw=secret|scram-sha256pw=%s\n",
		MD5CRYPT_SECRET, md5, ZEROS64, sha1, scram);
	fprintf(f, "carol\tuid=1001|gid=1001|home=/home/carol|pop3pw=%s|systempw=%s\n", pop,
		MD5CRYPT_SECRET);
	fclose(f);
	free(md5);
	free(sha1);
	free(scram);
	free(pop);
	return t;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(chmod(path, 0600), 0);
}

static char *read_file(const char *path)
{
	char *data = NULL;
	size_t n = 0;
	FILE *f = fopen(path, "r");

	ck_assert_ptr_nonnull(f);
	data = malloc(65536);
	n = fread(data, 1, 65535, f);
	data[n] = '\0';
	fclose(f);
	return data;
}

/* in_dir: the source is a users/ directory holding the accounts in "sub/accts". */
static void setup_common(int in_dir)
{
	struct buf err = BUF_INIT;
	const char *warning = NULL, *error = NULL;
	char *text = users_text();

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check-auth-passwd.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(source, sizeof(source), "%s/userdb", tmpdir);
	if (in_dir) {
		char sub[160];
		ck_assert_int_eq(mkdir(source, 0700), 0);
		snprintf(sub, sizeof(sub), "%s/sub", source);
		ck_assert_int_eq(mkdir(sub, 0700), 0);
		snprintf(userfile, sizeof(userfile), "%s/sub/accts", source);
	} else {
		snprintf(userfile, sizeof(userfile), "%s", source);
	}
	write_file(userfile, text);
	free(text);
	ck_assert_msg(userdb_make_build(source, &err) == 0, "%s", buf_cstr(&err));
	buf_free(&err);
	conf = conffile_new();
	conffile_set(conf, "userdb", source);
	chain = auth_chain_new("authuserdb authshadow", conf, &warning, &error);
	ck_assert_ptr_nonnull(chain);
	verify_calls = 0;
}

static void setup_file(void)
{
	setup_common(0);
}

static void setup_dir(void)
{
	setup_common(1);
}

static void teardown(void)
{
	char cmd[128];

	auth_chain_free(chain);
	conffile_free(conf);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static enum auth_result login(const char *service, const char *user, const char *pw)
{
	struct account *a = NULL;
	const char *error = NULL;
	enum auth_result r = auth_chain_login(chain, service, user, pw, &a, &error);

	account_free(a);
	return r;
}

static char *secret(const char *service, const char *user, const char *field)
{
	char *s = NULL;
	const char *error = NULL;

	ck_assert_int_eq(auth_chain_get_secret(chain, service, user, field, &s, &error), 1);
	return s;
}

static void assert_hmac(const char *user, const char *field, enum hmackey_hash h, const char *pw)
{
	/* pop3: bob has no pop3-hmac-*pw, so this reads the field itself */
	char *want = hmackey_make(h, pw, strlen(pw)), *got = secret("pop3", user, field);

	ck_assert_str_eq(got, want);
	free(want);
	free(got);
}

/* The bob change, common to the file and the directory source. */
static void change_bob(void)
{
	const char *error = NULL;
	struct stat st;
	char *text, *s;
	struct scram_keys k, mine;

	ck_assert_int_eq(auth_chain_passwd(chain, "imap", "bob@EXAMPLE.com", "secret", "n3w pass",
					   &error),
			 AUTH_OK);
	/* The next request sees the rebuilt database: no restart, no reopen call. */
	ck_assert_int_eq(login("imap", "bob@example.com", "n3w pass"), AUTH_OK);
	ck_assert_int_eq(login("imap", "bob@example.com", "secret"), AUTH_BADPASS);
	assert_hmac("bob@example.com", "hmac-md5pw", HMACKEY_MD5, "n3w pass");
	assert_hmac("bob@example.com", "hmac-sha1pw", HMACKEY_SHA1, "n3w pass");
	/* imap-hmac-md5pw held another password: left alone */
	s = secret("pop3", "bob@example.com", "imap-hmac-md5pw");
	ck_assert_str_eq(s, ZEROS64);
	free(s);
	s = secret("imap", "bob@example.com", "apoppw");
	ck_assert_str_eq(s, "n3w pass");
	free(s);
	s = secret("imap", "bob@example.com", "scram-sha256pw");
	ck_assert_int_eq(scram_keys_parse(&k, HMACKEY_SHA256, s, &error), 0);
	scram_keys_derive(&mine, HMACKEY_SHA256, "n3w pass", k.salt, k.salt_len, k.iter);
	ck_assert_mem_eq(mine.stored_key, k.stored_key, 32);
	free(s);
	/* The source: same order of fields, new systempw an MD5-crypt, mode kept, comment kept. */
	text = read_file(userfile);
	ck_assert_msg(strncmp(text, "# accounts\nbob@example.com\tuid=1000|gid=1000|home=/home/bob"
				    "|systempw=$1$", 68) == 0, "%s", text);
	ck_assert_ptr_null(strstr(text, MD5CRYPT_SECRET "|hmac"));
	ck_assert_ptr_nonnull(strstr(text, "|imap-hmac-md5pw=" ZEROS64 "|hmac-sha1pw="));
	ck_assert_ptr_nonnull(strstr(text, "|apoppw=n3w pass|scram-sha256pw="));
	ck_assert_ptr_nonnull(strstr(text, "\ncarol\tuid=1001|gid=1001|home=/home/carol|pop3pw="));
	free(text);
	ck_assert_int_eq(stat(userfile, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
}

START_TEST(test_passwd_file)
{
	change_bob();
}
END_TEST

START_TEST(test_passwd_dir)
{
	char path[200];
	struct stat st;

	change_bob();
	/* No stray files next to the edited one (temp and lock names are dot files). */
	snprintf(path, sizeof(path), "%s/sub/.tmp.accts", source);
	ck_assert_int_ne(stat(path, &st), 0);
}
END_TEST

START_TEST(test_passwd_service_field)
{
	const char *error = NULL;
	char *before = read_file(userfile), *after;

	/* pop3pw is carol's pop3 password: only it changes; systempw stays "secret". */
	ck_assert_int_eq(auth_chain_passwd(chain, "pop3", "carol", "secret", "x", &error),
			 AUTH_BADPASS);
	ck_assert_str_eq(error, "wrong old password");
	after = read_file(userfile);
	ck_assert_str_eq(after, before);
	free(after);
	ck_assert_int_eq(auth_chain_passwd(chain, "pop3", "carol", "popold", "popnew", &error),
			 AUTH_OK);
	ck_assert_int_eq(login("pop3", "carol", "popnew"), AUTH_OK);
	ck_assert_int_eq(login("imap", "carol", "secret"), AUTH_OK);
	ck_assert_int_eq(login("imap", "carol", "popnew"), AUTH_BADPASS);
	free(before);
}
END_TEST

static const struct {
	const char *service, *user, *oldpw, *newpw, *error;
} refused[] = {
	{ "imap", "bob@example.com", "wrong", "x", "wrong old password" },
	{ "imap", "bob@example.com", "", "x", "wrong old password" },
	{ "imap", "bob@example.com", "secret", "", "empty new password" },
	{ "imap", "nobody@example.com", "secret", "x", "unknown user" },
	{ "imap", "root", "whatever", "x", "password change refused: system account" },
	{ "im/ap", "bob@example.com", "secret", "x", "invalid service name" },
	{ "imap", "bob@xn--zz.example", "secret", "x", "invalid international domain name" },
};

START_TEST(test_passwd_refused)
{
	const char *error = NULL;
	char *before = read_file(userfile), *after;

	ck_assert_int_eq(auth_chain_passwd(chain, refused[_i].service, refused[_i].user,
					   refused[_i].oldpw, refused[_i].newpw, &error),
			 AUTH_BADPASS);
	ck_assert_str_eq(error, refused[_i].error);
	after = read_file(userfile);
	ck_assert_str_eq(after, before);
	ck_assert_int_eq(login("imap", "bob@example.com", "secret"), AUTH_OK);
	free(before);
	free(after);
}
END_TEST

/* Unknown user and wrong password: the same result and exactly one hash check of the given
 * password each, so the time spent before the (shared) failure delay does not tell them apart. */
START_TEST(test_unknown_user_costs_a_hash_check)
{
	verify_calls = 0;
	ck_assert_int_eq(login("imap", "bob@example.com", "wrong1"), AUTH_BADPASS);
	ck_assert_uint_eq(verify_calls, 1);
	ck_assert_str_eq(verify_plain, "wrong1");
	verify_calls = 0;
	ck_assert_int_eq(login("imap", "nobody@example.com", "wrong2"), AUTH_BADPASS);
	ck_assert_uint_eq(verify_calls, 1);
	ck_assert_str_eq(verify_plain, "wrong2");
	verify_calls = 0;
	ck_assert_int_eq(login("imap", "bad@xn--zz.example", "wrong3"), AUTH_BADPASS);
	ck_assert_uint_eq(verify_calls, 1);
	verify_calls = 0;
	ck_assert_int_eq(login("imap", "bob@example.com", "secret"), AUTH_OK);
	ck_assert_uint_eq(verify_calls, 1);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

int main(void)
{
	Suite *s = suite_create("auth-passwd");
	TCase *tf = tcase_create("file"), *td = tcase_create("dir");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tf, setup_file, teardown);
	tcase_set_timeout(tf, 60);
	tcase_add_test(tf, test_passwd_file);
	tcase_add_test(tf, test_passwd_service_field);
	tcase_add_loop_test(tf, test_passwd_refused, 0, N(refused));
	tcase_add_test(tf, test_unknown_user_costs_a_hash_check);
	suite_add_tcase(s, tf);
	tcase_add_checked_fixture(td, setup_dir, teardown);
	tcase_set_timeout(td, 60);
	tcase_add_test(td, test_passwd_dir);
	suite_add_tcase(s, td);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
