/* hatoimapcache and the signature-based sync skip: format round trip, corrupt files ignored,
 * the settled (same-second) rule, a changed new/, cur/ or uiddb forcing a full sync, a rename
 * by another process seen, sizes measured once and kept. */
#include "config.h"
#include "maildir/maildir-cache.h"
#include "maildir/maildir-index.h"
#include "maildir/maildir-name.h"
#include "maildir/maildir-uiddb.h"
#include "check-maildir-util.h"

#include <inttypes.h>
#include <time.h>

#define M1 "1700000000.M1P1Q1.host,S=6"
#define M2 "1700000001.M1P1Q2.host,S=3"
#define M3 "1700000002.M1P1Q3.host,S=5"

/* Set the mtime of dir/rel to now - ago seconds (a folder last changed that long ago). */
static void age(const char *dir, const char *rel, int ago)
{
	struct timespec ts[2];
	char *p;

	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec -= ago;
	ts[1] = ts[0];
	ck_assert_int_ge(asprintf(&p, "%s/%s", dir, rel), 0);
	ck_assert_int_eq(utimensat(AT_FDCWD, p, ts, 0), 0);
	free(p);
}

static void age_all(const char *md, int ago)
{
	age(md, "new", ago);
	age(md, "cur", ago);
	age(md, MAILDIR_UIDDB_FILE, ago);
}

/* A Maildir with three messages (M1 "a\nb\r\nc" is 6 bytes, 7 in CRLF form), UIDs assigned,
 * everything last changed 10 s ago. */
static char *make_folder(void)
{
	char *md = tmd_make();
	struct maildir_index idx;
	const char *error;

	tmd_put(md, "cur/" M1 ":2,S", "a\nb\r\nc");
	tmd_put(md, "cur/" M2 ":2,", "xyz");
	tmd_put(md, "new/" M3, "hello");
	maildir_index_init(&idx, md);
	ck_assert_int_eq(maildir_index_sync(&idx, &error), 0);
	ck_assert_uint_eq(idx.msgs.n, 3);
	maildir_index_free(&idx);
	age_all(md, 10);
	return md;
}

/* Sync a fresh cache-using index of md into idx. */
static void open_index(struct maildir_index *idx, const char *md)
{
	const char *error;

	maildir_index_init(idx, md);
	idx->use_cache = true;
	ck_assert_int_eq(maildir_index_sync(idx, &error), 0);
}

/* Write a settled cache for md through an index; returns after checking it exists. */
static void write_cache(const char *md)
{
	struct maildir_index idx;
	const char *error;

	open_index(&idx, md);
	ck_assert_int_eq(maildir_index_save_cache(&idx, &error), 0);
	maildir_index_free(&idx);
	char *p;
	ck_assert_int_ge(asprintf(&p, "%s/%s", md, MAILDIR_CACHE_FILE), 0);
	ck_assert_int_eq(access(p, F_OK), 0);
	free(p);
}

