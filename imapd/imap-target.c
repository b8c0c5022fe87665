/* APPEND/COPY/MOVE targets: resolution, quota, flag lists, UID assignment (RFC 4315). */
#include "config.h"
#include "imap-target.h"
#include "imap-client.h"
#include "imap-mailbox.h"
#include "imap-mailbox-name.h"
#include "imap-parser.h"
#include "log.h"
#include "maildir-file.h"
#include "maildir-index.h"
#include "maildir-keywords.h"
#include "maildir-name.h"
#include "maildir-quota.h"
#include "maildir-scan.h"
#include "maildir-uiddb.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

/* The Maildir root: imapd runs in it (imapd-main.c enters the Maildir). */
#define TARGET_ROOT "."

static bool same_dir(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

int imap_target_open(struct imap_client *client, const char *name, struct imap_target *t,
		     const char **resp_r)
{
	struct buf cur = BUF_INIT;
	const char *error;
	struct stat st;
	bool exists;

	memset(t, 0, sizeof(*t));
	if (imap_mailbox_name_to_dir(name, &t->dir, &error) < 0) {
		/* Outside the namespace or invalid: CREATE would fail too, so no TRYCREATE. */
		*resp_r = "NO Invalid mailbox name.";
		buf_free(&t->dir);
		return -1;
	}
	buf_printf(&cur, "%s/cur", buf_cstr(&t->dir));
	exists = stat(buf_cstr(&cur), &st) == 0 && S_ISDIR(st.st_mode);
	buf_free(&cur);
	if (!exists) {
		*resp_r = "NO [TRYCREATE] Mailbox does not exist.";
		buf_free(&t->dir);
		return -1;
	}
	t->selected = client->mailbox != NULL &&
		      same_dir(client->mailbox->idx.dir, buf_cstr(&t->dir));
	return 0;
}

void imap_target_free(struct imap_target *t)
{
	buf_free(&t->dir);
}

static const struct {
	const char *name;
	unsigned bit;
} system_flags[] = {
	{ "\\Answered", MAILDIR_FLAG_REPLIED }, { "\\Flagged", MAILDIR_FLAG_FLAGGED },
	{ "\\Deleted", MAILDIR_FLAG_TRASHED },  { "\\Seen", MAILDIR_FLAG_SEEN },
	{ "\\Draft", MAILDIR_FLAG_DRAFT },
};

int imap_target_parse_flags(const struct imap_arg *arg, bool keywords,
			    struct imap_target_flags *tf, const char **resp_r)
{
	const struct imap_arg *list;
	unsigned int n;

	memset(tf, 0, sizeof(*tf));
	if (imap_arg_get_list(arg, &list, &n) < 0) {
		*resp_r = "BAD Invalid flag list.";
		return -1;
	}
	for (unsigned int i = 0; i < n; i++) {
		const char *f;
		size_t k, nsys = sizeof(system_flags) / sizeof(system_flags[0]);

		if (imap_arg_get_atom(&list[i], &f) < 0) {
			*resp_r = "BAD Invalid flag.";
			return -1;
		}
		for (k = 0; k < nsys && strcasecmp(f, system_flags[k].name) != 0; k++)
			;
		if (k < nsys) {
			tf->flags |= system_flags[k].bit;
		} else if (f[0] == '\\') {
			*resp_r = "BAD Invalid system flag.";
			return -1;
		} else if (!keywords) {
			*resp_r = "NO Keywords are disabled (IMAP_KEYWORDS=0).";
			return -1;
		} else if (strlen(f) > IMAP_TARGET_KEYWORD_MAX_LEN ||
			   tf->nkw == IMAP_TARGET_MAX_KEYWORDS) {
			*resp_r = "BAD Keyword too long or too many keywords.";
			return -1;
		} else {
			size_t j;

			/* Keywords compare case-insensitively: keep the first spelling. */
			for (j = 0; j < tf->nkw && strcasecmp(tf->kw[j], f) != 0; j++)
				;
			if (j == tf->nkw)
				tf->kw[tf->nkw++] = f;
		}
	}
	return 0;
}

int imap_target_over_quota(uint64_t bytes, uint64_t count, const char **error_r)
{
	const char *env = getenv("MAILDIRQUOTA");
	struct maildir_quota_spec spec, *override = NULL;
	struct maildir_quota q;
	struct stat st;

	if (env != NULL && *env != '\0') {
		if (maildir_quota_spec_parse(env, &spec, error_r) < 0)
			return -1;
		override = &spec;
	} else if (stat(TARGET_ROOT "/" MAILDIR_QUOTA_FILE, &st) < 0) {
		return 0; /* no quota configured */
	}
	if (maildir_quota_get(TARGET_ROOT, override, &q, error_r) < 0)
		return -1;
	return maildir_quota_over(&q, (int64_t)bytes, (int64_t)count);
}

void imap_target_quota_add(int64_t bytes, int64_t count)
{
	const char *error;

	if (maildir_quota_add(TARGET_ROOT, bytes, count, &error) < 0)
		log_warnx("quota: %s", error);
}

void imap_target_copy_keywords(const char *dir, const char *name, const char *keywords)
{
	const char *names[IMAP_TARGET_MAX_KEYWORDS + 1], *error;
	char *copy = xstrdup(keywords), *save = NULL, *base;
	size_t n = 0;

	for (char *p = strtok_r(copy, " ", &save); p != NULL && n < IMAP_TARGET_MAX_KEYWORDS;
	     p = strtok_r(NULL, " ", &save))
		names[n++] = p;
	names[n] = NULL;
	base = xstrndup(name, strcspn(name, ":"));
	if (maildir_keywords_save_msg(dir, base, names, &error) < 0)
		log_warnx("keywords of %s/%s not saved: %s", dir, base, error);
	free(base);
	free(copy);
}

/* The base name of a cur/ file name (the uiddb key). */
static size_t base_len_of(const char *name)
{
	struct maildir_name mn;
	const char *error;

	return maildir_name_parse(name, &mn, &error) < 0 ? strlen(name) : mn.base_len;
}

/* The uiddb's records by base name, for lookups in a large folder. */
struct rec_key {
	const char *base;
	size_t len;
	uint32_t uid;
};

static int key_cmp(const void *pa, const void *pb)
{
	const struct rec_key *a = pa, *b = pb;
	int c = memcmp(a->base, b->base, a->len < b->len ? a->len : b->len);

	return c != 0 ? c : (a->len > b->len) - (a->len < b->len);
}

static struct rec_key *keys_of_db(const struct maildir_uiddb *db)
{
	struct rec_key *k = xreallocarray(NULL, db->n + 1, sizeof(*k));

	for (size_t i = 0; i < db->n; i++)
		k[i] = (struct rec_key){ db->v[i].base, db->v[i].base_len, db->v[i].uid };
	qsort(k, db->n, sizeof(*k), key_cmp);
	return k;
}

static uint32_t find_key(const struct rec_key *keys, size_t n, const char *base, size_t len)
{
	struct rec_key want = { base, len, 0 };
	const struct rec_key *k = bsearch(&want, keys, n, sizeof(*keys), key_cmp);

	return k != NULL ? k->uid : 0;
}

/* Delivery order, as the index sync numbers new messages (maildir-index.c). */
static int delivery_cmp(const void *pa, const void *pb)
{
	const struct maildir_entry *const *a = pa, *const *b = pb;

	return strverscmp((*a)->name, (*b)->name);
}

/* Messages already in the folder but not in the uiddb yet (delivered to new/, or put into cur/
 * by another program) were counted in STATUS's UIDNEXT, and the next index sync would number
 * them in delivery order. Number them now, before the messages being added, so those get UIDs
 * above every UIDNEXT reported so far (the sync keeps a recorded base's UID when it moves the
 * file into cur/). new/ is read before cur/: a file another session moves between the two reads
 * is then seen twice (counted once), never missed. *changed_r is set when records were added.
 * Returns 0 or -1 with error_r. */
static int number_unlisted(const char *dir, struct maildir_uiddb *db, const struct rec_key *keys,
			   char *const *names, size_t n, bool *changed_r, const char **error_r)
{
	struct maildir_scan in_new, in_cur;
	struct rec_key *mine;
	struct maildir_entry **fresh;
	size_t n_fresh = 0, n_keys = db->n;
	int ret = -1;

	maildir_scan_init(&in_new);
	maildir_scan_init(&in_cur);
	if (maildir_scan_list_new(dir, &in_new, error_r) < 0 ||
	    maildir_scan_cur(dir, &in_cur, error_r) < 0)
		goto out;
	mine = xreallocarray(NULL, n + 1, sizeof(*mine));
	for (size_t i = 0; i < n; i++)
		mine[i] = (struct rec_key){ names[i], base_len_of(names[i]), 0 };
	qsort(mine, n, sizeof(*mine), key_cmp);
	fresh = xreallocarray(NULL, in_new.n + in_cur.n + 1, sizeof(*fresh));
	for (size_t i = 0; i < in_new.n + in_cur.n; i++) {
		bool from_new = i < in_new.n;
		struct maildir_entry *e = from_new ? &in_new.v[i] : &in_cur.v[i - in_new.n];
		struct rec_key want = { e->name, e->base_len, 0 };

		if (from_new && maildir_scan_find(&in_cur, e->name, e->base_len) != NULL)
			continue;
		if (find_key(keys, n_keys, e->name, e->base_len) == 0 &&
		    bsearch(&want, mine, n, sizeof(*mine), key_cmp) == NULL)
			fresh[n_fresh++] = e;
	}
	qsort(fresh, n_fresh, sizeof(*fresh), delivery_cmp);
	ret = 0;
	for (size_t i = 0; i < n_fresh; i++) {
		if (db->nextuid == UINT32_MAX) {
			*error_r = "UID space exhausted";
			ret = -1;
			break;
		}
		maildir_uiddb_add(db, db->nextuid++, fresh[i]->name, fresh[i]->base_len);
		*changed_r = true;
	}
	free(fresh);
	free(mine);
out:
	maildir_scan_free(&in_new);
	maildir_scan_free(&in_cur);
	return ret;
}

/* The uiddb is missing or corrupt: let a full index sync create it (it numbers every message
 * in cur/, ours included), then look our names up. */
static int assign_by_sync(const char *dir, char *const *names, size_t n, uint32_t *uidvalidity_r,
			  uint32_t *uids_r, const char **error_r)
{
	struct maildir_index idx;
	int ret = 0;

	maildir_index_init(&idx, dir);
	if (maildir_index_sync(&idx, error_r) < 0) {
		maildir_index_free(&idx);
		return -1;
	}
	*uidvalidity_r = idx.uidvalidity;
	for (size_t i = 0; i < n; i++) {
		size_t len = base_len_of(names[i]), j;
		const struct maildir_entry *e = NULL;

		/* idx.msgs is in UID order, not name order: no binary search by name. */
		for (j = 0; j < idx.msgs.n && e == NULL; j++) {
			if (idx.msgs.v[j].base_len == len &&
			    memcmp(idx.msgs.v[j].name, names[i], len) == 0)
				e = &idx.msgs.v[j];
		}
		if (e == NULL) {
			*error_r = "the new message vanished before it got a UID";
			ret = -1;
			break;
		}
		uids_r[i] = e->uid;
	}
	maildir_index_free(&idx);
	return ret;
}

int imap_target_assign_uids(const char *dir, char *const *names, size_t n,
			    uint32_t *uidvalidity_r, uint32_t *uids_r, const char **error_r)
{
	struct maildir_uiddb db;
	struct buf data = BUF_INIT, text = BUF_INIT;
	const char *perr;
	struct rec_key *keys = NULL;
	size_t n_keys = 0;
	bool changed = false;
	int lockfd, st, ret = -1;

	lockfd = maildir_file_lock(dir, MAILDIR_UIDDB_LOCK, MAILDIR_INDEX_LOCK_TIMEOUT_MS, error_r);
	if (lockfd < 0)
		return -1;
	maildir_uiddb_init(&db);
	st = maildir_file_read(dir, MAILDIR_UIDDB_FILE, &data, error_r);
	if (st < 0)
		goto out;
	if (st == 1 || maildir_uiddb_parse(&db, &data, &perr) < 0) {
		/* fcntl locks belong to the process: release ours before the sync takes it. */
		maildir_file_unlock(lockfd);
		lockfd = -1;
		ret = assign_by_sync(dir, names, n, uidvalidity_r, uids_r, error_r);
		goto out;
	}
	keys = keys_of_db(&db);
	n_keys = db.n;
	if (number_unlisted(dir, &db, keys, names, n, &changed, error_r) < 0)
		goto out;
	/* Records are added in the order given, so the UIDs ascend in that order (COPYUID). */
	for (size_t i = 0; i < n; i++) {
		size_t len = base_len_of(names[i]);
		uint32_t uid = find_key(keys, n_keys, names[i], len);

		if (uid == 0) {
			if (db.nextuid == UINT32_MAX) {
				*error_r = "UID space exhausted";
				goto out;
			}
			uid = db.nextuid++;
			maildir_uiddb_add(&db, uid, names[i], len);
			changed = true;
		}
		uids_r[i] = uid;
	}
	if (changed) {
		maildir_uiddb_format(&db, &text);
		if (maildir_file_write_atomic(dir, MAILDIR_UIDDB_FILE, text.data, text.len,
					      error_r) < 0)
			goto out;
	}
	*uidvalidity_r = db.uidvalidity;
	ret = 0;
out:
	if (lockfd >= 0)
		maildir_file_unlock(lockfd);
	free(keys);
	maildir_uiddb_free(&db);
	buf_free(&data);
	buf_free(&text);
	return ret;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

void imap_target_mark_recent(struct imap_client *client, const uint32_t *uids, size_t n)
{
	struct imap_mailbox *box = client->mailbox;

	if (box == NULL || n == 0)
		return;
	if (box->recent_n + n > box->recent_cap) {
		box->recent_cap = box->recent_n + n + 16;
		box->recent_uids = xreallocarray(box->recent_uids, box->recent_cap,
						 sizeof(uint32_t));
	}
	memcpy(box->recent_uids + box->recent_n, uids, n * sizeof(uint32_t));
	box->recent_n += n;
	if (box->recent_n > 1)
		qsort(box->recent_uids, box->recent_n, sizeof(uint32_t), cmp_u32);
}

void imap_target_write_uids(struct buf *out, const uint32_t *uids, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j + 1 < n && uids[j + 1] == uids[j] + 1)
			j++;
		if (i > 0)
			buf_putc(out, ',');
		if (j > i)
			buf_printf(out, "%u:%u", uids[i], uids[j]);
		else
			buf_printf(out, "%u", uids[i]);
		i = j + 1;
	}
}
