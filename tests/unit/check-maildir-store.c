/* Unit tests for the maildir store: courierimapuiddb, courierpop3dsizelist, scan, index,
 * delivery, flags, copy, expunge, tmp/ purge. Fixtures: tests/unit/fixtures/maildir/. */
#include "config.h"
#include "maildir/maildir-deliver.h"
#include "maildir/maildir-file.h"
#include "maildir/maildir-folder.h"
#include "maildir/maildir-keywords.h"
#include "maildir/maildir-subscribed.h"
#include "maildir/maildir-index.h"
#include "maildir/maildir-name.h"
#include "maildir/maildir-pop3list.h"
#include "maildir/maildir-scan.h"
#include "maildir/maildir-uiddb.h"
#include "check-maildir-util.h"

#include <errno.h>
#include <sys/wait.h>
#include <time.h>
#include <utime.h>

static char *fixture(const char *name)
{
	char *s = tmd_get(FIXTURE_DIR, name);

	ck_assert_ptr_nonnull(s);
	return s;
}

/* ---- courierimapuiddb ---- */

static const struct uiddb_row {
	const char *text;
	const char *error; /* NULL = parses */
	uint32_t uidv, next;
	size_t n;
} uiddb_rows[] = {
    {"1 100 1\n", NULL, 100, 1, 0},
    {"1 100 7\n3 a.b.c\n5 d.e.f,S=9\n", NULL, 100, 7, 2},
    {"1 100 2\n5 x\n3 y\n", NULL, 100, 6, 2}, /* out of order, nextuid raised */
    {"", "courierimapuiddb: empty file", 0, 0, 0},
    {"2 100 1\n", "courierimapuiddb: unsupported version", 100, 0, 0},
    {"1 100\n", "courierimapuiddb: malformed header line", 0, 0, 0},
    {"1 0 1\n", "courierimapuiddb: zero UIDVALIDITY or next UID", 0, 0, 0},
    {"1 100 5\n3 a\n3 b\n", "courierimapuiddb: duplicate UID", 100, 0, 0},
    {"1 100 5\n0 a\n", "courierimapuiddb: malformed record line", 100, 0, 0},
    {"1 100 5\n3 a:2,S\n", "courierimapuiddb: malformed record line", 100, 0, 0},
    {"1 100 5\n3\n", "courierimapuiddb: malformed record line", 100, 0, 0},
    {"1 100 5\nx a\n", "courierimapuiddb: malformed record line", 100, 0, 0},
    {"1 100 5\n3 a", "courierimapuiddb: last line not terminated", 0, 0, 0},
    {"1 99999999999 5\n", "courierimapuiddb: malformed header line", 0, 0, 0},
};

START_TEST(test_uiddb_parse)
{
	const struct uiddb_row *r = &uiddb_rows[_i];
	struct maildir_uiddb db;
	struct buf data = BUF_INIT;
	const char *error = NULL;
	int ret;

	maildir_uiddb_init(&db);
	buf_puts(&data, r->text);
	ret = maildir_uiddb_parse(&db, &data, &error);
	if (r->error != NULL) {
		ck_assert_int_eq(ret, -1);
		ck_assert_str_eq(error, r->error);
		ck_assert_uint_eq(db.uidvalidity, r->uidv);
	} else {
		ck_assert_int_eq(ret, 0);
		ck_assert_uint_eq(db.uidvalidity, r->uidv);
		ck_assert_uint_eq(db.nextuid, r->next);
		ck_assert_uint_eq(db.n, r->n);
		for (size_t i = 1; i < db.n; i++)
			ck_assert_uint_lt(db.v[i - 1].uid, db.v[i].uid);
	}
	maildir_uiddb_free(&db);
	buf_free(&data);
}
END_TEST

