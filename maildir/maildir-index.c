/* Folder index: scan + courierimapuiddb merge with Courier's UID assignment rules. */
#include "config.h"
#include "maildir-index.h"
#include "maildir-file.h"
#include "maildir-uiddb.h"
#include "log.h"
#include "xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void maildir_index_init(struct maildir_index *idx, const char *dir)
{
	memset(idx, 0, sizeof(*idx));
	idx->dir = xstrdup(dir);
	maildir_scan_init(&idx->msgs);
}

void maildir_index_free(struct maildir_index *idx)
{
	maildir_scan_free(&idx->msgs);
	free(idx->dir);
	memset(idx, 0, sizeof(*idx));
}

/* Read and parse the uiddb. 0 = valid, 1 = missing or corrupt (db->uidvalidity may still
 * hold the old value), -1 = I/O error. */
static int load_uiddb(const char *dir, struct maildir_uiddb *db, int quiet, const char **error_r)
{
	struct buf data = BUF_INIT;
	const char *perr;
	int ret = maildir_file_read(dir, MAILDIR_UIDDB_FILE, &data, error_r);

	if (ret != 0) {
		buf_free(&data);
		maildir_uiddb_free(db);
		return ret;
	}
	if (maildir_uiddb_parse(db, &data, &perr) < 0) {
		if (!quiet)
			log_warnx("%s/%s: %s: assigning a new UIDVALIDITY", dir, MAILDIR_UIDDB_FILE,
			          perr);
		uint32_t old = db->uidvalidity;
		maildir_uiddb_free(db);
		db->uidvalidity = old;
		return 1;
	}
	return 0;
}

/* Give scan entries the UIDs the db knows; returns how many db records matched. */
static size_t apply_uids(struct maildir_scan *scan, const struct maildir_uiddb *db)
{
	size_t matched = 0;

	for (size_t i = 0; i < scan->n; i++)
		scan->v[i].uid = 0;
	for (size_t i = 0; i < db->n; i++) {
		struct maildir_entry *e = maildir_scan_find(scan, db->v[i].base, db->v[i].base_len);
		if (e != NULL) {
			e->uid = db->v[i].uid;
			matched++;
		}
	}
	return matched;
}

static int uid_cmp(const void *pa, const void *pb)
{
	const struct maildir_entry *a = pa, *b = pb;

	return a->uid < b->uid ? -1 : a->uid > b->uid;
}

/* Move the scan into the index, sorted by UID. */
static void install(struct maildir_index *idx, struct maildir_scan *scan, uint32_t uidv,
                    uint32_t next)
{
	if (scan->n > 1)
		qsort(scan->v, scan->n, sizeof(*scan->v), uid_cmp);
	maildir_scan_free(&idx->msgs);
	idx->msgs = *scan;
	maildir_scan_init(scan);
	idx->uidvalidity = uidv;
	idx->nextuid = next;
}

/* Add entries of other missing from scan: readdir can miss a file another session renames
 * (flag change) while we read, and dropping its record would renumber the message. */
static void union_scans(struct maildir_scan *scan, const struct maildir_scan *other)
{
	size_t before = scan->n;

	for (size_t i = 0; i < other->n; i++) {
		const struct maildir_entry *o = &other->v[i];
		if (maildir_scan_find(scan, o->name, o->base_len) == NULL)
			(void)maildir_scan_add(scan, o->name);
	}
	if (scan->n != before)
		maildir_scan_sort(scan);
}

/* Records the readdirs did not return are verified by name before they are dropped: dropping
 * a record of a message that still exists would give it a new UID. Returns how many were
 * found (and added to scan). */
static size_t probe_vanished(const char *dir, struct maildir_scan *scan,
                             const struct maildir_uiddb *db)
{
	struct buf name = BUF_INIT;
	size_t found = 0;

	for (size_t i = 0; i < db->n; i++) {
		if (maildir_scan_find(scan, db->v[i].base, db->v[i].base_len) != NULL)
			continue;
		buf_reset(&name);
		if (maildir_scan_probe(dir, db->v[i].base, db->v[i].base_len, &name) &&
		    maildir_scan_add(scan, buf_cstr(&name)) != NULL)
			found++;
	}
	buf_free(&name);
	if (found > 0)
		maildir_scan_sort(scan);
	return found;
}

