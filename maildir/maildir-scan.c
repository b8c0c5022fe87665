/* Folder scan: new/ into cur/, cur/ listing without stat, tmp/ purge. */
#include "config.h"
#include "maildir-scan.h"
#include "maildir-name.h"
#include "buf.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void maildir_scan_init(struct maildir_scan *scan)
{
	memset(scan, 0, sizeof(*scan));
}

static bool pooled(const struct maildir_scan *scan, const char *name)
{
	return scan->pool != NULL && name >= scan->pool && name < scan->pool + scan->pool_len;
}

static void free_name(const struct maildir_scan *scan, char *name)
{
	if (!pooled(scan, name))
		free(name);
}

void maildir_scan_clear(struct maildir_scan *scan)
{
	for (size_t i = 0; i < scan->n; i++)
		free_name(scan, scan->v[i].name);
	scan->n = 0;
	free(scan->pool);
	scan->pool = NULL;
	scan->pool_len = 0;
}

void maildir_scan_free(struct maildir_scan *scan)
{
	maildir_scan_clear(scan);
	free(scan->v);
	maildir_scan_init(scan);
}

void maildir_scan_reserve(struct maildir_scan *scan, size_t n)
{
	if (n <= scan->cap)
		return;
	scan->cap = n;
	scan->v = xreallocarray(scan->v, scan->cap, sizeof(*scan->v));
}

void maildir_scan_set_name(struct maildir_scan *scan, struct maildir_entry *e, char *name)
{
	free_name(scan, e->name);
	e->name = name;
}

static struct maildir_entry *add(struct maildir_scan *scan, char *name, bool copy)
{
	struct maildir_name mn;
	const char *error;
	struct maildir_entry *e;

	if (maildir_name_parse(name, &mn, &error) < 0 || strlen(name) > 255)
		return NULL;
	if (scan->n == scan->cap)
		maildir_scan_reserve(scan, scan->cap == 0 ? 256 : scan->cap * 2);
	e = &scan->v[scan->n++];
	e->name = copy ? xstrdup(name) : name;
	e->base_len = (uint16_t)mn.base_len;
	e->flags = (uint16_t)mn.flags;
	e->size = mn.size;
	e->crlf_size = MAILDIR_SIZE_UNKNOWN;
	e->mtime = MAILDIR_MTIME_UNKNOWN;
	e->uid = 0;
	return e;
}

struct maildir_entry *maildir_scan_add(struct maildir_scan *scan, const char *name)
{
	return add(scan, (char *)name, true);
}

struct maildir_entry *maildir_scan_add_pooled(struct maildir_scan *scan, char *name)
{
	return add(scan, name, false);
}

static int base_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct maildir_entry *a = pa, *b = pb;
	int c = base_cmp(a->name, a->base_len, b->name, b->base_len);

	return c != 0 ? c : strcmp(a->name, b->name);
}

void maildir_scan_sort(struct maildir_scan *scan)
{
	size_t out = 0;

	if (scan->n > 1)
		qsort(scan->v, scan->n, sizeof(*scan->v), entry_cmp);
	for (size_t i = 0; i < scan->n; i++) {
		if (out > 0 && base_cmp(scan->v[out - 1].name, scan->v[out - 1].base_len,
		                        scan->v[i].name, scan->v[i].base_len) == 0) {
			free_name(scan, scan->v[i].name);
			continue;
		}
		scan->v[out++] = scan->v[i];
	}
	scan->n = out;
}

