/* courierpop3dsizelist read, write and merge (Courier imap/pop3dserver.C, version 3). */
#include "config.h"
#include "maildir-pop3list.h"
#include "maildir-file.h"
#include "maildir-name.h"
#include "log.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void maildir_pop3list_init(struct maildir_pop3list *l)
{
	memset(l, 0, sizeof(*l));
}

void maildir_pop3list_free(struct maildir_pop3list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	maildir_pop3list_init(l);
}

static struct maildir_pop3_msg *push(struct maildir_pop3list *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 64 : l->cap * 2;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

static int parse_num(const char **p, const char *end, uint64_t max, uint64_t *v_r)
{
	const char *s = *p;
	uint64_t v = 0;

	if (s >= end || *s < '0' || *s > '9')
		return -1;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return -1;
	}
	*p = s;
	*v_r = v;
	return 0;
}

static int parse_line(struct maildir_pop3list *l, const char *line, const char *end)
{
	const char *sp2 = end, *sp1, *p;
	uint64_t size, uid, uidv, utf8 = 0;
	struct maildir_name mn;
	const char *err;

	while (sp2 > line && sp2[-1] != ' ')
		sp2--;
	if (sp2 == line)
		return -1;
	sp1 = sp2 - 1;
	while (sp1 > line && sp1[-1] != ' ')
		sp1--;
	if (sp1 <= line + 1)
		return -1;
	p = sp1;
	if (parse_num(&p, end, UINT64_MAX / 2, &size) < 0 || *p != ' ')
		return -1;
	p = sp2;
	if (parse_num(&p, end, UINT32_MAX, &uid) < 0 || p >= end || *p++ != ':' ||
	    parse_num(&p, end, UINT32_MAX, &uidv) < 0)
		return -1;
	if (p < end && (*p++ != ':' || parse_num(&p, end, 1, &utf8) < 0))
		return -1;
	if (p != end || uid == 0)
		return -1;
	char *name = xstrndup(line, (size_t)(sp1 - 1 - line));
	if (maildir_name_parse(name, &mn, &err) < 0) {
		free(name);
		return -1;
	}
	struct maildir_pop3_msg *m = push(l);
	m->name = name;
	m->base_len = mn.base_len;
	m->size = size;
	m->uid = (uint32_t)uid;
	m->uidv = (uint32_t)uidv;
	m->utf8 = (int)utf8;
	return 0;
}

int maildir_pop3list_parse(struct maildir_pop3list *l, const char *data, size_t len,
                           const char **error_r)
{
	const char *p = data, *end = data + len, *nl;
	uint64_t next, uidv;

	maildir_pop3list_free(l);
	nl = memchr(p, '\n', len);
	if (len < 3 || nl == NULL || p[0] != '/' || p[1] != '3' || p[2] != ' ') {
		*error_r = "courierpop3dsizelist: not a version 3 list";
		return -1;
	}
	p += 3;
	if (parse_num(&p, nl, UINT32_MAX, &next) < 0 || p >= nl || *p++ != ' ' ||
	    parse_num(&p, nl, UINT32_MAX, &uidv) < 0 || p != nl || next == 0) {
		*error_r = "courierpop3dsizelist: malformed header line";
		return -1;
	}
	l->nextuid = (uint32_t)next;
	l->uidv = (uint32_t)uidv;
	if (end[-1] != '\n') {
		*error_r = "courierpop3dsizelist: last line not terminated";
		goto fail;
	}
	for (p = nl + 1; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (memchr(p, '\0', (size_t)(nl - p)) != NULL || parse_line(l, p, nl) < 0) {
			*error_r = "courierpop3dsizelist: malformed message line";
			goto fail;
		}
		if (l->v[l->n - 1].uid >= l->nextuid)
			l->nextuid = l->v[l->n - 1].uid + 1;
	}
	return 0;
fail:
	maildir_pop3list_free(l);
	return -1;
}

void maildir_pop3list_format(const struct maildir_pop3list *l, struct buf *out)
{
	buf_printf(out, "/3 %u %u\n", l->nextuid, l->uidv);
	for (size_t i = 0; i < l->n; i++) {
		const struct maildir_pop3_msg *m = &l->v[i];
		buf_printf(out, "%s %llu %u:%u:%d\n", m->name, (unsigned long long)m->size, m->uid,
		           m->uidv, m->utf8 ? 1 : 0);
	}
}

void maildir_pop3list_uidl(const struct maildir_pop3_msg *m, struct buf *out)
{
	if (m->uidv == 0)
		buf_printf(out, "UID%u", m->uid);
	else
		buf_printf(out, "UID%u-%u", m->uid, m->uidv);
}

static int pop3_cmp(const void *pa, const void *pb)
{
	const struct maildir_pop3_msg *a = pa, *b = pb;
	time_t ta = maildir_name_time(a->name), tb = maildir_name_time(b->name);

	if (ta != tb)
		return ta < tb ? -1 : 1;
	/* Within one second the microseconds decide ("T.M9P1" before "T.M10P1"), which byte
	 * order gets wrong: strverscmp compares the digit runs as numbers (as maildir-index.c
	 * does for UIDs). */
	return strverscmp(a->name, b->name);
}

void maildir_pop3list_sort(struct maildir_pop3list *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), pop3_cmp);
}