static int cur_mtime(const char *dir, struct timespec *ts)
{
	struct buf path = BUF_INIT;
	struct stat st;
	int ret;

	buf_printf(&path, "%s/cur", dir);
	ret = stat(buf_cstr(&path), &st);
	buf_free(&path);
	if (ret == 0)
		*ts = st.st_mtim;
	return ret;
}

/* Whether cur/ was quiet for the whole locked sync: unchanged since before our readdir, and
 * last changed more than a second before it (directory timestamps can be as coarse as a
 * timer tick, so a change in the same tick as our first look would not show). Only then can
 * "not found" be trusted: readdir may skip a file another session renames meanwhile. */
static int cur_quiet(const char *dir, const struct timespec *before, time_t started)
{
	struct timespec now;

	if (cur_mtime(dir, &now) < 0)
		return 0;
	return now.tv_sec == before->tv_sec && now.tv_nsec == before->tv_nsec &&
	       before->tv_sec < started - 1;
}

static int rec_uid_cmp(const void *pa, const void *pb)
{
	const struct maildir_uiddb_rec *a = pa, *b = pb;

	return a->uid < b->uid ? -1 : a->uid > b->uid;
}

/* cur/ was busy: keep the records of messages we did not find (their UIDs must survive if
 * the files are still there); a later quiet sync drops the ones really expunged. They are not
 * put in the session's index. */
static void keep_missing(struct maildir_uiddb *out, const struct maildir_uiddb *db,
                         const struct maildir_scan *scan)
{
	for (size_t i = 0; i < db->n; i++) {
		if (maildir_scan_find(scan, db->v[i].base, db->v[i].base_len) == NULL)
			maildir_uiddb_add(out, db->v[i].uid, db->v[i].base, db->v[i].base_len);
	}
}

/* New messages get increasing UIDs in delivery order. Their names begin with the delivery
 * time and its microseconds ("1700000000.M9P12Q1." before "1700000000.M10P12Q2."), which a
 * byte order gets wrong within one second; strverscmp compares the digit runs as numbers. */
static int delivery_cmp(const void *pa, const void *pb)
{
	const struct maildir_entry *const *a = pa, *const *b = pb;

	return strverscmp((*a)->name, (*b)->name);
}

static int assign_new_uids(struct maildir_index *idx, struct maildir_scan *scan,
			   struct maildir_uiddb *out, const char **error_r)
{
	struct maildir_entry **fresh;
	size_t n = 0;
	int ret = 0;

	idx->assigned = 0;
	for (size_t i = 0; i < scan->n; i++)
		n += scan->v[i].uid == 0;
	if (n == 0)
		return 0;
	fresh = xmalloc(n * sizeof(*fresh));
	n = 0;
	for (size_t i = 0; i < scan->n; i++)
		if (scan->v[i].uid == 0)
			fresh[n++] = &scan->v[i];
	if (n > 1)
		qsort(fresh, n, sizeof(*fresh), delivery_cmp);
	for (size_t i = 0; i < n; i++) {
		if (out->nextuid == UINT32_MAX) {
			*error_r = "UID space exhausted";
			ret = -1;
			break;
		}
		fresh[i]->uid = out->nextuid++;
		idx->assigned++;
	}
	free(fresh);
	return ret;
}

