/* Unit tests for the userdb library: fields, the source text, makeuserdb and the GDBM reader. */
#include "config.h"

#include "authlib/userdb-db.h"
#include "authlib/userdb-make.h"
#include "authlib/userdb-text.h"
#include "buf.h"
#include "xalloc.h"

#include <check.h>
#include <fcntl.h>
#include <gdbm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- fields ---- */

static const struct {
	const char *text;
	int ok;
	const char *want; /* "name=value;" for each parsed field */
} field_rows[] = {
	{ "uid=1000|gid=100|home=/home/a", 1, "uid=1000;gid=100;home=/home/a;" },
	{ "disableimap|quota=10S", 1, "disableimap=;quota=10S;" },
	{ "options=disableimap=1,group=x|mail=./M=x", 1,
	  "options=disableimap=1,group=x;mail=./M=x;" },
	{ "", 1, "" },
	{ "a||b|", 1, "a=;b=;" },
	{ "=x|k=", 1, "=x;k=;" },
	{ "gecos=B\xc3\xbc" "cher", 1, "gecos=B\xc3\xbc" "cher;" },
	{ "uid=1\t|gid=2", 0, NULL },
	{ "home=/a\nb", 0, NULL },
	{ "x=\x7f", 0, NULL },
	{ "x=\x01", 0, NULL },
};

START_TEST(test_fields_parse)
{
	const char *err = NULL;
	struct userdb_fields *f =
		userdb_fields_parse(field_rows[_i].text, strlen(field_rows[_i].text), &err);
	if (!field_rows[_i].ok) {
		ck_assert_ptr_null(f);
		ck_assert_ptr_nonnull(err);
		return;
	}
	ck_assert_ptr_nonnull(f);
	struct buf got = BUF_INIT;
	for (size_t i = 0; i < userdb_fields_count(f); i++) {
		const char *n, *v;
		userdb_fields_at(f, i, &n, &v);
		buf_printf(&got, "%s=%s;", n, v);
	}
	ck_assert_str_eq(buf_cstr(&got), field_rows[_i].want);
	buf_free(&got);
	userdb_fields_free(f);
}
END_TEST

START_TEST(test_fields_get)
{
	const char *err;
	const char *text = "uid=1|flag|uid=2|home=/h=1";
	struct userdb_fields *f = userdb_fields_parse(text, strlen(text), &err);
	ck_assert_str_eq(userdb_fields_get(f, "uid"), "1");
	ck_assert_str_eq(userdb_fields_get(f, "flag"), "");
	ck_assert_str_eq(userdb_fields_get(f, "home"), "/h=1");
	ck_assert_ptr_null(userdb_fields_get(f, "gid"));
	ck_assert_ptr_null(userdb_fields_get(f, "ui"));
	userdb_fields_free(f);
	/* Only len bytes count. */
	f = userdb_fields_parse("a=1|b=2", 3, &err);
	ck_assert_uint_eq(userdb_fields_count(f), 1);
	ck_assert_ptr_null(userdb_fields_get(f, "b"));
	userdb_fields_free(f);
}
END_TEST

/* ---- source text ---- */

static struct userdb_text *parse(const char *s)
{
	const char *err;
	struct userdb_text *t = userdb_text_parse(s, strlen(s), &err);
	ck_assert_ptr_nonnull(t);
	return t;
}

static void assert_text(const struct userdb_text *t, const char *want)
{
	struct buf b = BUF_INIT;
	userdb_text_write(t, &b);
	ck_assert_str_eq(buf_cstr(&b), want);
	buf_free(&b);
}