/* Load the list; a missing or corrupt one becomes a fresh empty list. */
static int load(const char *dir, struct maildir_pop3list *l, int *fresh_r, const char **error_r)
{
	struct buf data = BUF_INIT;
	const char *perr;
	int st = maildir_file_read(dir, MAILDIR_POP3LIST_FILE, &data, error_r);

	*fresh_r = 0;
	if (st < 0) {
		buf_free(&data);
		return -1;
	}
	if (st == 0 && maildir_pop3list_parse(l, data.data, data.len, &perr) < 0)
		log_warnx("%s/%s: %s: starting a new list", dir, MAILDIR_POP3LIST_FILE, perr);
	if (st == 1 || l->nextuid == 0) {
		maildir_pop3list_free(l);
		l->nextuid = 1;
		l->uidv = (uint32_t)time(NULL);
		*fresh_r = 1;
	}
	buf_free(&data);
	return 0;
}

/* The size POP3 reports: bytes on the wire, each bare LF sent as CRLF (what Courier's pop3d
 * counts and caches, so LIST agrees with it). Read once per new message, then cached. */
static int pop3_size(const char *dir, const char *name, uint64_t *size_r)
{
	struct buf path = BUF_INIT;
	char buf[65536];
	uint64_t size = 0;
	ssize_t n;
	char prev = '\0';
	int fd;

	buf_printf(&path, "%s/cur/%s", dir, name);
	fd = open(buf_cstr(&path), O_RDONLY | O_CLOEXEC);
	buf_free(&path);
	if (fd < 0)
		return -1; /* expunged meanwhile */
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return -1;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n' && prev != '\r')
				size++;
			prev = buf[i];
		}
		size += (uint64_t)n;
	}
	close(fd);
	*size_r = size;
	return 0;
}

/* Merge scan into the loaded list; returns 1 when the file needs rewriting. */
static int merge(const char *dir, struct maildir_pop3list *l, struct maildir_scan *scan)
{
	struct maildir_pop3list out;
	int changed = 0;

	maildir_pop3list_init(&out);
	out.uidv = l->uidv;
	out.nextuid = l->nextuid;
	for (size_t i = 0; i < l->n; i++) {
		struct maildir_pop3_msg *m = &l->v[i];
		struct maildir_entry *e = maildir_scan_find(scan, m->name, m->base_len);
		if (e == NULL) {
			/* readdir can miss a file an IMAP session renames meanwhile: look for it
			 * by name before giving its UIDL up. */
			struct buf found = BUF_INIT;
			changed = 1;
			if (maildir_scan_probe(dir, m->name, m->base_len, &found)) {
				struct maildir_pop3_msg *o = push(&out);
				*o = *m;
				o->name = buf_steal(&found);
			}
			buf_free(&found);
			continue;
		}
		if (e->uid != 0) {
			changed = 1; /* a duplicate line */
			continue;
		}
		e->uid = 1; /* seen */
		struct maildir_pop3_msg *o = push(&out);
		*o = *m;
		o->name = xstrdup(e->name);
		if (strcmp(e->name, m->name) != 0)
			changed = 1;
	}
	size_t first_new = out.n;
	for (size_t i = 0; i < scan->n; i++) {
		struct maildir_entry *e = &scan->v[i];
		uint64_t size;
		if (e->uid != 0 || pop3_size(dir, e->name, &size) < 0)
			continue;
		struct maildir_pop3_msg *o = push(&out);
		o->name = xstrdup(e->name);
		o->base_len = e->base_len;
		o->size = size;
		changed = 1;
	}
	/* New messages are numbered in POP3 order so UIDLs grow with delivery time. */
	if (out.n - first_new > 1)
		qsort(out.v + first_new, out.n - first_new, sizeof(*out.v), pop3_cmp);
	for (size_t i = first_new; i < out.n; i++) {
		out.v[i].uid = out.nextuid++;
		out.v[i].uidv = out.uidv;
	}
	maildir_pop3list_free(l);
	*l = out;
	maildir_pop3list_sort(l);
	return changed;
}

int maildir_pop3list_sync(const char *dir, struct maildir_pop3list *l, const char **error_r)
{
	struct maildir_scan scan;
	struct buf text = BUF_INIT;
	int fresh, lockfd = -1, ret = -1;

	maildir_scan_init(&scan);
	maildir_pop3list_free(l);
	if (maildir_scan_folder(dir, &scan, error_r) < 0)
		goto out;
	if (load(dir, l, &fresh, error_r) < 0)
		goto out;
	if (!merge(dir, l, &scan) && !fresh) {
		ret = 0;
		goto out;
	}
	/* Something changed: redo the merge under the lock against the current file. */
	lockfd = maildir_file_lock(dir, MAILDIR_POP3LIST_LOCK, 10000, error_r);
	if (lockfd < 0)
		goto out;
	for (size_t i = 0; i < scan.n; i++)
		scan.v[i].uid = 0;
	if (load(dir, l, &fresh, error_r) < 0)
		goto out;
	(void)merge(dir, l, &scan);
	maildir_pop3list_format(l, &text);
	if (maildir_file_write_atomic(dir, MAILDIR_POP3LIST_FILE, text.data, text.len, error_r) < 0)
		goto out;
	ret = 0;
out:
	maildir_file_unlock(lockfd);
	buf_free(&text);
	maildir_scan_free(&scan);
	if (ret < 0)
		maildir_pop3list_free(l);
	return ret;
}
