/* The selected mailbox over maildir_index (RFC 3501 §5.2, §7.3.1, §7.4.1). */
#include "config.h"
#include "imap-mailbox.h"
#include "imap-client.h"
#include "imap-seqset.h"
#include "log.h"
#include "maildir-deliver.h"
#include "maildir-name.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Move new/ into cur/ ourselves, before maildir_index_sync would: rename() succeeds for exactly
 * one process, so the session that moved a message is the one that first saw it and owns its
 * \Recent (RFC 3501 §2.3.2). The moved base names are appended to bases (NUL-separated). */
static void claim_new(const char *dir, struct buf *bases)
{
	struct buf from = BUF_INIT, to = BUF_INIT;
	struct dirent *de;
	DIR *d;

	buf_printf(&from, "%s/new", dir);
	d = opendir(buf_cstr(&from));
	if (d == NULL) {
		buf_free(&from);
		return; /* maildir_index_sync reports the error */
	}
	while ((de = readdir(d)) != NULL) {
		struct maildir_name mn;
		const char *error;

		if (de->d_name[0] == '.' || maildir_name_parse(de->d_name, &mn, &error) < 0)
			continue;
		buf_reset(&from);
		buf_reset(&to);
		buf_printf(&from, "%s/new/%s", dir, de->d_name);
		buf_printf(&to, "%s/cur/%s%s", dir, de->d_name, mn.has_info ? "" : ":2,");
		if (rename(buf_cstr(&from), buf_cstr(&to)) < 0)
			continue; /* another session was first */
		buf_append(bases, de->d_name, mn.base_len);
		buf_putc(bases, '\0');
	}
	closedir(d);
	buf_free(&from);
	buf_free(&to);
}

/* Order of index entries by base name (the index itself is sorted by UID). */
static int entry_base_cmp(const void *pa, const void *pb)
{
	const struct maildir_entry *a = *(const struct maildir_entry *const *)pa;
	const struct maildir_entry *b = *(const struct maildir_entry *const *)pb;
	int c = memcmp(a->name, b->name, a->base_len < b->base_len ? a->base_len : b->base_len);

	return c != 0 ? c : a->base_len < b->base_len ? -1 : a->base_len > b->base_len;
}

/* Turn the claimed base names into UIDs (after the index sync assigned them). The index is in
 * UID order, which is not file-name order (APPEND, deliveries racing within one second), so
 * the names are looked up in a by-name copy. */
static void remember_recent(struct imap_mailbox *box, const struct buf *bases)
{
	struct maildir_entry **by_name;
	size_t n = box->idx.msgs.n;

	if (bases->len == 0 || n == 0)
		return;
	by_name = xreallocarray(NULL, n, sizeof(*by_name));
	for (size_t i = 0; i < n; i++)
		by_name[i] = &box->idx.msgs.v[i];
	qsort(by_name, n, sizeof(*by_name), entry_base_cmp);
	for (size_t pos = 0; pos < bases->len;) {
		const char *base = bases->data + pos;
		size_t len = strlen(base);
		struct maildir_entry key = { .name = (char *)base, .base_len = len }, *kp = &key;
		struct maildir_entry **found =
			bsearch(&kp, by_name, n, sizeof(*by_name), entry_base_cmp);
		struct maildir_entry *e = found != NULL ? *found : NULL;

		pos += len + 1;
		if (e == NULL)
			continue; /* expunged already */
		if (box->recent_n == box->recent_cap) {
			box->recent_cap = box->recent_cap ? box->recent_cap * 2 : 16;
			box->recent_uids = xreallocarray(box->recent_uids, box->recent_cap,
							 sizeof(uint32_t));
		}
		box->recent_uids[box->recent_n++] = e->uid;
	}
	free(by_name);
	if (box->recent_n > 1) /* never qsort a NULL array (UBSan) */
		qsort(box->recent_uids, box->recent_n, sizeof(uint32_t), cmp_u32);
}

/* Whether uid is one of ours to show as \Recent. The callers ask in ascending UID order, so a
 * cursor walks recent_uids once; a taken UID is zeroed (UIDs start at 1) and recent_compact()
 * removes them afterwards. Removing each at once (memmove) made a SELECT that claims n new
 * messages O(n^2). */
