/* Folder index: scan + courierimapuiddb merge with Courier's UID assignment rules. */
#include "config.h"
#include "maildir-index.h"
#include "maildir-file.h"
#include "maildir-name.h"
#include "maildir-uiddb.h"
#include "log.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* Copy measured sizes and mtimes from old (ascending UIDs, same UIDVALIDITY) to the entries
 * of to (ascending UIDs) with the same UID and base name: a base's content never changes. */
static void carry_over(struct maildir_scan *to, const struct maildir_scan *old)
{
	size_t j = 0;

	for (size_t i = 0; i < to->n && j < old->n; i++) {
		struct maildir_entry *e = &to->v[i];

		while (j < old->n && old->v[j].uid < e->uid)
			j++;
		if (j == old->n || old->v[j].uid != e->uid || old->v[j].base_len != e->base_len ||
		    memcmp(old->v[j].name, e->name, e->base_len) != 0)
			continue;
		if (e->crlf_size == MAILDIR_SIZE_UNKNOWN)
			e->crlf_size = old->v[j].crlf_size;
		if (e->mtime == MAILDIR_MTIME_UNKNOWN)
			e->mtime = old->v[j].mtime;
	}
}

/* Move the scan into the index, sorted by UID, keeping what the old index measured. */
static void install(struct maildir_index *idx, struct maildir_scan *scan, uint32_t uidv,
                    uint32_t next)
{
	if (scan->n > 1)
		qsort(scan->v, scan->n, sizeof(*scan->v), uid_cmp);
	if (idx->synced && idx->uidvalidity == uidv)
		carry_over(scan, &idx->msgs);
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

/* The readdir-based sync. */
/* Install scan when db numbers every file in it: no lock, nothing written. Messages another
 * session expunged leave records behind; dropping them is not worth the lock and a rewrite
 * by every session after every EXPUNGE (64 sessions queued on the lock in bench/'s mixed
 * load), so up to MAILDIR_INDEX_STALE_MAX are verified gone (readdir may miss a file being
 * renamed: probe_vanished) and stay in the file until a locked sync drops them. 1 when
 * installed, else 0 (scan keeps its entries, UIDs possibly applied). */
static int install_if_numbered(struct maildir_index *idx, struct maildir_scan *scan,
			       const struct maildir_uiddb *db)
{
	size_t matched = apply_uids(scan, db);

	for (size_t i = 0; i < scan->n; i++) {
		if (scan->v[i].uid == 0)
			return 0;
	}
	if (matched != db->n) {
		if (db->n - matched > MAILDIR_INDEX_STALE_MAX)
			return 0;
		if (probe_vanished(idx->dir, scan, db) > 0)
			(void)apply_uids(scan, db);
	}
	install(idx, scan, db->uidvalidity, db->nextuid);
	return 1;
}

static int full_sync(struct maildir_index *idx, const char **error_r)
{
	struct maildir_scan scan;
	struct maildir_uiddb db;
	int ret = -1, st, lockfd;

	idx->full_syncs++;
	maildir_scan_init(&scan);
	maildir_uiddb_init(&db);
	if (maildir_scan_folder(idx->dir, &scan, error_r) < 0)
		goto out;
	st = load_uiddb(idx->dir, &db, 1, error_r);
	if (st < 0)
		goto out;
	if (st == 0 && install_if_numbered(idx, &scan, &db)) {
		ret = 0;
		goto out;
	}
	lockfd =
	    maildir_file_lock(idx->dir, MAILDIR_UIDDB_LOCK, MAILDIR_INDEX_LOCK_TIMEOUT_MS, error_r);
	if (lockfd < 0)
		goto out;
	/* Most unknown files are another session's APPEND or COPY, which numbers them under this
	 * lock: now that the lock is ours the uiddb may list them, and a second look costs one
	 * read instead of every waiting session re-reading cur/ and rewriting the file in turn. */
	maildir_uiddb_free(&db);
	maildir_uiddb_init(&db);
	if (st == 0 && load_uiddb(idx->dir, &db, 1, error_r) == 0 &&
	    install_if_numbered(idx, &scan, &db))
		ret = 0;
	else
		ret = sync_locked(idx, &scan, error_r);
	maildir_file_unlock(lockfd);
out:
	maildir_scan_free(&scan);
	maildir_uiddb_free(&db);
	return ret;
}

/* The first sync of a session: take the index from hatoimapcache when its signature is the
 * folder's and settled. 1 when it was used; otherwise 0, and cache holds the parsed file (or
 * nothing) so its sizes can still be carried over. */
static int try_cache(struct maildir_index *idx, const struct maildir_sig *now,
		     struct maildir_cache *cache)
{
	const char *error;
	int ret = maildir_cache_read(idx->dir, cache, &error);

	if (ret < 0)
		log_debug("%s/%s: %s: ignored", idx->dir, MAILDIR_CACHE_FILE, error);
	if (ret != 0)
		return 0;
	if (!maildir_cache_sig_same(&cache->sig, now) || !maildir_cache_sig_settled(&cache->sig))
		return 0;
	maildir_index_adopt_cache(idx, cache);
	return 1;
}

void maildir_index_adopt_cache(struct maildir_index *idx, struct maildir_cache *cache)
{
	maildir_scan_free(&idx->msgs);
	idx->msgs = cache->msgs;
	maildir_scan_init(&cache->msgs);
	idx->uidvalidity = cache->uidvalidity;
	idx->nextuid = cache->nextuid;
	idx->sig = cache->sig;
	idx->have_sig = true;
	idx->synced = true;
	idx->from_cache = true;
	idx->cache_stale = false;
}

int maildir_index_sync(struct maildir_index *idx, const char **error_r)
{
	struct maildir_cache cache;
	struct maildir_sig now;
	bool have_now;
	int ret;

	idx->assigned = 0;
	idx->rewrote = 0;
	idx->recovered = 0;
	idx->from_cache = false;
	idx->skipped = false;
	/* The signature is taken before anything is read: a change after this moment moves a
	 * stamp (or falls in the tick the settled rule refuses), so it is never lost. */
	have_now = maildir_cache_sig_take(idx->dir, &now) == 0;
	if (have_now && idx->have_sig && maildir_cache_sig_same(&idx->sig, &now) &&
	    maildir_cache_sig_settled(&idx->sig)) {
		idx->skipped = true;
		return 0;
	}
	maildir_cache_init(&cache);
	if (have_now && idx->use_cache && !idx->synced && try_cache(idx, &now, &cache)) {
		maildir_cache_free(&cache);
		return 0;
	}
	ret = full_sync(idx, error_r);
	if (ret == 0) {
		/* A stale cache still knows the sizes of the messages that stayed. */
		if (cache.uidvalidity == idx->uidvalidity)
			carry_over(&idx->msgs, &cache.msgs);
		idx->sig = now;
		idx->have_sig = have_now;
		idx->synced = true;
		idx->cache_stale = true;
	}
	maildir_cache_free(&cache);
	return ret;
}

int maildir_index_save_cache(struct maildir_index *idx, const char **error_r)
{
	struct maildir_sig now;
	struct buf text = BUF_INIT;
	int ret;

	if (!idx->cache_stale || !idx->have_sig || !maildir_cache_sig_settled(&idx->sig))
		return 1;
	/* This session's own flag changes and expunges move cur/'s stamp too: the index then
	 * no longer is the snapshot of idx->sig, and is not written. */
	if (maildir_cache_sig_take(idx->dir, &now) < 0 || !maildir_cache_sig_same(&idx->sig, &now))
		return 1;
	maildir_cache_format(&idx->sig, idx->uidvalidity, idx->nextuid, &idx->msgs, &text);
	ret = maildir_cache_write(idx->dir, text.data, text.len, error_r);
	buf_free(&text);
	if (ret < 0)
		return -1;
	idx->cache_stale = false;
	return 0;
}

void maildir_index_learn(struct maildir_index *idx, struct maildir_entry *e, uint64_t crlf_size,
			 int64_t mtime)
{
	if (e->crlf_size != crlf_size || e->mtime != mtime)
		idx->cache_stale = true;
	e->crlf_size = crlf_size;
	e->mtime = mtime;
}

int maildir_index_measure(struct maildir_index *idx, struct maildir_entry *e, bool need_size,
			  const char **error_r)
{
	struct stat st;
	char chunk[65536];
	uint64_t size = 0;
	bool after_cr = false;
	ssize_t n;
	int fd;

	if ((!need_size || e->crlf_size != MAILDIR_SIZE_UNKNOWN) && e->mtime != MAILDIR_MTIME_UNKNOWN)
		return 0;
	fd = maildir_scan_open(idx->dir, e->name);
	if (fd < 0) {
		*error_r = "cannot open the message file";
		return errno == ENOENT ? 1 : -1;
	}
	if (fstat(fd, &st) < 0) {
		close(fd);
		*error_r = "cannot stat the message file";
		return -1;
	}
	if (!need_size || e->crlf_size != MAILDIR_SIZE_UNKNOWN) {
		close(fd);
		maildir_index_learn(idx, e, e->crlf_size, (int64_t)st.st_mtime);
		return 0;
	}
	/* RFC822.SIZE counts a bare LF as CRLF (the form clients see). */
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			*error_r = "cannot read the message file";
			return -1;
		}
		size += (uint64_t)n;
		for (const char *p = chunk, *end = chunk + n; p < end;) {
			const char *lf = memchr(p, '\n', (size_t)(end - p));

			if (lf == NULL)
				break;
			if (lf == chunk ? !after_cr : lf[-1] != '\r')
				size++;
			p = lf + 1;
		}
		after_cr = chunk[n - 1] == '\r';
	}
	close(fd);
	maildir_index_learn(idx, e, size, (int64_t)st.st_mtime);
	return 0;
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