START_TEST(test_format_exact_and_round_trip)
{
	struct maildir_sig sig = {
		.started_sec = 1700000100, .started_nsec = 5,
		.new_dir = { 1700000001, 2, 3, 4 },
		.cur_dir = { 1700000005, 6, 7, 8 },
		.uiddb = { 1700000009, 10, 11, 12 },
	};
	struct maildir_scan s;
	struct maildir_cache c;
	struct buf out = BUF_INIT;
	const char *error;
	char want[512];
	int n;

	maildir_scan_init(&s);
	maildir_scan_add(&s, M1 ":2,S")->uid = 3;
	struct maildir_entry *e = maildir_scan_add(&s, M2 ":2,R");
	e->uid = 9;
	e->crlf_size = 4;
	e->mtime = 1600000000;
	maildir_cache_format(&sig, 77, 10, &s, &out);
	/* The summary line ends in the checksum of everything before it. */
	n = snprintf(want, sizeof(want),
		     "hatoimapcache 2\n1700000100 5 1700000001 2 3 4 1700000005 6 7 8 1700000009 10"
		     " 11 12 77 10 2 2 ");
	ck_assert_int_eq(memcmp(out.data, want, (size_t)n), 0);
	n += snprintf(want + n, sizeof(want) - (size_t)n, "%016" PRIx64 "\n",
		      maildir_cache_checksum(want, (size_t)n));
	n += snprintf(want + n, sizeof(want) - (size_t)n,
		      "3 - - " M1 ":2,S\n9 4 1600000000 " M2 ":2,R\n");
	ck_assert_uint_eq(out.len, (size_t)n + 21);
	ck_assert_int_eq(memcmp(out.data, want, (size_t)n), 0);
	snprintf(want, sizeof(want), "end %016" PRIx64 "\n",
		 maildir_cache_checksum(out.data, (size_t)n));
	ck_assert_int_eq(memcmp(out.data + n, want, 21), 0);

	maildir_cache_init(&c);
	ck_assert_int_eq(maildir_cache_parse(&c, out.data, out.len, &error), 0);
	ck_assert_int_eq(memcmp(&c.sig, &sig, sizeof(sig)), 0);
	ck_assert_uint_eq(c.uidvalidity, 77);
	ck_assert_uint_eq(c.nextuid, 10);
	ck_assert_uint_eq(c.count, 2);
	ck_assert_uint_eq(c.first_unseen, 2);
	ck_assert_uint_eq(c.msgs.n, 2);
	ck_assert_str_eq(c.msgs.v[0].name, M1 ":2,S");
	ck_assert_uint_eq(c.msgs.v[0].uid, 3);
	ck_assert_uint_eq(c.msgs.v[0].size, 6);
	ck_assert(c.msgs.v[0].crlf_size == MAILDIR_SIZE_UNKNOWN);
	ck_assert(c.msgs.v[0].mtime == MAILDIR_MTIME_UNKNOWN);
	ck_assert_uint_eq(c.msgs.v[0].flags, MAILDIR_FLAG_SEEN);
	ck_assert_str_eq(c.msgs.v[1].name, M2 ":2,R");
	ck_assert_uint_eq(c.msgs.v[1].crlf_size, 4);
	ck_assert_int_eq(c.msgs.v[1].mtime, 1600000000);
	ck_assert_uint_eq(c.msgs.v[1].base_len, strlen(M2));

	/* The summary alone, from a prefix holding just the first two lines. */
	size_t head = (size_t)(strchr(strchr(out.data, '\n') + 1, '\n') + 1 - out.data);
	ck_assert_int_eq(maildir_cache_parse_summary(&c, out.data, head, &error), 0);
	ck_assert_uint_eq(c.count, 2);
	ck_assert_uint_eq(c.first_unseen, 2);
	ck_assert_uint_eq(c.nextuid, 10);
	ck_assert_uint_eq(c.msgs.n, 0);
	ck_assert_int_eq(memcmp(&c.sig, &sig, sizeof(sig)), 0);
	for (size_t i = 0; i < head; i++) {
		ck_assert_int_eq(maildir_cache_parse_summary(&c, out.data, i, &error), -1);
		out.data[i] ^= 0x01;
		ck_assert_int_eq(maildir_cache_parse_summary(&c, out.data, head, &error), -1);
		out.data[i] ^= 0x01;
	}

	/* Every truncation and every single-byte change is refused. */
	for (size_t i = 0; i < out.len; i++) {
		ck_assert_int_eq(maildir_cache_parse(&c, out.data, i, &error), -1);
		ck_assert_uint_eq(c.msgs.n, 0);
		out.data[i] ^= 0x01;
		ck_assert_int_eq(maildir_cache_parse(&c, out.data, out.len, &error), -1);
		out.data[i] ^= 0x01;
	}
	ck_assert_int_eq(maildir_cache_parse(&c, out.data, out.len, &error), 0);
	maildir_cache_free(&c);
	maildir_scan_free(&s);
	buf_free(&out);
}
END_TEST