START_TEST(test_uiddb_fixture_roundtrip)
{
	char *text = fixture("courierimapuiddb");
	struct maildir_uiddb db;
	struct buf data = BUF_INIT, out = BUF_INIT;
	const char *error;

	maildir_uiddb_init(&db);
	buf_puts(&data, text);
	ck_assert_int_eq(maildir_uiddb_parse(&db, &data, &error), 0);
	ck_assert_uint_eq(db.uidvalidity, 763459872);
	ck_assert_uint_eq(db.nextuid, 5);
	ck_assert_uint_eq(db.n, 3);
	ck_assert_uint_eq(db.v[2].uid, 4);
	ck_assert_str_eq(
	    db.v[2].base,
	    "1763459900.M500000P101V0000000000000803I0000000000040A1C.mail.example.org,S=4096");
	maildir_uiddb_add(&db, 9, "new.one:2,S", 7);
	maildir_uiddb_format(&db, &out);
	ck_assert_uint_eq(db.nextuid, 10);
	/* Byte-exact: Courier's records, the raised next UID and our appended record. */
	struct buf expect = BUF_INIT;
	buf_printf(&expect, "1 763459872 10\n%s9 new.one\n", strchr(text, '\n') + 1);
	ck_assert_str_eq(buf_cstr(&out), buf_cstr(&expect));
	buf_free(&expect);
	maildir_uiddb_free(&db);
	buf_free(&out);
	free(text);
}
END_TEST

START_TEST(test_uidvalidity)
{
	ck_assert_uint_eq(maildir_uiddb_new_uidvalidity(1763459872, 0), 763459872);
	ck_assert_uint_eq(maildir_uiddb_new_uidvalidity(1763459872, 763459872), 763459873);
	ck_assert_uint_eq(maildir_uiddb_new_uidvalidity(1763459872, 900000000), 900000001);
}
END_TEST

/* ---- courierpop3dsizelist ---- */

static const struct pop3_row {
	const char *text;
	int ok;
	size_t n;
} pop3_rows[] = {
    {"/3 1 1700000000\n", 1, 0},
    {"/3 3 5\na.b.c:2,S 10 1:5:0\nd.e.f:2, 20 2:5\n", 1, 2},
    {"/3 3 5\nname with space:2, 10 1:5:1\n", 1, 1},
    {"", 0, 0},
    {"/2 1 5\n", 0, 0},
    {"/3 0 5\n", 0, 0},
    {"/3 1 5", 0, 0},
    {"/3 2 5\na:2, 10\n", 0, 0},
    {"/3 2 5\na:2, x 1:5:0\n", 0, 0},
    {"/3 2 5\na:2, 10 0:5:0\n", 0, 0},
    {"/3 2 5\na:2, 10 1:5:2\n", 0, 0},
    {"/3 2 5\na:2, 10 1:5:0", 0, 0},
    {"/3 2 5\n 10 1:5:0\n", 0, 0},
};

START_TEST(test_pop3list_parse)
{
	const struct pop3_row *r = &pop3_rows[_i];
	struct maildir_pop3list l;
	const char *error = NULL;

	maildir_pop3list_init(&l);
	int ret = maildir_pop3list_parse(&l, r->text, strlen(r->text), &error);
	if (r->ok) {
		ck_assert_int_eq(ret, 0);
		ck_assert_uint_eq(l.n, r->n);
	} else {
		ck_assert_int_eq(ret, -1);
		ck_assert_ptr_nonnull(error);
		ck_assert_uint_eq(l.n, 0);
	}
	maildir_pop3list_free(&l);
}
END_TEST

/* Three deliveries in one second: POP3 numbers them in delivery order, which byte order of
 * the names gets wrong once the microseconds gain a digit. */
START_TEST(test_pop3list_same_second_delivery_order)
{
	const char *text = "/3 4 1700000000\n"
			   "1700000000.M999999P1Q3.h:2, 30 3:1700000000:0\n"
			   "1700000000.M95000P1Q1.h:2, 10 1:1700000000:0\n"
			   "1700000000.M100000P1Q2.h:2, 20 2:1700000000:0\n";
	struct maildir_pop3list l;
	const char *error;

	maildir_pop3list_init(&l);
	if (maildir_pop3list_parse(&l, text, strlen(text), &error) < 0)
		ck_abort_msg("parse: %s", error);
	maildir_pop3list_sort(&l);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_uint_eq(l.v[0].size, 10);
	ck_assert_uint_eq(l.v[1].size, 20);
	ck_assert_uint_eq(l.v[2].size, 30);
	maildir_pop3list_free(&l);
}
END_TEST