START_TEST(test_text_round_trip)
{
	const char *src = "# users\n\njohn\tuid=1|gid=2|home=/h\n1000=\tjohn\nnotab\n";
	struct userdb_text *t = parse(src);
	ck_assert_uint_eq(userdb_text_line_count(t), 5);
	assert_text(t, src);
	ck_assert_int_eq(userdb_text_find(t, "john"), 2);
	ck_assert_int_eq(userdb_text_find(t, "1000="), 3);
	ck_assert_int_eq(userdb_text_find(t, "notab"), 4);
	ck_assert_int_eq(userdb_text_find(t, "jo"), -1);
	ck_assert_int_eq(userdb_text_find(t, "# users"), -1);
	userdb_text_free(t);
	/* A missing final newline is added. */
	t = parse("a\tb=1");
	assert_text(t, "a\tb=1\n");
	userdb_text_free(t);
}
END_TEST

START_TEST(test_text_edit)
{
	const char *err;
	struct userdb_text *t = parse("# c\njohn\tuid=1|gid=2|home=/h|systempw=x\nmary\tuid=3\n");
	const char *set1[] = { "home=/new", "mail=Maildir", "disableimap" };
	ck_assert_int_eq(userdb_text_set(t, "john", set1, 3, &err), 0);
	assert_text(t, "# c\njohn\tuid=1|gid=2|home=/new|systempw=x|mail=Maildir|disableimap\n"
		       "mary\tuid=3\n");
	const char *set2[] = { "uid=9", "gid=9", "home=/z" };
	ck_assert_int_eq(userdb_text_set(t, "zed@example.com", set2, 3, &err), 0);
	const char *unset1[] = { "systempw", "disableimap", "absent" };
	ck_assert_int_eq(userdb_text_unset(t, "john", unset1, 3), 1);
	ck_assert_int_eq(userdb_text_unset(t, "nobody", unset1, 3), 0);
	ck_assert_int_eq(userdb_text_del(t, "mary"), 1);
	ck_assert_int_eq(userdb_text_del(t, "mary"), 0);
	assert_text(t, "# c\njohn\tuid=1|gid=2|home=/new|mail=Maildir\n"
		       "zed@example.com\tuid=9|gid=9|home=/z\n");

	/* Failure rows: what could not be stored back as one record. */
	const char *bad1[] = { "a=b|c" };
	const char *bad2[] = { "a=b\nc" };
	const char *bad3[] = { "=x" };
	ck_assert_int_eq(userdb_text_set(t, "john", bad1, 1, &err), -1);
	ck_assert_str_eq(err, "Invalid field or value.");
	ck_assert_int_eq(userdb_text_set(t, "john", bad2, 1, &err), -1);
	ck_assert_int_eq(userdb_text_set(t, "john", bad3, 1, &err), -1);
	ck_assert_int_eq(userdb_text_set(t, "jo\thn", set2, 1, &err), -1);
	ck_assert_int_eq(userdb_text_set(t, "#x", set2, 1, &err), -1);
	assert_text(t, "# c\njohn\tuid=1|gid=2|home=/new|mail=Maildir\n"
		       "zed@example.com\tuid=9|gid=9|home=/z\n");
	userdb_text_free(t);
}
END_TEST

START_TEST(test_text_bounds)
{
	const char *err;
	size_t n = USERDB_TEXT_MAX_LINE + 1;
	char *big = xmalloc(n + 1);
	memset(big, 'a', n);
	big[n] = '\0';
	ck_assert_ptr_null(userdb_text_parse(big, n, &err));
	ck_assert_ptr_null(userdb_text_parse(big, USERDB_TEXT_MAX_SIZE + 1, &err));
	free(big);
}
END_TEST

/* ---- makeuserdb line split ---- */