/* Version 2 files (summary line and header checksum made here, trailer appended) that must
 * still be refused: { summary fields after the stamps, records }. */
static const char *const bad_bodies[][2] = {
	{ "5 10 1 1 ", "" },                                    /* count too high */
	{ "5 10 1 1 ", "0 - - " M1 "\n" },                      /* uid 0 */
	{ "5 10 1 1 ", "10 - - " M1 "\n" },                     /* uid >= next */
	{ "5 10 2 1 ", "4 - - " M1 "\n3 - - " M2 "\n" },        /* not ascending */
	{ "5 10 1 1 ", "1 - - a/" M1 "\n" },                    /* slash */
	{ "5 10 1 1 ", "1 - - ." M1 "\n" },                     /* hidden */
	{ "5 10 1 1 ", "1 - - \n" },                            /* empty name */
	{ "5 10 1 1 ", "1 -1 - " M1 "\n" },                     /* sign */
	{ "5 10 0 0 ", "extra\n" },                             /* trailing bytes */
	{ "0 10 0 0 ", "" },                                    /* uidvalidity 0 */
	{ "5 4294967296 0 0 ", "" },                            /* nextuid > 32 bit */
	{ "5 10 0 0  ", "" },                                   /* extra space */
	{ "5 10 1 0 ", "1 - - " M1 "\n" },                      /* first unseen is 1 */
	{ "5 10 1 2 ", "1 - - " M1 "\n" },                      /* first unseen > count */
	{ "5 10 1 ", "1 - - " M1 "\n" },                        /* no first unseen */
};

/* A version 2 file: magic, stamps, the given summary fields, header checksum, records,
 * trailer. */
static void make_file(struct buf *b, const char *summary, const char *records)
{
	size_t n;

	buf_reset(b);
	buf_printf(b, "hatoimapcache 2\n1 0 1 0 1 1 1 0 1 1 1 0 1 1 %s", summary);
	buf_printf(b, "%016" PRIx64 "\n%s", maildir_cache_checksum(b->data, b->len), records);
	n = b->len;
	buf_printf(b, "end %016" PRIx64 "\n", maildir_cache_checksum(b->data, n));
}

START_TEST(test_parse_refuses)
{
	struct maildir_cache c;
	struct buf b = BUF_INIT;
	const char *error;

	make_file(&b, bad_bodies[_i][0], bad_bodies[_i][1]);
	maildir_cache_init(&c);
	ck_assert_int_eq(maildir_cache_parse(&c, b.data, b.len, &error), -1);
	ck_assert_uint_eq(c.msgs.n, 0);
	/* The same header with a good count parses: the rows above fail for their own reason. */
	make_file(&b, "5 10 1 1 ", "1 - - " M1 "\n");
	ck_assert_int_eq(maildir_cache_parse(&c, b.data, b.len, &error), 0);
	ck_assert_uint_eq(c.msgs.n, 1);
	maildir_cache_free(&c);
	buf_free(&b);
}
END_TEST

/* A well-formed version 1 file (no summary) is refused by both parsers: it is rebuilt. */
START_TEST(test_version1_refused)
{
	static const char body[] = "hatoimapcache 1\n1 0 1 0 1 1 1 0 1 1 1 0 1 1 5 10 1\n1 - - " M1
				   "\n";
	struct maildir_cache c;
	struct buf b = BUF_INIT;
	const char *error;

	buf_puts(&b, body);
	buf_printf(&b, "end %016" PRIx64 "\n", maildir_cache_checksum(body, strlen(body)));
	maildir_cache_init(&c);
	ck_assert_int_eq(maildir_cache_parse(&c, b.data, b.len, &error), -1);
	ck_assert_str_eq(error, "not a version 2 cache");
	ck_assert_int_eq(maildir_cache_parse_summary(&c, b.data, b.len, &error), -1);
	ck_assert_str_eq(error, "not a version 2 cache");
	maildir_cache_free(&c);
	buf_free(&b);
}
END_TEST