static bool take_recent(struct imap_mailbox *box, size_t *pos, uint32_t uid)
{
	while (*pos < box->recent_n && box->recent_uids[*pos] < uid)
		(*pos)++;
	if (*pos == box->recent_n || box->recent_uids[*pos] != uid)
		return false;
	box->recent_uids[(*pos)++] = 0;
	return true;
}

static void recent_compact(struct imap_mailbox *box)
{
	size_t out = 0;

	for (size_t i = 0; i < box->recent_n; i++) {
		if (box->recent_uids[i] != 0)
			box->recent_uids[out++] = box->recent_uids[i];
	}
	box->recent_n = out;
}

static void view_reserve(struct imap_mailbox *box, size_t n)
{
	if (n <= box->cap)
		return;
	box->cap = n < 64 ? 64 : n + n / 2;
	box->view = xreallocarray(box->view, box->cap, sizeof(*box->view));
}

/* The keyword string of a message as of the last keyword load (malloc'd or NULL). */
static char *keywords_of(const struct imap_mailbox *box, const struct maildir_entry *e)
{
	const struct maildir_keywords_msg *km;
	struct buf b = BUF_INIT;
	char *base;

	if (!box->keywords || box->kw.nmsgs == 0)
		return NULL;
	base = xstrndup(e->name, e->base_len);
	km = maildir_keywords_get(&box->kw, base);
	free(base);
	for (size_t i = 0; km != NULL && i < km->n; i++)
		buf_printf(&b, "%s%s", i > 0 ? " " : "", box->kw.names[km->kw[i]]);
	return b.len > 0 ? buf_steal(&b) : (buf_free(&b), NULL);
}