START_TEST(test_pop3list_fixture_roundtrip)
{
	char *text = fixture("courierpop3dsizelist");
	struct maildir_pop3list l;
	struct buf out = BUF_INIT;
	const char *error;

	maildir_pop3list_init(&l);
	ck_assert_int_eq(maildir_pop3list_parse(&l, text, strlen(text), &error), 0);
	ck_assert_uint_eq(l.nextuid, 4);
	ck_assert_uint_eq(l.uidv, 1763459950);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_uint_eq(l.v[2].size, 4180);
	ck_assert_int_eq(l.v[2].utf8, 1);
	maildir_pop3list_uidl(&l.v[2], &out);
	ck_assert_str_eq(buf_cstr(&out), "UID3-1763459950");
	buf_reset(&out);
	l.v[0].uidv = 0;
	maildir_pop3list_uidl(&l.v[0], &out);
	ck_assert_str_eq(buf_cstr(&out), "UID1");
	l.v[0].uidv = 1763459950;
	buf_reset(&out);
	maildir_pop3list_format(&l, &out);
	ck_assert_str_eq(buf_cstr(&out), text);
	maildir_pop3list_free(&l);
	buf_free(&out);
	free(text);
}
END_TEST

/* A Maildir holding the fixture's messages (flags changed since the lists were written). */
static char *fixture_maildir(void)
{
	char *md = tmd_make();

	tmd_put(md, "cur/1763459800.M1P100Q1.mail.example.org,S=120:2,S", "x");
	tmd_put(md, "cur/1763459801.M2P100Q2.mail.example.org,S=250:2,FS", "x");
	tmd_put(
	    md,
	    "cur/"
	    "1763459900.M500000P101V0000000000000803I0000000000040A1C.mail.example.org,S=4096:2,RS",
	    "x");
	char *u = fixture("courierimapuiddb"), *p = fixture("courierpop3dsizelist");
	tmd_put(md, "courierimapuiddb", u);
	tmd_put(md, "courierpop3dsizelist", p);
	free(u);
	free(p);
	return md;
}

START_TEST(test_index_keeps_courier_uids)
{
	char *md = fixture_maildir(), *before = tmd_get(md, "courierimapuiddb"), *after;
	struct maildir_index idx;
	const char *error;

	tmd_put(md, "new/1763460000.M9P9Q9.other", "hello\n");
	tmd_put(md, "new/1763459999.M8P9Q9.other", "hello\n");
	maildir_index_init(&idx, md);
	ck_assert_int_eq(maildir_index_sync(&idx, &error), 0);
	ck_assert_uint_eq(idx.uidvalidity, 763459872);
	ck_assert_uint_eq(idx.msgs.n, 5);
	ck_assert_uint_eq(idx.msgs.v[0].uid, 1);
	ck_assert_uint_eq(idx.msgs.v[1].uid, 2);
	ck_assert_uint_eq(idx.msgs.v[1].flags, MAILDIR_FLAG_FLAGGED | MAILDIR_FLAG_SEEN);
	ck_assert_uint_eq(idx.msgs.v[2].uid, 4);
	/* New ones in file-name order. */
	ck_assert_str_eq(idx.msgs.v[3].name, "1763459999.M8P9Q9.other:2,");
	ck_assert_uint_eq(idx.msgs.v[3].uid, 5);
	ck_assert_uint_eq(idx.msgs.v[4].uid, 6);
	ck_assert_uint_eq(idx.nextuid, 7);
	ck_assert_uint_eq(idx.assigned, 2);
	ck_assert_int_eq(tmd_count(md, "new"), 0);
	after = tmd_get(md, "courierimapuiddb");
	ck_assert_str_eq(
	    after,
	    "1 763459872 7\n"
	    "1 1763459800.M1P100Q1.mail.example.org,S=120\n"
	    "2 1763459801.M2P100Q2.mail.example.org,S=250\n"
	    "4 1763459900.M500000P101V0000000000000803I0000000000040A1C.mail.example.org,S=4096\n"
	    "5 1763459999.M8P9Q9.other\n"
	    "6 1763460000.M9P9Q9.other\n");
	ck_assert_ptr_nonnull(maildir_index_find_uid(&idx, 4));
	ck_assert_ptr_null(maildir_index_find_uid(&idx, 3));
	/* Second sync: fast path, nothing rewritten. */
	ck_assert_int_eq(maildir_index_sync(&idx, &error), 0);
	ck_assert_int_eq(idx.rewrote, 0);
	ck_assert_uint_eq(idx.msgs.n, 5);
	/* Expunge one: gone from the index at once, its UID never reused; its record stays in
	 * the file (no lock, no rewrite) until a sync that must write anyway. */
	ck_assert_int_eq(maildir_deliver_expunge(md, idx.msgs.v[4].name, &error), 0);
	ck_assert_int_eq(maildir_index_sync(&idx, &error), 0);
	ck_assert_int_eq(idx.rewrote, 0);
	ck_assert_uint_eq(idx.msgs.n, 4);
	ck_assert_uint_eq(idx.nextuid, 7);
	char *dbtext = tmd_get(md, "courierimapuiddb");
	ck_assert_ptr_nonnull(strstr(dbtext, "\n6 1763460000.M9P9Q9.other\n"));
	free(dbtext);
	tmd_put(md, "new/1763460001.M1P1Q1.x", "y");
	/* A sync that rewrites the uiddb also purges tmp/ (only the stale file). */
	tmd_put(md, "tmp/stale", "x");
	tmd_put(md, "tmp/fresh", "x");
	char stale[4096];
	snprintf(stale, sizeof(stale), "%s/tmp/stale", md);
	struct utimbuf old = {time(NULL) - MAILDIR_TMP_MAX_AGE - 60,
	                      time(NULL) - MAILDIR_TMP_MAX_AGE - 60};
	ck_assert_int_eq(utime(stale, &old), 0);
	ck_assert_int_eq(maildir_index_sync(&idx, &error), 0);
	ck_assert_int_eq(idx.rewrote, 1);
	ck_assert_uint_eq(idx.msgs.v[4].uid, 7);
	/* (The expunged record is dropped by a rewrite once cur/ has been quiet for a second.) */
	dbtext = tmd_get(md, "courierimapuiddb");
	ck_assert_ptr_nonnull(strstr(dbtext, "\n7 1763460001.M1P1Q1.x\n"));
	free(dbtext);
	ck_assert_int_eq(access(stale, F_OK), -1);
	ck_assert_int_eq(tmd_count(md, "tmp"), 1);
	maildir_index_free(&idx);
	free(before);
	free(after);
	tmd_rm_rf(md);
	free(md);
}
END_TEST