START_TEST(test_settled_rule)
{
	struct maildir_stamp st = { .sec = 1000, .nsec = 500 };

	ck_assert(!maildir_cache_stamp_settled(&st, 1000, 900)); /* same second */
	ck_assert(!maildir_cache_stamp_settled(&st, 1001, 499)); /* 0.999999999 s later */
	ck_assert(maildir_cache_stamp_settled(&st, 1001, 500));  /* exactly 1 s */
	ck_assert(maildir_cache_stamp_settled(&st, 1002, 0));
	ck_assert(!maildir_cache_stamp_settled(&st, 999, 0));    /* clock went back */
	st.sec = INT64_MAX;
	ck_assert(!maildir_cache_stamp_settled(&st, INT64_MAX, 0));
}
END_TEST

START_TEST(test_second_session_uses_cache)
{
	char *md = make_folder();
	struct maildir_index idx;

	/* No cache yet: a full sync. */
	open_index(&idx, md);
	ck_assert(!idx.from_cache);
	ck_assert_uint_eq(idx.full_syncs, 1);
	maildir_index_free(&idx);
	write_cache(md);
	open_index(&idx, md);
	ck_assert(idx.from_cache);
	ck_assert_uint_eq(idx.full_syncs, 0);
	ck_assert_uint_eq(idx.msgs.n, 3);
	ck_assert_str_eq(idx.msgs.v[0].name, M1 ":2,S");
	ck_assert_str_eq(idx.msgs.v[2].name, M3 ":2,");
	ck_assert_uint_eq(idx.msgs.v[2].uid, 3);
	ck_assert_uint_eq(idx.nextuid, 4);
	/* Unchanged and settled: the next sync reads nothing. */
	const char *error;
	ck_assert_int_eq(maildir_index_sync(&idx, &error), 0);
	ck_assert(idx.skipped);
	ck_assert_uint_eq(idx.full_syncs, 0);
	maildir_index_free(&idx);
	/* An index that does not ask for the cache never reads it. */
	maildir_index_init(&idx, md);
	ck_assert_int_eq(maildir_index_sync(&idx, &error), 0);
	ck_assert_uint_eq(idx.full_syncs, 1);
	maildir_index_free(&idx);
	tmd_rm_rf(md);
	free(md);
}
END_TEST

/* A cache whose content differs from the folder but is self-consistent: it is believed exactly
 * when its signature matches (proving the cache is what a second session reads), and not after
 * something moved a stamp. _i: 0 new/ touched, 1 cur/ touched, 2 uiddb rewritten, 3 nothing. */
START_TEST(test_cache_believed_only_on_matching_sig)
{
	char *md = make_folder();
	struct maildir_index idx;
	struct maildir_cache c;
	struct buf text = BUF_INIT;
	const char *error;
	char *uiddb;

	write_cache(md);
	maildir_cache_init(&c);
	ck_assert_int_eq(maildir_cache_read(md, &c, &error), 0);
	/* Rename M2 in the cache only: a session trusting the file sees flag F. */
	maildir_scan_set_name(&c.msgs, &c.msgs.v[1], strdup(M2 ":2,F"));
	maildir_cache_format(&c.sig, c.uidvalidity, c.nextuid, &c.msgs, &text);
	ck_assert_int_eq(maildir_cache_write(md, text.data, text.len, &error), 0);
	maildir_cache_free(&c);
	if (_i == 0)
		age(md, "new", 20);
	else if (_i == 1)
		age(md, "cur", 20);
	else if (_i == 2) {
		/* Rewritten by rename (as Courier does) with the same bytes: a new inode. */
		uiddb = tmd_get(md, MAILDIR_UIDDB_FILE);
		tmd_put(md, "tmp/x", uiddb);
		char *a, *b;
		ck_assert_int_ge(asprintf(&a, "%s/tmp/x", md), 0);
		ck_assert_int_ge(asprintf(&b, "%s/%s", md, MAILDIR_UIDDB_FILE), 0);
		ck_assert_int_eq(rename(a, b), 0);
		free(a);
		free(b);
		free(uiddb);
		age(md, MAILDIR_UIDDB_FILE, 20);
		age(md, "tmp", 20);
	}
	open_index(&idx, md);
	ck_assert_uint_eq(idx.msgs.n, 3);
	if (_i == 3) {
		ck_assert(idx.from_cache);
		ck_assert_str_eq(idx.msgs.v[1].name, M2 ":2,F");
	} else {
		ck_assert(!idx.from_cache);
		ck_assert_uint_eq(idx.full_syncs, 1);
		ck_assert_str_eq(idx.msgs.v[1].name, M2 ":2,");
	}
	maildir_index_free(&idx);
	buf_free(&text);
	tmd_rm_rf(md);
	free(md);
}
END_TEST