struct maildir_entry *maildir_scan_find(const struct maildir_scan *scan, const char *base,
                                        size_t base_len)
{
	size_t lo = 0, hi = scan->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct maildir_entry *e = &scan->v[mid];
		int c = base_cmp(e->name, e->base_len, base, base_len);
		if (c == 0)
			return &scan->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int maildir_scan_new(const char *dir, unsigned *moved_r, const char **error_r)
{
	struct buf from = BUF_INIT, to = BUF_INIT;
	struct dirent *d;
	unsigned moved = 0;
	DIR *dp;

	buf_printf(&from, "%s/new", dir);
	dp = opendir(buf_cstr(&from));
	if (dp == NULL) {
		buf_free(&from);
		*error_r = "opendir(new) failed";
		return -1;
	}
	while ((d = readdir(dp)) != NULL) {
		if (d->d_name[0] == '.' || strchr(d->d_name, '/') != NULL)
			continue;
		buf_reset(&from);
		buf_reset(&to);
		buf_printf(&from, "%s/new/%s", dir, d->d_name);
		buf_printf(&to, "%s/cur/%s", dir, d->d_name);
		if (strchr(d->d_name, ':') == NULL)
			buf_puts(&to, ":2,");
		/* ENOENT: another session moved it first; it is in cur/ either way. */
		if (rename(buf_cstr(&from), buf_cstr(&to)) == 0)
			moved++;
	}
	closedir(dp);
	buf_free(&from);
	buf_free(&to);
	if (moved_r != NULL)
		*moved_r = moved;
	return 0;
}

/* List dir/<sub>/ into scan (cleared first): one readdir, no stat. */
static int scan_list(const char *dir, const char *sub, struct maildir_scan *scan,
		     const char **error_r)
{
	struct buf path = BUF_INIT;
	struct dirent *d;
	DIR *dp;

	maildir_scan_clear(scan);
	buf_printf(&path, "%s/%s", dir, sub);
	dp = opendir(buf_cstr(&path));
	buf_free(&path);
	if (dp == NULL) {
		*error_r = strcmp(sub, "cur") == 0 ? "opendir(cur) failed" : "opendir(new) failed";
		return -1;
	}
	while ((d = readdir(dp)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		(void)maildir_scan_add(scan, d->d_name);
	}
	closedir(dp);
	maildir_scan_sort(scan);
	return 0;
}

int maildir_scan_cur(const char *dir, struct maildir_scan *scan, const char **error_r)
{
	return scan_list(dir, "cur", scan, error_r);
}

int maildir_scan_list_new(const char *dir, struct maildir_scan *scan, const char **error_r)
{
	return scan_list(dir, "new", scan, error_r);
}

int maildir_scan_folder(const char *dir, struct maildir_scan *scan, const char **error_r)
{
	if (maildir_scan_new(dir, NULL, error_r) < 0)
		return -1;
	return maildir_scan_cur(dir, scan, error_r);
}

int maildir_scan_probe(const char *dir, const char *base, size_t base_len, struct buf *name_r)
{
	struct buf path = BUF_INIT;
	struct stat st;
	size_t prefix;

	buf_printf(&path, "%s/cur/", dir);
	prefix = path.len;
	for (unsigned flags = 0; flags <= MAILDIR_FLAGS_ALL; flags++) {
		buf_truncate(&path, prefix);
		maildir_name_with_flags(&path, base, base_len, flags);
		if (stat(buf_cstr(&path), &st) == 0) {
			buf_puts(name_r, path.data + prefix);
			buf_free(&path);
			return 1;
		}
	}
	buf_free(&path);
	return 0;
}

int maildir_scan_current(const char *dir, const char *name, struct buf *cur_r)
{
	struct maildir_name mn;
	const char *error;

	buf_reset(cur_r);
	if (maildir_name_parse(name, &mn, &error) < 0)
		return 0;
	return maildir_scan_probe(dir, name, mn.base_len, cur_r);
}

int maildir_scan_open(const char *dir, const char *name)
{
	struct buf path = BUF_INIT, cur = BUF_INIT;
	int fd;

	buf_printf(&path, "%s/cur/%s", dir, name);
	/* Another session's flag change renames the file under us: follow the base name to its
	 * current file a few times (each rename is one more change by someone else). */
	for (int tries = 0; (fd = open(buf_cstr(&path), O_RDONLY | O_CLOEXEC)) < 0; tries++) {
		if (errno != ENOENT || tries == MAILDIR_STALE_RETRIES)
			break;
		if (maildir_scan_current(dir, name, &cur) != 1) {
			errno = ENOENT;
			break;
		}
		buf_reset(&path);
		buf_printf(&path, "%s/cur/%s", dir, buf_cstr(&cur));
	}
	buf_free(&path);
	buf_free(&cur);
	return fd;
}

int maildir_scan_entry_size(const char *dir, struct maildir_entry *e)
{
	struct buf path = BUF_INIT;
	struct stat st;
	int ret;

	if (e->size != MAILDIR_SIZE_UNKNOWN)
		return 0;
	buf_printf(&path, "%s/cur/%s", dir, e->name);
	ret = stat(buf_cstr(&path), &st);
	buf_free(&path);
	if (ret < 0)
		return -1;
	e->size = (uint64_t)st.st_size;
	return 0;
}

int maildir_scan_purge_tmp(const char *dir, time_t now, time_t max_age, const char **error_r)
{
	struct buf path = BUF_INIT;
	struct dirent *d;
	struct stat st;
	int removed = 0;
	DIR *dp;

	buf_printf(&path, "%s/tmp", dir);
	dp = opendir(buf_cstr(&path));
	if (dp == NULL) {
		buf_free(&path);
		*error_r = "opendir(tmp) failed";
		return -1;
	}
	while ((d = readdir(dp)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		buf_reset(&path);
		buf_printf(&path, "%s/tmp/%s", dir, d->d_name);
		if (lstat(buf_cstr(&path), &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (st.st_mtime < now - max_age && unlink(buf_cstr(&path)) == 0)
			removed++;
	}
	closedir(dp);
	buf_free(&path);
	return removed;
}