static bool same_str(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* Whether courierimapkeywords/ may have changed since the last load (and note its stamp). */
static bool keywords_changed(struct imap_mailbox *box)
{
	struct buf path = BUF_INIT;
	struct maildir_stamp st;
	struct timespec now;
	bool same;

	clock_gettime(CLOCK_REALTIME, &now);
	buf_printf(&path, "%s/%s", box->idx.dir, MAILDIR_KEYWORDS_DIR);
	if (maildir_cache_stamp(buf_cstr(&path), &st) < 0) {
		int saved = errno;
		/* Missing then and now: nothing to reload (creating it makes stat succeed). */
		bool was_missing = box->kw_missing;

		buf_free(&path);
		box->kw_have_stamp = false;
		box->kw_missing = saved == ENOENT;
		return !(was_missing && box->kw_missing);
	}
	buf_free(&path);
	box->kw_missing = false;
	same = box->kw_have_stamp && st.sec == box->kw_stamp.sec && st.nsec == box->kw_stamp.nsec &&
	       st.ino == box->kw_stamp.ino && st.size == box->kw_stamp.size &&
	       maildir_cache_stamp_settled(&st, box->kw_started_sec, box->kw_started_nsec);
	if (!same) {
		box->kw_stamp = st;
		box->kw_started_sec = (int64_t)now.tv_sec;
		box->kw_started_nsec = (int64_t)now.tv_nsec;
		box->kw_have_stamp = true;
	}
	return !same;
}

/* Reload courierimapkeywords/ into box->kw (after keywords_changed said so). */
static void reload_keywords(struct imap_mailbox *box)
{
	const char *kw_error;

	maildir_keywords_free(&box->kw);
	maildir_keywords_init(&box->kw);
	if (maildir_keywords_load(box->idx.dir, &box->kw, &kw_error) < 0) {
		/* Flags still work: keywords are shown as none until the file is fixed. */
		log_warnx("%s: keywords: %s", box->idx.dir, kw_error);
		maildir_keywords_free(&box->kw);
		maildir_keywords_init(&box->kw);
	}
}

/* Read the folder after claim_new() put the base names it moved in bases: sync the index, note
 * which new UIDs are ours, load keywords. *changed_r (may be NULL) tells whether anything may
 * differ from the last reread. */
static int reread_claimed(struct imap_mailbox *box, const struct buf *bases, bool *changed_r,
			  const char **error_r)
{
	bool kw_changed = false;

	if (maildir_index_sync(&box->idx, error_r) < 0)
		return -1;
	if (box->keywords)
		kw_changed = keywords_changed(box);
	if (changed_r != NULL)
		*changed_r = !box->idx.skipped || kw_changed || bases->len > 0;
	if (kw_changed)
		reload_keywords(box);
	remember_recent(box, bases);
	return 0;
}

/* Read the folder: claim new/, then reread_claimed(). */
static int reread(struct imap_mailbox *box, bool *changed_r, const char **error_r)
{
	struct buf bases = BUF_INIT;
	int ret;

	claim_new(box->idx.dir, &bases);
	ret = reread_claimed(box, &bases, changed_r, error_r);
	buf_free(&bases);
	return ret;
}

/* SELECT from the summary of hatoimapcache: only when its signature is the folder's now and
 * settled (then the file describes exactly the current folder). The file stays open for
 * imap_mailbox_load(). */
static bool try_summary(struct imap_mailbox *box)
{
	struct buf path = BUF_INIT;
	struct maildir_cache c;
	struct maildir_sig now;
	const char *error;
	int fd;

	buf_printf(&path, "%s/%s", box->idx.dir, MAILDIR_CACHE_FILE);
	fd = open(buf_cstr(&path), O_RDONLY | O_CLOEXEC);
	buf_free(&path);
	if (fd < 0)
		return false;
	maildir_cache_init(&c);
	if (maildir_cache_read_summary(fd, &c, &error) < 0) {
		log_debug("%s/%s: %s: ignored", box->idx.dir, MAILDIR_CACHE_FILE, error);
		close(fd);
		return false;
	}
	/* Taken after the summary was read: the folder is now in the state the file describes. */
	if (maildir_cache_sig_take(box->idx.dir, &now) < 0 ||
	    !maildir_cache_sig_same(&c.sig, &now) || !maildir_cache_sig_settled(&c.sig)) {
		maildir_cache_free(&c);
		close(fd);
		return false;
	}
	box->unloaded = true;
	box->cache_fd = fd;
	box->sel_sig = c.sig;
	box->count = c.count;
	box->sel_first_unseen = c.first_unseen;
	box->idx.uidvalidity = c.uidvalidity;
	box->idx.nextuid = c.nextuid;
	maildir_cache_free(&c);
	return true;
}

/* Append the index's messages beyond the view to it (an empty view: all of them). */
static void build_view(struct imap_mailbox *box)
{
	size_t recent_pos = 0;

	view_reserve(box, box->idx.msgs.n);
	for (size_t i = 0; i < box->idx.msgs.n; i++) {
		struct imap_msg *m = &box->view[box->count++];
		const struct maildir_entry *e = &box->idx.msgs.v[i];

		m->uid = e->uid;
		m->flags = e->flags;
		m->recent = take_recent(box, &recent_pos, e->uid);
		m->expunged = false;
		m->keywords = keywords_of(box, e);
		box->recent_count += m->recent;
	}
	recent_compact(box);
}

static void save_cache(struct imap_mailbox *box)
{
	const char *error;

	if (box->idx.synced && maildir_index_save_cache(&box->idx, &error) < 0)
		log_debug("%s/%s: %s", box->idx.dir, MAILDIR_CACHE_FILE, error);
}

int imap_mailbox_open(const char *dir, bool readonly, bool keywords, struct imap_mailbox **box_r,
		      const char **error_r)
{
	struct imap_mailbox *box = xcalloc(1, sizeof(*box));
	struct buf bases = BUF_INIT;

	maildir_index_init(&box->idx, dir);
	maildir_keywords_init(&box->kw);
	box->cache_fd = -1;
	box->readonly = readonly;
	box->keywords = keywords;
	box->idx.use_cache = true;
	claim_new(box->idx.dir, &bases);
	/* Nothing moved out of new/ (which would have changed the folder): the summary may do. */
	if (bases.len == 0 && try_summary(box)) {
		buf_free(&bases);
		if (box->keywords && keywords_changed(box))
			reload_keywords(box);
		*box_r = box;
		return 0;
	}
	if (reread_claimed(box, &bases, NULL, error_r) < 0) {
		buf_free(&bases);
		imap_mailbox_free(&box);
		return -1;
	}
	buf_free(&bases);
	/* A SELECT that had to read the folder leaves the result for the next session. */
	save_cache(box);
	build_view(box);
	*box_r = box;
	return 0;
}

int imap_mailbox_load(struct imap_mailbox *box, struct imap_client *client, const char **error_r)
{
	struct maildir_cache c;
	const char *error;
	uint32_t told = box->count;
	int ret;

	if (!box->unloaded)
		return 0;
	maildir_cache_init(&c);
	ret = maildir_cache_read_fd(box->cache_fd, &c, &error);
	if (ret == 0 && (!maildir_cache_sig_same(&c.sig, &box->sel_sig) || c.msgs.n != told)) {
		ret = -1;
		error = "records do not match the summary";
	}
	if (ret == 0) {
		/* The snapshot the client was told about; the next sync reports what changed. */
		maildir_index_adopt_cache(&box->idx, &c);
	} else {
		/* A torn file (crash) whose summary survived: the folder as it is now. When it
		 * changed meanwhile, EXPUNGEs since SELECT cannot be told (logged). */
		maildir_cache_free(&c);
		log_warnx("%s/%s: %s: reading the folder", box->idx.dir, MAILDIR_CACHE_FILE, error);
		if (reread(box, NULL, error_r) < 0)
			return -1;
	}
	maildir_cache_free(&c);
	close(box->cache_fd);
	box->cache_fd = -1;
	box->unloaded = false;
	box->count = 0;
	build_view(box);
	if (box->count != told) {
		log_warnx("%s: %u messages, %u announced at SELECT", box->idx.dir, box->count,
			  told);
		imap_client_untagged(client, "%u EXISTS", box->count);
	}
	return 0;
}

void imap_mailbox_free(struct imap_mailbox **boxp)
{
	struct imap_mailbox *box = *boxp;

	if (box == NULL)
		return;
	if (box->unloaded) { /* no view, nothing learned */
		close(box->cache_fd);
		box->count = 0;
	}
	/* Sizes and dates this session measured, or a newer state of the folder. */
	save_cache(box);
	maildir_index_free(&box->idx);
	maildir_keywords_free(&box->kw);
	for (uint32_t i = 0; i < box->count; i++)
		free(box->view[i].keywords);
	free(box->view);
	free(box->recent_uids);
	free(box);
	*boxp = NULL;
}

void imap_mailbox_write_flags(const struct imap_msg *msg, struct buf *out)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ MAILDIR_FLAG_REPLIED, "\\Answered" }, { MAILDIR_FLAG_FLAGGED, "\\Flagged" },
		{ MAILDIR_FLAG_TRASHED, "\\Deleted" },  { MAILDIR_FLAG_SEEN, "\\Seen" },
		{ MAILDIR_FLAG_DRAFT, "\\Draft" },
	};
	const char *sep = "";

	buf_putc(out, '(');
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (msg->flags & names[i].bit) {
			buf_printf(out, "%s%s", sep, names[i].name);
			sep = " ";
		}
	}
	if (msg->recent) {
		buf_printf(out, "%s\\Recent", sep);
		sep = " ";
	}
	if (msg->keywords != NULL)
		buf_printf(out, "%s%s", sep, msg->keywords);
	buf_putc(out, ')');
}