static const char *const corrupt_rows[] = {
    "1 763459872 5\n1 a\n1 b\n",
    "1 763459872 5\ngarbage\n",
    "1 763459872 5\n1 1763459800.M1P100Q1.mail.example.org,S=120", /* torn */
    "",
    "\x00\x01\x02",
    "9 1 1\n",
};

START_TEST(test_index_corrupt_uiddb_recovers)
{
	char *md = fixture_maildir();
	struct maildir_index idx;
	const char *error;

	tmd_put(md, "courierimapuiddb", corrupt_rows[_i]);
	maildir_index_init(&idx, md);
	ck_assert_int_eq(maildir_index_sync(&idx, &error), 0);
	ck_assert_int_eq(idx.recovered, 1);
	/* A new UIDVALIDITY above the old one (when it could be read) and fresh UIDs 1..3. */
	ck_assert_uint_gt(idx.uidvalidity, 763459872);
	ck_assert_uint_eq(idx.msgs.n, 3);
	ck_assert_uint_eq(idx.msgs.v[0].uid, 1);
	ck_assert_uint_eq(idx.msgs.v[2].uid, 3);
	ck_assert_uint_eq(idx.nextuid, 4);
	maildir_index_free(&idx);
	/* The rewritten file parses and is used as is next time. */
	maildir_index_init(&idx, md);
	ck_assert_int_eq(maildir_index_sync(&idx, &error), 0);
	ck_assert_int_eq(idx.recovered, 0);
	ck_assert_int_eq(idx.rewrote, 0);
	maildir_index_free(&idx);
	tmd_rm_rf(md);
	free(md);
}
END_TEST

/* New UIDs follow delivery order: within one second the microseconds after M are compared as
 * numbers (byte order would put M100000 before M99999). */
START_TEST(test_index_new_uids_in_delivery_order)
{
	char *md = tmd_make();
	struct maildir_index idx;
	const char *error;

	tmd_put(md, "cur/1700000001.M5P7Q3.h:2,", "c\n");
	tmd_put(md, "cur/1700000000.M100000P7Q2.h:2,S", "b\n");
	tmd_put(md, "new/1700000000.M99999P7Q1.h", "a\n");
	maildir_index_init(&idx, md);
	ck_assert_int_eq(maildir_index_sync(&idx, &error), 0);
	ck_assert_uint_eq(idx.msgs.n, 3);
	ck_assert_uint_eq(idx.msgs.v[0].uid, 1);
	ck_assert(strncmp(idx.msgs.v[0].name, "1700000000.M99999P7Q1.", 22) == 0);
	ck_assert_uint_eq(idx.msgs.v[1].uid, 2);
	ck_assert(strncmp(idx.msgs.v[1].name, "1700000000.M100000P7Q2.", 23) == 0);
	ck_assert_uint_eq(idx.msgs.v[2].uid, 3);
	ck_assert(strncmp(idx.msgs.v[2].name, "1700000001.M5P7Q3.", 18) == 0);
	maildir_index_free(&idx);
	tmd_rm_rf(md);
	free(md);
}
END_TEST