static const struct {
	const char *line;
	int record;
	const char *key, *main, *shadow;
} split_rows[] = {
	{ "john\tuid=1|gid=2|home=/h|systempw=$1$x|hmac-md5pw=ab|imap-hmac-sha1pw=cd", 1, "john",
	  "uid=1|gid=2|home=/h|_=users/", "systempw=$1$x|hmac-md5pw=ab|imap-hmac-sha1pw=cd" },
	{ "a\tsystempw=x", 1, "a", "_=users/", "systempw=x" },
	{ "a\t", 1, "a", "_=users/", "" },
	{ "a\tx||y||", 1, "a", "x||y|_=users/", "" },
	{ "a\t|systempw=z", 1, "a", "|_=users/", "systempw=z" },
	/* Only the name before the first '=' decides: */
	{ "a\tsystempw|opw=|pw=1|x=ypw=2|PW=3", 1, "a", "systempw|x=ypw=2|PW=3|_=users/",
	  "opw=|pw=1" },
	{ "1000=\tjohn", 1, "1000=", "john|_=users/", "" },
	{ "\tnokey", 1, "", "nokey|_=users/", "" },
	{ "# comment\tx", 0, NULL, NULL, NULL },
	{ "", 0, NULL, NULL, NULL },
	{ "notab", 0, NULL, NULL, NULL },
};

START_TEST(test_make_split)
{
	struct buf m = BUF_INIT, s = BUF_INIT;
	const char *key;
	size_t key_len;
	const char *line = split_rows[_i].line;
	int r = userdb_make_split(line, strlen(line), "users/", &key, &key_len, &m, &s);
	ck_assert_int_eq(r, split_rows[_i].record);
	if (r) {
		ck_assert_uint_eq(key_len, strlen(split_rows[_i].key));
		ck_assert_int_eq(memcmp(key, split_rows[_i].key, key_len), 0);
		ck_assert_str_eq(buf_cstr(&m), split_rows[_i].main);
		ck_assert_str_eq(buf_cstr(&s), split_rows[_i].shadow);
	}
	buf_free(&m);
	buf_free(&s);
}
END_TEST

START_TEST(test_make_dat_record)
{
	const char *k, *v;
	size_t kl, vl;
	ck_assert_int_eq(userdb_make_dat_record("a\tx=1", 5, &k, &kl, &v, &vl), 1);
	ck_assert_uint_eq(kl, 1);
	ck_assert_uint_eq(vl, 3);
	ck_assert_int_eq(memcmp(v, "x=1", 3), 0);
	/* makedatprog: empty value and TAB-less line store "1"; empty key and '#' are ignored. */
	ck_assert_int_eq(userdb_make_dat_record("b\t", 2, &k, &kl, &v, &vl), 1);
	ck_assert_int_eq(memcmp(v, "1", 1), 0);
	ck_assert_uint_eq(vl, 1);
	ck_assert_int_eq(userdb_make_dat_record("notab", 5, &k, &kl, &v, &vl), 1);
	ck_assert_uint_eq(kl, 5);
	ck_assert_int_eq(memcmp(v, "1", 1), 0);
	ck_assert_int_eq(userdb_make_dat_record("c\t\tx", 4, &k, &kl, &v, &vl), 1);
	ck_assert_uint_eq(vl, 2);
	ck_assert_int_eq(userdb_make_dat_record("\tx", 2, &k, &kl, &v, &vl), 0);
	ck_assert_int_eq(userdb_make_dat_record("#a\tb", 4, &k, &kl, &v, &vl), 0);
	ck_assert_int_eq(userdb_make_dat_record("", 0, &k, &kl, &v, &vl), 0);
}
END_TEST

/* ---- files: makeuserdb build, GDBM read ---- */

static char tmpdir[64];