/* Under the lock: re-read everything, assign UIDs, rewrite the file. */
static int sync_locked(struct maildir_index *idx, struct maildir_scan *first, const char **error_r)
{
	struct maildir_uiddb db, out;
	struct maildir_scan scan;
	struct buf text = BUF_INIT;
	struct timespec cur_before;
	time_t started;
	int ret = -1, st;

	maildir_uiddb_init(&db);
	maildir_uiddb_init(&out);
	maildir_scan_init(&scan);
	started = time(NULL);
	if (cur_mtime(idx->dir, &cur_before) < 0 ||
	    maildir_scan_cur(idx->dir, &scan, error_r) < 0) {
		*error_r = "reading cur/ failed";
		goto out;
	}
	union_scans(&scan, first);
	st = load_uiddb(idx->dir, &db, 0, error_r);
	if (st < 0)
		goto out;
	idx->recovered = st == 1;
	if (st == 1) {
		db.uidvalidity = maildir_uiddb_new_uidvalidity(time(NULL), db.uidvalidity);
		db.nextuid = 1;
	}
	if (apply_uids(&scan, &db) != db.n && probe_vanished(idx->dir, &scan, &db) > 0)
		(void)apply_uids(&scan, &db);
	out.uidvalidity = db.uidvalidity;
	out.nextuid = db.nextuid;
	if (assign_new_uids(idx, &scan, &out, error_r) < 0)
		goto out;
	if (!cur_quiet(idx->dir, &cur_before, started))
		keep_missing(&out, &db, &scan); /* needs scan in name order */
	if (scan.n > 1)
		qsort(scan.v, scan.n, sizeof(*scan.v), uid_cmp);
	for (size_t i = 0; i < scan.n; i++)
		maildir_uiddb_add(&out, scan.v[i].uid, scan.v[i].name, scan.v[i].base_len);
	if (out.n > 1)
		qsort(out.v, out.n, sizeof(*out.v), rec_uid_cmp);
	maildir_uiddb_format(&out, &text);
	if (maildir_file_write_atomic(idx->dir, MAILDIR_UIDDB_FILE, text.data, text.len, error_r) <
	    0)
		goto out;
	idx->rewrote = 1;
	/* Courier purges tmp/ when it scans; doing it only when the folder changed keeps the
	 * unchanged-folder sync at one readdir of new/ and cur/. */
	const char *perr;
	(void)maildir_scan_purge_tmp(idx->dir, time(NULL), MAILDIR_TMP_MAX_AGE, &perr);
	install(idx, &scan, out.uidvalidity, out.nextuid);
	ret = 0;
out:
	buf_free(&text);
	maildir_scan_free(&scan);
	maildir_uiddb_free(&db);
	maildir_uiddb_free(&out);
	return ret;
}

int maildir_index_sync(struct maildir_index *idx, const char **error_r)
{
	struct maildir_scan scan;
	struct maildir_uiddb db;
	int ret = -1, st, lockfd;

	idx->assigned = 0;
	idx->rewrote = 0;
	idx->recovered = 0;
	maildir_scan_init(&scan);
	maildir_uiddb_init(&db);
	if (maildir_scan_folder(idx->dir, &scan, error_r) < 0)
		goto out;
	st = load_uiddb(idx->dir, &db, 1, error_r);
	if (st < 0)
		goto out;
	if (st == 0 && apply_uids(&scan, &db) == db.n) {
		int all_known = 1;
		for (size_t i = 0; i < scan.n && all_known; i++)
			all_known = scan.v[i].uid != 0;
		if (all_known) {
			/* The fast path: the uiddb is current, nothing to write. */
			install(idx, &scan, db.uidvalidity, db.nextuid);
			ret = 0;
			goto out;
		}
	}
	lockfd =
	    maildir_file_lock(idx->dir, MAILDIR_UIDDB_LOCK, MAILDIR_INDEX_LOCK_TIMEOUT_MS, error_r);
	if (lockfd < 0)
		goto out;
	ret = sync_locked(idx, &scan, error_r);
	maildir_file_unlock(lockfd);
out:
	maildir_scan_free(&scan);
	maildir_uiddb_free(&db);
	return ret;
}

struct maildir_entry *maildir_index_find_uid(const struct maildir_index *idx, uint32_t uid)
{
	size_t lo = 0, hi = idx->msgs.n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t u = idx->msgs.v[mid].uid;
		if (u == uid)
			return &idx->msgs.v[mid];
		if (u < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