START_TEST(test_index_missing_uiddb)
{
	char *md = tmd_make(), *db;
	struct maildir_index idx;
	const char *error;

	maildir_index_init(&idx, md);
	ck_assert_int_eq(maildir_index_sync(&idx, &error), 0);
	ck_assert_uint_eq(idx.msgs.n, 0);
	ck_assert_uint_eq(idx.nextuid, 1);
	ck_assert_int_ge(idx.uidvalidity, (uint32_t)(time(NULL) - MAILDIR_IMAP_EPOCH - 5));
	db = tmd_get(md, "courierimapuiddb");
	ck_assert_ptr_nonnull(db);
	char expect[64];
	snprintf(expect, sizeof(expect), "1 %u 1\n", idx.uidvalidity);
	ck_assert_str_eq(db, expect);
	free(db);
	maildir_index_free(&idx);
	/* Not a maildir at all: clear error. */
	tmd_rm_rf(md);
	maildir_index_init(&idx, md);
	ck_assert_int_eq(maildir_index_sync(&idx, &error), -1);
	ck_assert_str_eq(error, "opendir(new) failed");
	maildir_index_free(&idx);
	free(md);
}
END_TEST

START_TEST(test_pop3list_sync_fixture)
{
	char *md = fixture_maildir(), *text;
	struct maildir_pop3list l;
	struct buf uidl = BUF_INIT;
	const char *error;

	tmd_put(md, "new/1763460000.M9P9Q9.other", "hello\n");
	maildir_pop3list_init(&l);
	ck_assert_int_eq(maildir_pop3list_sync(md, &l, &error), 0);
	ck_assert_uint_eq(l.n, 4);
	/* Courier's UIDLs survive (flags changed on message 2), sizes come from the list. */
	maildir_pop3list_uidl(&l.v[1], &uidl);
	ck_assert_str_eq(buf_cstr(&uidl), "UID2-1763459950");
	ck_assert_uint_eq(l.v[1].size, 257);
	ck_assert_uint_eq(l.v[3].uid, 4);
	ck_assert_uint_eq(l.v[3].size, 7); /* "hello\n" sent as "hello\r\n" */
	text = tmd_get(md, "courierpop3dsizelist");
	ck_assert_str_eq(text,
	                 "/3 5 1763459950\n"
	                 "1763459800.M1P100Q1.mail.example.org,S=120:2,S 124 1:1763459950:0\n"
	                 "1763459801.M2P100Q2.mail.example.org,S=250:2,FS 257 2:1763459950:0\n"
	                 "1763459900.M500000P101V0000000000000803I0000000000040A1C.mail.example."
	                 "org,S=4096:2,RS 4180 3:1763459950:1\n"
	                 "1763460000.M9P9Q9.other:2, 7 4:1763459950:0\n");
	free(text);
	/* Corrupt list: replaced with a new one (new uidv), still consistent. */
	tmd_put(md, "courierpop3dsizelist", "/3 x\n");
	ck_assert_int_eq(maildir_pop3list_sync(md, &l, &error), 0);
	ck_assert_uint_eq(l.n, 4);
	ck_assert_uint_eq(l.v[0].uid, 1);
	ck_assert_uint_eq(l.nextuid, 5);
	ck_assert_uint_ne(l.uidv, 1763459950);
	maildir_pop3list_free(&l);
	buf_free(&uidl);
	tmd_rm_rf(md);
	free(md);
}
END_TEST