static void send_flags(struct imap_client *client, uint32_t seq, const struct imap_msg *msg)
{
	struct buf line = BUF_INIT;

	imap_mailbox_write_flags(msg, &line);
	imap_client_untagged(client, "%u FETCH (FLAGS %s)", seq, buf_cstr(&line));
	buf_free(&line);
}

int imap_mailbox_sync(struct imap_mailbox *box, struct imap_client *client, bool allow_expunge,
		      const char **error_r)
{
	uint32_t old_count = box->count, old_recent = box->recent_count, kept = 0;
	uint32_t *changed = NULL, nchanged = 0;
	size_t j = 0, recent_pos = 0;
	bool reread_any;

	if (box->unloaded) {
		/* Selected from the summary: three stat() calls when nothing changed. */
		struct maildir_sig now;
		bool kw = box->keywords && keywords_changed(box);

		if (kw)
			reload_keywords(box);
		if (!kw && maildir_cache_sig_take(box->idx.dir, &now) == 0 &&
		    maildir_cache_sig_same(&now, &box->sel_sig))
			return 0;
		if (imap_mailbox_load(box, client, error_r) < 0)
			return -1;
		old_count = box->count;
	}
	if (reread(box, &reread_any, error_r) < 0)
		return -1;
	/* Nothing read: the view is current (a NOOP on 100,000 messages), unless expunges are
	 * waiting to be reported. */
	if (!reread_any && !(allow_expunge && box->expunged_pending))
		return 0;
	/* Merge the view (ascending UIDs) with the index (ascending UIDs). */
	changed = xreallocarray(NULL, box->count + 1, sizeof(*changed));
	for (uint32_t i = 0; i < box->count; i++) {
		struct imap_msg m = box->view[i];
		const struct maildir_entry *e;

		while (j < box->idx.msgs.n && box->idx.msgs.v[j].uid < m.uid)
			j++; /* a UID below the view's: cannot happen while UIDVALIDITY holds */
		e = j < box->idx.msgs.n && box->idx.msgs.v[j].uid == m.uid ? &box->idx.msgs.v[j]
									  : NULL;
		if (e == NULL && allow_expunge) {
			imap_client_untagged(client, "%u EXPUNGE", kept + 1);
			box->recent_count -= m.recent;
			free(m.keywords);
			continue;
		}
		if (e == NULL) {
			m.expunged = true;
		} else {
			char *kw = keywords_of(box, e);

			if (e->flags != m.flags || !same_str(kw, m.keywords)) {
				m.flags = e->flags;
				free(m.keywords);
				m.keywords = kw;
				kw = NULL;
				changed[nchanged++] = kept + 1;
			}
			free(kw);
		}
		box->view[kept++] = m;
	}
	box->expunged_pending = false;
	for (uint32_t i = 0; i < kept && !box->expunged_pending; i++)
		box->expunged_pending = box->view[i].expunged;
	old_count -= box->count - kept; /* EXISTS after the EXPUNGEs the client saw */
	box->count = kept;
	while (j < box->idx.msgs.n && box->count > 0 &&
	       box->idx.msgs.v[j].uid <= box->view[box->count - 1].uid)
		j++;
	view_reserve(box, box->count + (box->idx.msgs.n - j));
	for (; j < box->idx.msgs.n; j++) {
		struct imap_msg *m = &box->view[box->count++];

		m->uid = box->idx.msgs.v[j].uid;
		m->flags = box->idx.msgs.v[j].flags;
		m->recent = take_recent(box, &recent_pos, m->uid);
		m->expunged = false;
		m->keywords = keywords_of(box, &box->idx.msgs.v[j]);
		box->recent_count += m->recent;
	}
	recent_compact(box);
	if (box->count != old_count)
		imap_client_untagged(client, "%u EXISTS", box->count);
	if (box->recent_count != old_recent || box->count != old_count)
		imap_client_untagged(client, "%u RECENT", box->recent_count);
	for (uint32_t i = 0; i < nchanged; i++)
		send_flags(client, changed[i], &box->view[changed[i] - 1]);
	free(changed);
	return 0;
}