/* A cache that is not settled (built in the same second as the last change) is never used,
 * and never written. */
START_TEST(test_same_second_rule)
{
	char *md = make_folder();
	struct maildir_index idx;
	struct maildir_cache c;
	struct buf text = BUF_INIT;
	const char *error;

	write_cache(md);
	maildir_cache_init(&c);
	ck_assert_int_eq(maildir_cache_read(md, &c, &error), 0);
	/* The same stamps, but "scanned" half a second after the last change of cur/. */
	c.sig.started_sec = c.sig.cur_dir.sec;
	c.sig.started_nsec = c.sig.cur_dir.nsec;
	maildir_scan_set_name(&c.msgs, &c.msgs.v[1], strdup(M2 ":2,F"));
	maildir_cache_format(&c.sig, c.uidvalidity, c.nextuid, &c.msgs, &text);
	ck_assert_int_eq(maildir_cache_write(md, text.data, text.len, &error), 0);
	maildir_cache_free(&c);
	open_index(&idx, md);
	ck_assert(!idx.from_cache);
	ck_assert_str_eq(idx.msgs.v[1].name, M2 ":2,");
	maildir_index_free(&idx);

	/* Fresh stamps (changed now): the index is not settled, so it is not saved, and the
	 * next sync reads the folder again even though no stamp moved. */
	age_all(md, 0);
	open_index(&idx, md);
	ck_assert(!idx.from_cache);
	ck_assert_int_eq(maildir_index_save_cache(&idx, &error), 1);
	ck_assert_int_eq(maildir_index_sync(&idx, &error), 0);
	ck_assert(!idx.skipped);
	ck_assert_uint_eq(idx.full_syncs, 2);
	maildir_index_free(&idx);
	buf_free(&text);
	tmd_rm_rf(md);
	free(md);
}
END_TEST