START_TEST(test_deliver_flags_copy_expunge)
{
	char *md = tmd_make(), *md2 = tmd_make(), *name, *name2, *name3, *body;
	const char *error;
	struct maildir_name mn;
	char path[4096];

	ck_assert_int_eq(
	    maildir_deliver_buffer(md, "Subject: x\n\nbody\n", 17, 0, 0, &name, &error), 0);
	ck_assert_int_eq(maildir_name_parse(name, &mn, &error), 0);
	ck_assert_uint_eq(mn.size, 17);
	ck_assert_int_eq(mn.has_info, 0);
	snprintf(path, sizeof(path), "new/%s", name);
	body = tmd_get(md, path);
	ck_assert_str_eq(body, "Subject: x\n\nbody\n");
	free(body);
	ck_assert_int_eq(tmd_count(md, "tmp"), 0);
	free(name);

	ck_assert_int_eq(maildir_deliver_buffer(md, "abc", 3, 1,
	                                        MAILDIR_FLAG_SEEN | MAILDIR_FLAG_DRAFT, &name,
	                                        &error),
	                 0);
	ck_assert_ptr_nonnull(strstr(name, ",S=3:2,DS"));
	ck_assert_int_eq(maildir_deliver_set_flags(md, name, MAILDIR_FLAG_FLAGGED, &name2, &error),
	                 0);
	ck_assert_ptr_nonnull(strstr(name2, ",S=3:2,F"));
	snprintf(path, sizeof(path), "cur/%s", name2);
	body = tmd_get(md, path);
	ck_assert_str_eq(body, "abc");
	free(body);
	/* A name made stale by another session's flag change (DS became F) is found under its
	 * current name, and our change (R added to DS) is applied to what it has now: FR, so
	 * neither change is lost. */
	ck_assert_int_eq(maildir_deliver_set_flags(md, name,
						   MAILDIR_FLAG_DRAFT | MAILDIR_FLAG_SEEN |
						       MAILDIR_FLAG_REPLIED,
						   &name3, &error),
			 0);
	ck_assert_ptr_nonnull(strstr(name3, ",S=3:2,FR"));
	ck_assert_int_eq(tmd_count(md, "cur"), 1);
	/* Opening through the stale name follows the base to the current file. */
	int fd = maildir_scan_open(md, name);
	char got[8] = "";
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(read(fd, got, sizeof(got) - 1), 3);
	ck_assert_str_eq(got, "abc");
	close(fd);
	errno = 0;
	ck_assert_int_eq(maildir_scan_open(md, "1.M1P1Q1.gone:2,S"), -1);
	ck_assert_int_eq(errno, ENOENT);
	free(name2);
	name2 = name3;

	ck_assert_int_eq(maildir_deliver_copy(md, name2, md2, MAILDIR_FLAG_SEEN, &name3, &error),
	                 0);
	ck_assert_ptr_nonnull(strstr(name3, ",S=3:2,S"));
	snprintf(path, sizeof(path), "cur/%s", name3);
	body = tmd_get(md2, path);
	ck_assert_str_eq(body, "abc");
	free(body);
	free(name3);
	ck_assert_int_eq(maildir_deliver_copy(md, "nonexistent:2,", md2, 0, &name3, &error), -1);

	/* Expunging through a stale name: kept while the current name lacks T (another session
	 * took \Deleted away), removed once it carries T. */
	ck_assert_int_eq(maildir_deliver_expunge(md, name, &error), 0);
	ck_assert_int_eq(tmd_count(md, "cur"), 1);
	ck_assert_int_eq(maildir_deliver_set_flags(md, name2, MAILDIR_FLAG_TRASHED, &name3, &error),
			 0);
	ck_assert_int_eq(maildir_deliver_expunge(md, name, &error), 0);
	ck_assert_int_eq(tmd_count(md, "cur"), 0);
	ck_assert_int_eq(maildir_deliver_expunge(md, name3, &error), 0);
	free(name3);
	/* Gone for good: a flag change reports it. */
	errno = 0;
	ck_assert_int_eq(maildir_deliver_set_flags(md, name2, MAILDIR_FLAG_SEEN, &name3, &error), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_str_eq(error, "message expunged by another session");
	name3 = NULL;
	free(name);
	free(name2);
	free(name3);
	tmd_rm_rf(md);
	tmd_rm_rf(md2);
	free(md);
	free(md2);
}
END_TEST

START_TEST(test_purge_tmp)
{
	char *md = tmd_make(), path[4096];
	const char *error;
	struct utimbuf ut = {0, 0};

	tmd_put(md, "tmp/old", "x");
	tmd_put(md, "tmp/fresh", "x");
	snprintf(path, sizeof(path), "%s/tmp/old", md);
	ut.actime = ut.modtime = time(NULL) - MAILDIR_TMP_MAX_AGE - 10;
	ck_assert_int_eq(utime(path, &ut), 0);
	ck_assert_int_eq(maildir_scan_purge_tmp(md, time(NULL), MAILDIR_TMP_MAX_AGE, &error), 1);
	ck_assert_int_eq(tmd_count(md, "tmp"), 1);
	ck_assert_int_eq(access(path, F_OK), -1);
	tmd_rm_rf(md);
	free(md);
}
END_TEST

START_TEST(test_scan_skips_and_dedups)
{
	char *md = tmd_make();
	struct maildir_scan scan;
	const char *error;

	tmd_put(md, "cur/.hidden", "x");
	tmd_put(md, "cur/1.a.h,S=5:2,S", "x");
	tmd_put(md, "cur/1.a.h,S=5:2,FS", "x"); /* a rename seen twice */
	tmd_put(md, "cur/2.b.h:2,T", "x");
	tmd_put(md, "new/3.c.h:2,S", "x"); /* already has info: kept */
	maildir_scan_init(&scan);
	ck_assert_int_eq(maildir_scan_folder(md, &scan, &error), 0);
	ck_assert_uint_eq(scan.n, 3);
	ck_assert_str_eq(scan.v[0].name, "1.a.h,S=5:2,FS");
	ck_assert_uint_eq(scan.v[1].flags, MAILDIR_FLAG_TRASHED);
	ck_assert_str_eq(scan.v[2].name, "3.c.h:2,S");
	ck_assert(scan.v[1].size == MAILDIR_SIZE_UNKNOWN);
	ck_assert_int_eq(maildir_scan_entry_size(md, &scan.v[1]), 0);
	ck_assert_uint_eq(scan.v[1].size, 1);
	maildir_scan_free(&scan);
	tmd_rm_rf(md);
	free(md);
}
END_TEST

/* A Maildir written by real Courier-IMAP 5.0.13 / courierpop3d (see fixtures README). */
static char *courier_real(void)
{
	char *md = tmd_make(), *cmd;

	if (asprintf(&cmd,
	             "cp -a '%s/courier-real/.' '%s/' && mkdir -p '%s/.R\xc3\xa9sum\xc3\xa9/cur' "
	             "'%s/.R\xc3\xa9sum\xc3\xa9/new' '%s/.R\xc3\xa9sum\xc3\xa9/tmp'",
	             FIXTURE_DIR, md, md, md, md) < 0)
		abort();
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	return md;
}

START_TEST(test_courier_real_maildir)
{
	char *md = courier_real(), *before_uid = tmd_get(md, "courierimapuiddb");
	char *before_pop = tmd_get(md, "courierpop3dsizelist"), *after, **names;
	struct maildir_index idx;
	struct maildir_pop3list l;
	struct maildir_keywords k;
	struct maildir_subscribed sub;
	struct buf uidl = BUF_INIT;
	const char *error;
	size_t n;

	/* IMAP: Courier's UIDVALIDITY and UIDs 1-3 kept; the message courierpop3d moved into
	 * cur/ later gets UID 4. */
	maildir_index_init(&idx, md);
	ck_assert_int_eq(maildir_index_sync(&idx, &error), 0);
	ck_assert_int_eq(idx.recovered, 0);
	ck_assert_uint_eq(idx.uidvalidity, 795435148);
	ck_assert_uint_eq(idx.msgs.n, 4);
	ck_assert_str_eq(idx.msgs.v[1].name, "1763459801.M2P100Q2.mail.example.org,S=44:2,F");
	ck_assert_uint_eq(idx.msgs.v[1].uid, 2);
	ck_assert_uint_eq(idx.msgs.v[1].flags, MAILDIR_FLAG_FLAGGED);
	ck_assert_uint_eq(idx.msgs.v[2].uid, 3);
	ck_assert_str_eq(idx.msgs.v[3].name, "1763459900.M9P100Q9.mail.example.org:2,");
	ck_assert_uint_eq(idx.msgs.v[3].uid, 4);
	after = tmd_get(md, "courierimapuiddb");
	ck_assert_str_eq(after, "1 795435148 5\n"
	                        "1 1763459800.M1P100Q1.mail.example.org,S=44\n"
	                        "2 1763459801.M2P100Q2.mail.example.org,S=44\n"
	                        "3 1763459802.M3P100Q3.mail.example.org\n"
	                        "4 1763459900.M9P100Q9.mail.example.org\n");
	free(after);
	maildir_index_free(&idx);

	/* POP3: the UIDLs courierpop3d handed out, and its file left byte for byte. */
	maildir_pop3list_init(&l);
	ck_assert_int_eq(maildir_pop3list_sync(md, &l, &error), 0);
	ck_assert_uint_eq(l.n, 4);
	maildir_pop3list_uidl(&l.v[3], &uidl);
	ck_assert_str_eq(buf_cstr(&uidl), "UID4-1795435164");
	ck_assert_uint_eq(l.v[2].size, 51);
	after = tmd_get(md, "courierpop3dsizelist");
	ck_assert_str_eq(after, before_pop);
	free(after);
	/* A new delivery gets the next UIDL and Courier's CRLF size (12 bytes, 1 line: 13). */
	tmd_put(md, "new/1763460000.M1P1Q1.x", "new message\n");
	ck_assert_int_eq(maildir_pop3list_sync(md, &l, &error), 0);
	ck_assert_uint_eq(l.n, 5);
	ck_assert_uint_eq(l.v[4].uid, 5);
	ck_assert_uint_eq(l.v[4].size, 13);
	maildir_pop3list_free(&l);

	/* Keywords Courier stored for message 3, subscriptions and the UTF-8 folder. */
	maildir_keywords_init(&k);
	ck_assert_int_eq(maildir_keywords_load(md, &k, &error), 0);
	const struct maildir_keywords_msg *m =
	    maildir_keywords_get(&k, "1763459802.M3P100Q3.mail.example.org");
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->n, 2);
	ck_assert_str_eq(k.names[m->kw[0]], "$Label1");
	ck_assert_str_eq(k.names[m->kw[1]], "Junk");
	maildir_keywords_free(&k);
	maildir_subscribed_init(&sub);
	ck_assert_int_eq(maildir_subscribed_load(md, &sub, &error), 0);
	ck_assert_uint_eq(sub.n, 2);
	ck_assert(maildir_subscribed_contains(&sub, "INBOX.R\xc3\xa9sum\xc3\xa9"));
	maildir_subscribed_free(&sub);
	ck_assert_int_eq(maildir_folder_list(md, &names, &n, &error), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(names[0], "R\xc3\xa9sum\xc3\xa9");
	free(names[0]);
	free(names);
	buf_free(&uidl);
	free(before_uid);
	free(before_pop);
	tmd_rm_rf(md);
	free(md);
}
END_TEST

START_TEST(test_lock_timeout)
{
	char *md = tmd_make();
	const char *error;
	int fd = maildir_file_lock(md, "courierimapuiddb.lock", 100, &error), status;
	pid_t pid;

	ck_assert_int_ge(fd, 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* Another process: must give up after the timeout with a clear error. */
		int fd2 = maildir_file_lock(md, "courierimapuiddb.lock", 50, &error);
		_exit(fd2 < 0 && strcmp(error, "timed out waiting for the metadata lock") == 0 ? 0
		                                                                               : 1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	maildir_file_unlock(fd);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(maildir_file_lock(md, "courierimapuiddb.lock", 50, &error) >= 0 ? 0 : 1);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	tmd_rm_rf(md);
	free(md);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("maildir-store");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_uiddb_parse, 0, sizeof(uiddb_rows) / sizeof(uiddb_rows[0]));
	tcase_add_test(tc, test_uiddb_fixture_roundtrip);
	tcase_add_test(tc, test_uidvalidity);
	tcase_add_loop_test(tc, test_pop3list_parse, 0, sizeof(pop3_rows) / sizeof(pop3_rows[0]));
	tcase_add_test(tc, test_pop3list_fixture_roundtrip);
	tcase_add_test(tc, test_pop3list_same_second_delivery_order);
	tcase_add_test(tc, test_index_keeps_courier_uids);
	tcase_add_loop_test(tc, test_index_corrupt_uiddb_recovers, 0,
	                    sizeof(corrupt_rows) / sizeof(corrupt_rows[0]));
	tcase_add_test(tc, test_index_missing_uiddb);
	tcase_add_test(tc, test_index_new_uids_in_delivery_order);
	tcase_add_test(tc, test_pop3list_sync_fixture);
	tcase_add_test(tc, test_deliver_flags_copy_expunge);
	tcase_add_test(tc, test_purge_tmp);
	tcase_add_test(tc, test_scan_skips_and_dedups);
	tcase_add_test(tc, test_courier_real_maildir);
	tcase_add_test(tc, test_lock_timeout);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