struct imap_msg *imap_mailbox_msg(struct imap_mailbox *box, uint32_t seq)
{
	return seq >= 1 && seq <= box->count ? &box->view[seq - 1] : NULL;
}

struct maildir_entry *imap_mailbox_entry(struct imap_mailbox *box, const struct imap_msg *msg)
{
	return msg->expunged ? NULL : maildir_index_find_uid(&box->idx, msg->uid);
}

uint32_t imap_mailbox_seq_from_uid(const struct imap_mailbox *box, uint32_t uid)
{
	uint32_t lo = 0, hi = box->count;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (box->view[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo + 1;
}

/* Add seq to a set being built in ascending order (ranges merged). */
static void set_add(struct imap_seqset *set, size_t *cap, uint32_t seq)
{
	if (set->count > 0 && set->ranges[set->count - 1].last + 1 == seq) {
		set->ranges[set->count - 1].last = seq;
		return;
	}
	if (set->count == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		set->ranges = xreallocarray(set->ranges, *cap, sizeof(*set->ranges));
	}
	set->ranges[set->count].first = set->ranges[set->count].last = seq;
	set->count++;
}

int imap_mailbox_seqset(struct imap_mailbox *box, const char *str, bool uid,
			struct imap_seqset *set_r, const char **error_r)
{
	struct imap_seqset in;
	size_t cap = 0;

	memset(set_r, 0, sizeof(*set_r));
	if (imap_seqset_parse(str, &in, error_r) < 0)
		return -1;
	if (!uid) {
		imap_seqset_resolve(&in, box->count);
		if (box->count == 0 || imap_seqset_max(&in) > box->count ||
		    imap_seqset_contains(&in, 0)) {
			imap_seqset_free(&in);
			*error_r = "Invalid message sequence number";
			return -1;
		}
		*set_r = in;
		return 0;
	}
	imap_seqset_resolve(&in, box->count > 0 ? box->view[box->count - 1].uid : 0);
	/* Walk the UID ranges over the view (both ascending). */
	for (unsigned r = 0; r < in.count; r++) {
		uint32_t seq = imap_mailbox_seq_from_uid(box, in.ranges[r].first);

		for (; seq <= box->count && box->view[seq - 1].uid <= in.ranges[r].last; seq++)
			set_add(set_r, &cap, seq);
	}
	imap_seqset_free(&in);
	return 0;
}

int imap_mailbox_set_flags(struct imap_mailbox *box, struct imap_msg *msg, unsigned flags,
			   const char **error_r)
{
	struct maildir_entry *e = imap_mailbox_entry(box, msg);
	struct maildir_name mn;
	const char *perr;
	char *new_name;

	if (e == NULL)
		return 1;
	if (e->flags == flags) {
		msg->flags = (uint16_t)flags;
		return 0;
	}
	if (maildir_deliver_set_flags(box->idx.dir, e->name, flags, &new_name, error_r) < 0)
		return errno == ENOENT ? 1 : -1;
	/* Another session's concurrent change may have been merged in: the name is the truth. */
	if (maildir_name_parse(new_name, &mn, &perr) == 0)
		flags = (flags & ~(unsigned)MAILDIR_FLAGS_ALL) | (mn.flags & MAILDIR_FLAGS_ALL);
	maildir_scan_set_name(&box->idx.msgs, e, new_name);
	e->flags = (uint16_t)flags;
	msg->flags = (uint16_t)flags;
	return 0;
}

int imap_mailbox_set_keywords(struct imap_mailbox *box, struct imap_msg *msg,
			      const char *const *names, const char **error_r)
{
	struct maildir_entry *e = imap_mailbox_entry(box, msg);
	struct buf b = BUF_INIT;
	char *base;
	int ret;

	if (e == NULL)
		return 1;
	for (size_t i = 0; names != NULL && names[i] != NULL; i++)
		buf_printf(&b, "%s%s", i > 0 ? " " : "", names[i]);
	if (same_str(b.len > 0 ? buf_cstr(&b) : NULL, msg->keywords)) {
		buf_free(&b);
		return 0;
	}
	base = xstrndup(e->name, e->base_len);
	ret = maildir_keywords_save_msg(box->idx.dir, base, names, error_r);
	if (ret == 0) {
		/* The next sync must see the same set: record it in the loaded copy too. */
		const char *set_error;

		if (maildir_keywords_set(&box->kw, base, names, &set_error) < 0)
			log_warnx("keywords: %s", set_error);
		free(msg->keywords);
		msg->keywords = keywords_of(box, e);
	}
	free(base);
	buf_free(&b);
	return ret;
}

void imap_mailbox_write_keywords_in_use(const struct imap_mailbox *box, struct buf *out)
{
	for (size_t i = 0; i < box->kw.nnames; i++) {
		bool used = false;

		for (size_t m = 0; m < box->kw.nmsgs && !used; m++) {
			for (size_t k = 0; k < box->kw.msgs[m].n && !used; k++)
				used = box->kw.msgs[m].kw[k] == i;
		}
		if (used)
			buf_printf(out, " %s", box->kw.names[i]);
	}
}

int imap_mailbox_expunge(struct imap_mailbox *box, struct imap_client *client,
			 const struct imap_seqset *uids, const char **error_r)
{
	const char *sync_error;
	int ret = 0;

	for (uint32_t i = 0; i < box->count; i++) {
		struct imap_msg *m = &box->view[i];
		struct maildir_entry *e;

		if (!(m->flags & MAILDIR_FLAG_TRASHED) ||
		    (uids != NULL && !imap_seqset_contains(uids, m->uid)))
			continue;
		e = imap_mailbox_entry(box, m);
		if (e != NULL && maildir_deliver_expunge(box->idx.dir, e->name, error_r) < 0)
			ret = -1;
	}
	if (imap_mailbox_sync(box, client, true, &sync_error) < 0) {
		if (ret == 0)
			*error_r = sync_error;
		ret = -1;
	}
	return ret;
}

uint32_t imap_mailbox_first_unseen(const struct imap_mailbox *box)
{
	if (box->unloaded)
		return box->sel_first_unseen;
	for (uint32_t i = 0; i < box->count; i++) {
		if (!(box->view[i].flags & MAILDIR_FLAG_SEEN))
			return i + 1;
	}
	return 0;
}