START_TEST(test_corrupt_cache_ignored)
{
	static const char *const junk[] = { "", "hatoimapcache 2\n", "garbage\n" };
	char *md = make_folder();
	struct maildir_index idx;
	char *good, *p;
	size_t len;

	write_cache(md);
	good = tmd_get(md, MAILDIR_CACHE_FILE);
	len = strlen(good);
	ck_assert_int_ge(asprintf(&p, "%s/%s", md, MAILDIR_CACHE_FILE), 0);
	for (int i = 0; i < 6; i++) {
		FILE *f = fopen(p, "w");

		ck_assert_ptr_nonnull(f);
		if (i < 3)
			fputs(junk[i], f);
		else if (i == 3)
			fwrite(good, 1, len - 1, f); /* truncated */
		else if (i == 5) {
			/* The same snapshot as a valid version 1 file: no summary. */
			struct buf v1 = BUF_INIT;
			char *nl2 = strchr(strchr(good, '\n') + 1, '\n'), *sp = nl2 - 18;
			size_t n;

			while (*sp != ' ')
				sp--;
			buf_puts(&v1, "hatoimapcache 1");
			buf_append(&v1, strchr(good, '\n'), (size_t)(sp - strchr(good, '\n')));
			buf_putc(&v1, '\n');
			buf_append(&v1, nl2 + 1, (size_t)(good + len - 21 - (nl2 + 1)));
			n = v1.len;
			buf_printf(&v1, "end %016" PRIx64 "\n", maildir_cache_checksum(v1.data, n));
			fputs(buf_cstr(&v1), f);
			buf_free(&v1);
		} else {
			good[len / 2] ^= 0x20; /* one flipped bit */
			fputs(good, f);
			good[len / 2] ^= 0x20;
		}
		fclose(f);
		open_index(&idx, md);
		ck_assert(!idx.from_cache);
		ck_assert_uint_eq(idx.full_syncs, 1);
		ck_assert_uint_eq(idx.msgs.n, 3);
		ck_assert_str_eq(idx.msgs.v[1].name, M2 ":2,");
		maildir_index_free(&idx);
	}
	free(p);
	free(good);
	tmd_rm_rf(md);
	free(md);
}
END_TEST

/* Another process renames a file (flag change) between two syncs of one index; also in the
 * same timestamp tick (simulated by putting cur/'s old mtime back). */
START_TEST(test_rename_between_syncs_seen)
{
	char *md = make_folder();
	struct maildir_index idx;
	struct maildir_stamp before;
	struct timespec ts[2];
	const char *error;
	char *a, *b, *cur;

	open_index(&idx, md);
	ck_assert_int_eq(maildir_index_sync(&idx, &error), 0);
	ck_assert(idx.skipped);
	ck_assert_int_ge(asprintf(&a, "%s/cur/%s", md, M2 ":2,"), 0);
	ck_assert_int_ge(asprintf(&b, "%s/cur/%s", md, M2 ":2,RS"), 0);
	ck_assert_int_eq(rename(a, b), 0);
	ck_assert_int_eq(maildir_index_sync(&idx, &error), 0);
	ck_assert(!idx.skipped);
	ck_assert_str_eq(idx.msgs.v[1].name, M2 ":2,RS");
	ck_assert_uint_eq(idx.msgs.v[1].uid, 2);

	/* Now cur/ changed this very second: our index is not settled. Rename back and restore
	 * cur/'s mtime exactly, as a coarse timestamp would: the change must still be seen. */
	ck_assert_int_ge(asprintf(&cur, "%s/cur", md), 0);
	ck_assert_int_eq(maildir_cache_stamp(cur, &before), 0);
	ck_assert_int_eq(maildir_index_sync(&idx, &error), 0); /* settles nothing: same second */
	ck_assert(!idx.skipped);
	ck_assert_int_eq(rename(b, a), 0);
	ts[0].tv_sec = ts[1].tv_sec = (time_t)before.sec;
	ts[0].tv_nsec = ts[1].tv_nsec = (long)before.nsec;
	ck_assert_int_eq(utimensat(AT_FDCWD, cur, ts, 0), 0);
	ck_assert_int_eq(maildir_index_sync(&idx, &error), 0);
	ck_assert(!idx.skipped);
	ck_assert_str_eq(idx.msgs.v[1].name, M2 ":2,");
	maildir_index_free(&idx);
	free(a);
	free(b);
	free(cur);
	tmd_rm_rf(md);
	free(md);
}
END_TEST

/* RFC822.SIZE and INTERNALDATE are measured once, kept across a resync, saved, and read back
 * by the next session without touching the file. */
