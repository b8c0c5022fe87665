/* The POP3 mailbox over a Maildir's INBOX (Courier pop3dserver.C's role): sizes and UIDLs from
 * courierpop3dsizelist, message bytes streamed from cur/, deletions by unlink at QUIT. */
#include "config.h"
#include "pop3-maildir.h"
#include "pop3-output.h"
#include "buf.h"
#include "log.h"
#include "xalloc.h"
#include "maildir/maildir-deliver.h"
#include "maildir/maildir-file.h"
#include "maildir/maildir-pop3list.h"
#include "maildir/maildir-scan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One read buffer for every message sent or measured in the session. */
#define POP3_MAILDIR_CHUNK 65536

struct pop3_maildir {
	char *dir;
	struct maildir_pop3list list;
	struct pop3_mailbox_msg *msgs;
	char **uidls;
	struct pop3_mailbox mbox;
	char *chunk;
	struct buf path;
};

/* Open the message file of list entry m: its recorded name, or, when an IMAP session renamed
 * it for a flag change meanwhile, the same base under its current flags. */
static int open_message(struct pop3_maildir *md, struct maildir_pop3_msg *m)
{
	struct buf found = BUF_INIT;
	int fd;

	buf_reset(&md->path);
	buf_printf(&md->path, "%s/cur/%s", md->dir, m->name);
	fd = open(buf_cstr(&md->path), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	if (maildir_scan_probe(md->dir, m->name, m->base_len, &found)) {
		free(m->name);
		m->name = xstrdup(buf_cstr(&found));
		buf_reset(&md->path);
		buf_printf(&md->path, "%s/cur/%s", md->dir, m->name);
		fd = open(buf_cstr(&md->path), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	} else {
		errno = ENOENT;
	}
	buf_free(&found);
	return fd;
}

static int mailbox_stream(void *ctx, unsigned int idx, pop3_mailbox_sink_fn *sink,
			  void *sink_ctx, const char **error_r)
{
	struct pop3_maildir *md = ctx;
	int fd = open_message(md, &md->list.v[idx]);
	ssize_t n;

	if (fd < 0) {
		*error_r = errno == ENOENT ? "message file vanished" : strerror(errno);
		return -1;
	}
	for (;;) {
		n = read(fd, md->chunk, POP3_MAILDIR_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (sink(sink_ctx, md->chunk, (size_t)n) != 0)
			break;
	}
	if (n < 0)
		*error_r = strerror(errno);
	close(fd);
	return n < 0 ? -1 : 0;
}

static int count_sink(void *ctx, const void *data, size_t len)
{
	return pop3_output_feed(ctx, data, len) < 0 ? -1 : 0;
}

/* The size RETR will send for message idx, by reading it once. */
static int measure(struct pop3_maildir *md, unsigned int idx, uint64_t *size_r)
{
	struct pop3_output o;
	const char *error;

	pop3_output_init(&o, POP3_OUTPUT_ALL, NULL, NULL);
	if (mailbox_stream(md, idx, count_sink, &o, &error) < 0)
		return -1;
	pop3_output_finish(&o);
	*size_r = o.octets;
	return 0;
}

static int base_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);

	if (r != 0)
		return r;
	return alen < blen ? -1 : alen > blen;
}

static int msg_ptr_cmp(const void *pa, const void *pb)
{
	const struct maildir_pop3_msg *a = *(const struct maildir_pop3_msg *const *)pa;
	const struct maildir_pop3_msg *b = *(const struct maildir_pop3_msg *const *)pb;

	return base_cmp(a->name, a->base_len, b->name, b->base_len);
}

/* Rewrite courierpop3dsizelist under its lock from the file's current contents (another
 * session may have added messages since we read it): entries whose base is in keep_size take
 * that entry's size; entries whose base is in drop are removed. Either array may be empty. */
static int list_update(struct pop3_maildir *md, struct maildir_pop3_msg **keep_size, size_t nkeep,
		       struct maildir_pop3_msg **drop, size_t ndrop, const char **error_r)
{
	struct maildir_pop3list file;
	struct buf data = BUF_INIT;
	const char *perr;
	int lockfd, st, ret = -1;
	size_t out = 0;

	maildir_pop3list_init(&file);
	lockfd = maildir_file_lock(md->dir, MAILDIR_POP3LIST_LOCK, 10000, error_r);
	if (lockfd < 0)
		return -1;
	st = maildir_file_read(md->dir, MAILDIR_POP3LIST_FILE, &data, error_r);
	if (st != 0 || maildir_pop3list_parse(&file, data.data, data.len, &perr) < 0) {
		/* Nothing sane to update: the next session's scan rebuilds it. */
		ret = st < 0 ? -1 : 0;
		goto out;
	}
	if (nkeep > 1)
		qsort(keep_size, nkeep, sizeof(*keep_size), msg_ptr_cmp);
	if (ndrop > 1)
		qsort(drop, ndrop, sizeof(*drop), msg_ptr_cmp);
	for (size_t i = 0; i < file.n; i++) {
		struct maildir_pop3_msg *m = &file.v[i], key = *m, *kp = &key, **hit;

		hit = ndrop == 0 ? NULL : bsearch(&kp, drop, ndrop, sizeof(*drop), msg_ptr_cmp);
		if (hit != NULL) {
			free(m->name);
			continue;
		}
		hit = nkeep == 0 ? NULL :
			bsearch(&kp, keep_size, nkeep, sizeof(*keep_size), msg_ptr_cmp);
		if (hit != NULL)
			m->size = (*hit)->size;
		file.v[out++] = *m;
	}
	file.n = out;
	buf_reset(&data);
	maildir_pop3list_format(&file, &data);
	ret = maildir_file_write_atomic(md->dir, MAILDIR_POP3LIST_FILE, data.data, data.len,
					error_r);
out:
	maildir_file_unlock(lockfd);
	maildir_pop3list_free(&file);
	buf_free(&data);
	return ret;
}

/* uid and uidv of the list before this session's sync: entries numbered since are new. */
static void list_before(const char *dir, uint32_t *nextuid_r, uint32_t *uidv_r)
{
	struct maildir_pop3list l;
	struct buf data = BUF_INIT;
	const char *err;

	*nextuid_r = 0;
	*uidv_r = 0;
	maildir_pop3list_init(&l);
	if (maildir_file_read(dir, MAILDIR_POP3LIST_FILE, &data, &err) == 0 &&
	    maildir_pop3list_parse(&l, data.data, data.len, &err) == 0) {
		*nextuid_r = l.nextuid;
		*uidv_r = l.uidv;
	}
	maildir_pop3list_free(&l);
	buf_free(&data);
}

/* Messages numbered by this session's sync got a size from ",S=" or stat, which counts bare
 * LFs once: measure them as RETR sends them and record that, once. */
static void measure_new(struct pop3_maildir *md, uint32_t old_next, uint32_t old_uidv)
{
	struct maildir_pop3_msg **changed = xreallocarray(NULL, md->list.n + 1, sizeof(*changed));
	size_t nchanged = 0;
	const char *error;

	for (size_t i = 0; i < md->list.n; i++) {
		struct maildir_pop3_msg *m = &md->list.v[i];
		uint64_t size;

		if (m->uidv == old_uidv && m->uid < old_next)
			continue;
		if (measure(md, (unsigned int)i, &size) < 0 || size == m->size)
			continue;
		m->size = size;
		changed[nchanged++] = m;
	}
	if (nchanged > 0 && list_update(md, changed, nchanged, NULL, 0, &error) < 0)
		log_warnx("%s/%s: %s", md->dir, MAILDIR_POP3LIST_FILE, error);
	free(changed);
}

int pop3_maildir_open(const char *dir, struct pop3_maildir **md_r, const char **client_error_r,
		      const char **error_r)
{
	struct pop3_maildir *md;
	struct buf cur = BUF_INIT;
	struct stat st;
	uint32_t old_next, old_uidv;

	buf_printf(&cur, "%s/cur", dir);
	if (stat(buf_cstr(&cur), &st) < 0 || !S_ISDIR(st.st_mode)) {
		buf_free(&cur);
		*client_error_r = "-ERR Maildir invalid (no 'cur' directory)\r\n";
		*error_r = "Maildir invalid (no 'cur' directory)";
		return -1;
	}
	buf_free(&cur);
	md = xcalloc(1, sizeof(*md));
	md->dir = xstrdup(dir);
	md->chunk = xmalloc(POP3_MAILDIR_CHUNK);
	maildir_pop3list_init(&md->list);
	list_before(dir, &old_next, &old_uidv);
	if (maildir_pop3list_sync(dir, &md->list, error_r) < 0) {
		*client_error_r = "-ERR Cannot open the mailbox.\r\n";
		pop3_maildir_free(&md);
		return -1;
	}
	measure_new(md, old_next, old_uidv);
	md->msgs = xreallocarray(NULL, md->list.n + 1, sizeof(*md->msgs));
	md->uidls = xreallocarray(NULL, md->list.n + 1, sizeof(*md->uidls));
	for (size_t i = 0; i < md->list.n; i++) {
		struct buf u = BUF_INIT;

		maildir_pop3list_uidl(&md->list.v[i], &u);
		md->uidls[i] = xstrdup(buf_cstr(&u));
		buf_free(&u);
		md->msgs[i].size = md->list.v[i].size;
		md->msgs[i].uidl = md->uidls[i];
	}
	md->mbox.count = (unsigned int)md->list.n;
	md->mbox.msgs = md->msgs;
	md->mbox.stream = mailbox_stream;
	md->mbox.ctx = md;
	*md_r = md;
	return 0;
}

const struct pop3_mailbox *pop3_maildir_mailbox(const struct pop3_maildir *md)
{
	return &md->mbox;
}

unsigned int pop3_maildir_delete(struct pop3_maildir *md, const unsigned int *idx, unsigned int n)
{
	struct maildir_pop3_msg **gone = xreallocarray(NULL, (size_t)n + 1, sizeof(*gone));
	struct buf found = BUF_INIT;
	unsigned int failed = 0;
	size_t ngone = 0;
	const char *error;

	for (unsigned int i = 0; i < n; i++) {
		struct maildir_pop3_msg *m = &md->list.v[idx[i]];

		buf_reset(&md->path);
		buf_printf(&md->path, "%s/cur/%s", md->dir, m->name);
		/* Renamed by a flag change meanwhile: remove it under its current name. */
		buf_reset(&found);
		if (access(buf_cstr(&md->path), F_OK) < 0 && errno == ENOENT &&
		    maildir_scan_probe(md->dir, m->name, m->base_len, &found)) {
			free(m->name);
			m->name = xstrdup(buf_cstr(&found));
		}
		if (maildir_deliver_expunge(md->dir, m->name, &error) < 0) {
			log_warnx("%s/cur/%s: %s", md->dir, m->name, error);
			failed++;
			continue;
		}
		gone[ngone++] = m;
	}
	if (ngone > 0 && list_update(md, NULL, 0, gone, ngone, &error) < 0)
		log_warnx("%s/%s: %s", md->dir, MAILDIR_POP3LIST_FILE, error);
	buf_free(&found);
	free(gone);
	return failed;
}

void pop3_maildir_free(struct pop3_maildir **mdp)
{
	struct pop3_maildir *md = *mdp;

	if (md == NULL)
		return;
	for (size_t i = 0; i < md->list.n && md->uidls != NULL; i++)
		free(md->uidls[i]);
	free(md->uidls);
	free(md->msgs);
	maildir_pop3list_free(&md->list);
	buf_free(&md->path);
	free(md->chunk);
	free(md->dir);
	free(md);
	*mdp = NULL;
}