static void tmp_setup(void)
{
	strcpy(tmpdir, "/tmp/check-userdb.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void tmp_teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

static char *tpath(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static void put_file(const char *name, const char *data, mode_t mode)
{
	char *p = tpath(name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
	free(p);
}

static int build(const char *name, struct buf *err)
{
	char *p = tpath(name);
	int r = userdb_make_build(p, err);
	free(p);
	return r;
}

static mode_t file_mode(const char *name)
{
	struct stat st;
	char *p = tpath(name);
	ck_assert_int_eq(stat(p, &st), 0);
	free(p);
	return st.st_mode & 07777;
}

/* The raw value stored for key in a GDBM file, or NULL. */
static char *raw_fetch(const char *name, const char *key)
{
	char *p = tpath(name);
	GDBM_FILE dbf = gdbm_open(p, 0, GDBM_READER, 0, NULL);
	ck_assert_ptr_nonnull(dbf);
	datum k = { (char *)key, (int)strlen(key) };
	datum v = gdbm_fetch(dbf, k);
	char *ret = v.dptr != NULL ? xstrndup(v.dptr, (size_t)v.dsize) : NULL;
	free(v.dptr);
	gdbm_close(dbf);
	free(p);
	return ret;
}

#define USERS_SRC                                                                            \
	"# test\n"                                                                           \
	"john@example.com\tuid=1000|gid=1000|home=/home/john|mail=Maildir|systempw=$1$s$h|" \
	"hmac-md5pw=d06d|disableimap\n"                                                      \
	"1000=\tjohn@example.com\n"                                                          \
	"\n"                                                                                 \
	"mary\tuid=1001|gid=1001|home=/home/mary\n"

START_TEST(test_make_and_read)
{
	struct buf err = BUF_INIT;
	const char *e;
	put_file("userdb", USERS_SRC, 0600);
	ck_assert_int_eq(build("userdb", &err), 0);
	ck_assert_str_eq(buf_cstr(&err), "");
	ck_assert_uint_eq(file_mode("userdb.dat"), 0644);
	ck_assert_uint_eq(file_mode("userdbshadow.dat"), 0600);

	/* Exact bytes: no NUL, "_=" with an empty location for a plain file. */
	char *v = raw_fetch("userdb.dat", "john@example.com");
	ck_assert_str_eq(v, "uid=1000|gid=1000|home=/home/john|mail=Maildir|disableimap|_=");
	free(v);
	v = raw_fetch("userdbshadow.dat", "john@example.com");
	ck_assert_str_eq(v, "systempw=$1$s$h|hmac-md5pw=d06d");
	free(v);
	ck_assert_ptr_null(raw_fetch("userdbshadow.dat", "mary"));
	v = raw_fetch("userdb.dat", "1000=");
	ck_assert_str_eq(v, "john@example.com|_=");
	free(v);

	char *dat = tpath("userdb.dat");
	struct userdb_db *db = userdb_db_open(dat, NULL, &e);
	ck_assert_ptr_nonnull(db);
	struct userdb_fields *m, *s;
	ck_assert_int_eq(userdb_db_fetch(db, "john@example.com", &m, &s, &e), 1);
	ck_assert_str_eq(userdb_fields_get(m, "home"), "/home/john");
	ck_assert_str_eq(userdb_fields_get(m, "disableimap"), "");
	ck_assert_str_eq(userdb_fields_get(m, "_"), "");
	ck_assert_ptr_null(userdb_fields_get(m, "systempw"));
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(userdb_fields_get(s, "systempw"), "$1$s$h");
	ck_assert_str_eq(userdb_fields_get(s, "hmac-md5pw"), "d06d");
	userdb_fields_free(m);
	userdb_fields_free(s);
	ck_assert_int_eq(userdb_db_fetch(db, "mary", &m, &s, &e), 1);
	ck_assert_ptr_null(s);
	userdb_fields_free(m);
	ck_assert_int_eq(userdb_db_fetch(db, "John@example.com", &m, &s, &e), 0);
	ck_assert_int_eq(userdb_db_fetch(db, "nobody", &m, &s, &e), 0);
	ck_assert_ptr_null(m);
	userdb_db_close(db);
	free(dat);
	buf_free(&err);
}
END_TEST

static void collect(const char *key, const struct userdb_fields *f, void *ctx)
{
	struct buf *b = ctx;
	buf_printf(b, "%s:%s;", key, userdb_fields_get(f, "uid"));
}

START_TEST(test_enumerate_skips_uid_records)
{
	struct buf err = BUF_INIT, got = BUF_INIT;
	const char *e;
	put_file("userdb", USERS_SRC, 0600);
	ck_assert_int_eq(build("userdb", &err), 0);
	char *dat = tpath("userdb.dat");
	struct userdb_db *db = userdb_db_open(dat, NULL, &e);
	ck_assert_int_eq(userdb_db_enumerate(db, collect, &got, &e), 0);
	/* GDBM order is a hash order: accept either. */
	ck_assert(strcmp(buf_cstr(&got), "john@example.com:1000;mary:1001;") == 0 ||
		  strcmp(buf_cstr(&got), "mary:1001;john@example.com:1000;") == 0);
	userdb_db_close(db);
	free(dat);
	buf_free(&err);
	buf_free(&got);
}
END_TEST

START_TEST(test_reopen_after_replace)
{
	struct buf err = BUF_INIT;
	const char *e;
	struct userdb_fields *m, *s;
	put_file("userdb", "a\tuid=1|gid=1|home=/a\n", 0600);
	ck_assert_int_eq(build("userdb", &err), 0);
	char *dat = tpath("userdb.dat");
	struct userdb_db *db = userdb_db_open(dat, NULL, &e);
	ck_assert_int_eq(userdb_db_fetch(db, "b", &m, &s, &e), 0);

	put_file("userdb", "b\tuid=2|gid=2|home=/b|systempw=new\n", 0600);
	ck_assert_int_eq(build("userdb", &err), 0);
	ck_assert_int_eq(userdb_db_fetch(db, "a", &m, &s, &e), 0);
	ck_assert_int_eq(userdb_db_fetch(db, "b", &m, &s, &e), 1);
	ck_assert_str_eq(userdb_fields_get(m, "uid"), "2");
	ck_assert_str_eq(userdb_fields_get(s, "systempw"), "new");
	userdb_fields_free(m);
	userdb_fields_free(s);
	userdb_db_close(db);
	free(dat);
	buf_free(&err);
}
END_TEST

START_TEST(test_make_directory_location)
{
	struct buf err = BUF_INIT;
	char *d = tpath("userdb"), *sub = tpath("userdb/example.com");
	ck_assert_int_eq(mkdir(d, 0700), 0);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	put_file("userdb/users", "a\tuid=1|gid=1|home=/a\n", 0600);
	put_file("userdb/example.com/staff", "b\tuid=2|gid=2|home=/b|pop3pw=p\n", 0600);
	put_file("userdb/.hidden", "c\tuid=3|gid=3|home=/c\n", 0600);
	ck_assert_int_eq(build("userdb", &err), 0);
	char *v = raw_fetch("userdb.dat", "a");
	ck_assert_str_eq(v, "uid=1|gid=1|home=/a|_=users/");
	free(v);
	v = raw_fetch("userdb.dat", "b");
	ck_assert_str_eq(v, "uid=2|gid=2|home=/b|_=example.com/staff/");
	free(v);
	v = raw_fetch("userdbshadow.dat", "b");
	ck_assert_str_eq(v, "pop3pw=p");
	free(v);
	ck_assert_ptr_null(raw_fetch("userdb.dat", "c"));
	free(d);
	free(sub);
	buf_free(&err);
}
END_TEST

START_TEST(test_make_refusals)
{
	struct buf err = BUF_INIT;
	char *src = tpath("userdb");

	ck_assert_int_eq(build("userdb", &err), -1);
	char *want = xasprintf("%s: not found.\n", src);
	ck_assert_str_eq(buf_cstr(&err), want);
	free(want);
	buf_reset(&err);

	put_file("userdb", "a\tuid=1\n", 0640);
	ck_assert_int_eq(build("userdb", &err), -1);
	want = xasprintf("%s: MAY NOT HAVE GROUP OR WORLD PERMISSIONS!!\n", src);
	ck_assert_str_eq(buf_cstr(&err), want);
	free(want);
	buf_reset(&err);
	char *dat = tpath("userdb.dat");
	ck_assert_int_eq(access(dat, F_OK), -1);
	free(dat);

	put_file("real", "a\tuid=1\n", 0600);
	char *real = tpath("real");
	ck_assert_int_eq(unlink(src), 0);
	ck_assert_int_eq(symlink(real, src), 0);
	ck_assert_int_eq(build("userdb", &err), -1);
	want = xasprintf("ERROR: Wrong makeuserdb command.\n       (%s is a symbolic link)\n", src);
	ck_assert_str_eq(buf_cstr(&err), want);
	free(want);
	buf_reset(&err);

	/* A duplicate key fails the build and leaves the old databases in place. */
	ck_assert_int_eq(unlink(src), 0);
	put_file("userdb", "a\tuid=1\n", 0600);
	ck_assert_int_eq(build("userdb", &err), 0);
	put_file("userdb", "a\tuid=2\na\tuid=3\n", 0600);
	ck_assert_int_eq(build("userdb", &err), -1);
	ck_assert_str_eq(buf_cstr(&err),
			 "Cannot store record for a - duplicate or out of disk space.\n\n");
	char *v = raw_fetch("userdb.dat", "a");
	ck_assert_str_eq(v, "uid=1|_=");
	free(v);
	free(real);
	free(src);
	buf_free(&err);
}
END_TEST

START_TEST(test_text_save_load)
{
	const char *e;
	char *p = tpath("users");
	put_file("users", "a\tuid=1\n", 0640);
	int lock = userdb_text_lock(p, &e);
	ck_assert_int_ge(lock, 0);
	struct userdb_text *t = userdb_text_load(p, &e);
	const char *items[] = { "gid=2" };
	ck_assert_int_eq(userdb_text_set(t, "a", items, 1, &e), 0);
	ck_assert_int_eq(userdb_text_save(t, p, &e), 0);
	close(lock);
	userdb_text_free(t);
	ck_assert_uint_eq(file_mode("users"), 0640); /* the old mode is kept */
	t = userdb_text_load(p, &e);
	assert_text(t, "a\tuid=1|gid=2\n");
	userdb_text_free(t);
	char *tmp = tpath(".tmp.users");
	ck_assert_int_eq(access(tmp, F_OK), -1);
	free(tmp);
	ck_assert_uint_eq(file_mode(".lock.users"), 0600);

	char *missing = tpath("none");
	t = userdb_text_load(missing, &e);
	ck_assert_uint_eq(userdb_text_line_count(t), 0);
	userdb_text_free(t);
	ck_assert_ptr_null(userdb_text_load(tmpdir, &e));
	ck_assert_str_eq(e, "not a file.");
	free(missing);
	free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("userdb");
	TCase *tc = tcase_create("fields");
	tcase_add_loop_test(tc, test_fields_parse, 0, sizeof(field_rows) / sizeof(field_rows[0]));
	tcase_add_test(tc, test_fields_get);
	suite_add_tcase(s, tc);

	tc = tcase_create("text");
	tcase_add_test(tc, test_text_round_trip);
	tcase_add_test(tc, test_text_edit);
	tcase_add_test(tc, test_text_bounds);
	suite_add_tcase(s, tc);

	tc = tcase_create("make");
	tcase_add_loop_test(tc, test_make_split, 0, sizeof(split_rows) / sizeof(split_rows[0]));
	tcase_add_test(tc, test_make_dat_record);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_make_and_read);
	tcase_add_test(tc, test_enumerate_skips_uid_records);
	tcase_add_test(tc, test_reopen_after_replace);
	tcase_add_test(tc, test_make_directory_location);
	tcase_add_test(tc, test_make_refusals);
	tcase_add_test(tc, test_text_save_load);
	suite_add_tcase(s, tc);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