START_TEST(test_measure_kept_and_cached)
{
	char *md = make_folder();
	struct maildir_index idx;
	struct timespec ts[2] = { { 1500000000, 0 }, { 1500000000, 0 } };
	const char *error;
	char *p;

	ck_assert_int_ge(asprintf(&p, "%s/cur/%s", md, M1 ":2,S"), 0);
	ck_assert_int_eq(utimensat(AT_FDCWD, p, ts, 0), 0);
	open_index(&idx, md);
	ck_assert(idx.msgs.v[0].crlf_size == MAILDIR_SIZE_UNKNOWN);
	ck_assert_int_eq(maildir_index_measure(&idx, &idx.msgs.v[0], false, &error), 0);
	ck_assert(idx.msgs.v[0].crlf_size == MAILDIR_SIZE_UNKNOWN); /* only the date asked */
	ck_assert_int_eq(idx.msgs.v[0].mtime, 1500000000);
	ck_assert_int_eq(maildir_index_measure(&idx, &idx.msgs.v[0], true, &error), 0);
	ck_assert_uint_eq(idx.msgs.v[0].crlf_size, 7); /* "a\nb\r\nc" (6 bytes): one bare LF */
	ck_assert_int_eq(maildir_index_measure(&idx, &idx.msgs.v[1], true, &error), 0);
	ck_assert_uint_eq(idx.msgs.v[1].crlf_size, 3);
	/* A flag change elsewhere forces a rescan; what was measured stays. */
	age(md, "cur", 5);
	ck_assert_int_eq(maildir_index_sync(&idx, &error), 0);
	ck_assert(!idx.skipped);
	ck_assert_uint_eq(idx.msgs.v[0].crlf_size, 7);
	ck_assert_int_eq(maildir_index_save_cache(&idx, &error), 0);
	maildir_index_free(&idx);
	/* Expunged by another process: the cache is stale (cur/ moved), so the next session
	 * rescans and carries over the sizes of the messages that stayed. */
	ck_assert_int_eq(unlink(p), 0);
	age(md, "cur", 5);
	open_index(&idx, md);
	ck_assert(!idx.from_cache);
	ck_assert_uint_eq(idx.msgs.n, 2);
	ck_assert_uint_eq(idx.msgs.v[0].uid, 2);
	ck_assert_uint_eq(idx.msgs.v[0].crlf_size, 3);
	ck_assert(idx.msgs.v[1].crlf_size == MAILDIR_SIZE_UNKNOWN);
	ck_assert_int_eq(maildir_index_measure(&idx, &idx.msgs.v[1], true, &error), 0);
	/* That sync left the expunged message's record in the uiddb (no rewrite), and the
	 * folder was settled: the cache is saved at once. */
	ck_assert_int_eq(maildir_index_save_cache(&idx, &error), 0);
	age_all(md, 5);
	ck_assert_int_eq(maildir_index_sync(&idx, &error), 0);
	ck_assert(!idx.skipped);
	ck_assert_int_eq(maildir_index_save_cache(&idx, &error), 0);
	maildir_index_free(&idx);
	open_index(&idx, md);
	ck_assert(idx.from_cache);
	ck_assert_uint_eq(idx.msgs.v[1].crlf_size, 5);
	ck_assert_int_eq(maildir_index_measure(&idx, &idx.msgs.v[1], true, &error), 0);
	ck_assert(!idx.cache_stale); /* nothing new learned */
	maildir_index_free(&idx);
	free(p);
	tmd_rm_rf(md);
	free(md);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("maildir-cache");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_format_exact_and_round_trip);
	tcase_add_loop_test(tc, test_parse_refuses, 0, sizeof(bad_bodies) / sizeof(bad_bodies[0]));
	tcase_add_test(tc, test_version1_refused);
	tcase_add_test(tc, test_settled_rule);
	tcase_add_test(tc, test_second_session_uses_cache);
	tcase_add_loop_test(tc, test_cache_believed_only_on_matching_sig, 0, 4);
	tcase_add_test(tc, test_same_second_rule);
	tcase_add_test(tc, test_corrupt_cache_ignored);
	tcase_add_test(tc, test_rename_between_syncs_seen);
	tcase_add_test(tc, test_measure_kept_and_cached);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
