/* Delivery, copy, flag change and expunge, each ending in one atomic rename/link/unlink. */
#include "config.h"
#include "maildir-deliver.h"
#include "maildir-file.h"
#include "maildir-name.h"
#include "maildir-scan.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int maildir_deliver_begin(struct maildir_deliver *d, const char *dir, const char **error_r)
{
	memset(d, 0, sizeof(*d));
	d->dir = xstrdup(dir);
	buf_printf(&d->tmp_path, "%s/tmp/", dir);
	maildir_file_unique(&d->tmp_path);
	d->fd = open(buf_cstr(&d->tmp_path), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (d->fd < 0) {
		int saved = errno;
		*error_r = "creating file in tmp/ failed";
		free(d->dir);
		buf_free(&d->tmp_path);
		d->dir = NULL;
		errno = saved;
		return -1;
	}
	return 0;
}

int maildir_deliver_write(struct maildir_deliver *d, const void *data, size_t len,
                          const char **error_r)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(d->fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*error_r = "writing message to tmp/ failed";
			return -1;
		}
		p += n;
		len -= (size_t)n;
		d->size += (uint64_t)n;
	}
	return 0;
}

void maildir_deliver_abort(struct maildir_deliver *d)
{
	int saved = errno;

	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	if (d->tmp_path.len > 0)
		unlink(buf_cstr(&d->tmp_path));
	buf_free(&d->tmp_path);
	free(d->dir);
	d->dir = NULL;
	errno = saved;
}

/* fsync a directory so a rename into it survives a power loss. */
static void sync_dir(const char *dir, const char *sub)
{
	struct buf path = BUF_INIT;
	int fd;

	buf_printf(&path, "%s/%s", dir, sub);
	fd = open(buf_cstr(&path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	buf_free(&path);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

/* "dir/new/<base>" or "dir/cur/<base>:2,<flags>" for a fresh base with the given size. */
static void final_name(struct buf *name, uint64_t size, int to_cur, unsigned flags)
{
	struct buf base = BUF_INIT;

	maildir_file_unique(&base);
	buf_printf(&base, ",S=%llu", (unsigned long long)size);
	if (to_cur)
		maildir_name_with_flags(name, base.data, base.len, flags);
	else
		buf_append(name, base.data, base.len);
	buf_free(&base);
}

int maildir_deliver_commit(struct maildir_deliver *d, int to_cur, unsigned flags, char **name_r,
                           const char **error_r)
{
	struct buf name = BUF_INIT, dst = BUF_INIT;
	int ret = -1;

	if (fsync(d->fd) < 0 || close(d->fd) < 0) {
		d->fd = -1;
		*error_r = "fsync of message in tmp/ failed";
		goto fail;
	}
	d->fd = -1;
	final_name(&name, d->size, to_cur, flags & MAILDIR_FLAGS_ALL);
	buf_printf(&dst, "%s/%s/%s", d->dir, to_cur ? "cur" : "new", buf_cstr(&name));
	/* link() fails rather than replace an existing name, so two writers can never overwrite
	 * each other's message even if a unique name repeated; fall back to rename where hard
	 * links are not supported. */
	if (link(buf_cstr(&d->tmp_path), buf_cstr(&dst)) == 0) {
		unlink(buf_cstr(&d->tmp_path));
	} else if (errno == EEXIST) {
		*error_r = "unique message name already exists";
		goto fail;
	} else if (rename(buf_cstr(&d->tmp_path), buf_cstr(&dst)) < 0) {
		*error_r = "renaming message into place failed";
		goto fail;
	}
	sync_dir(d->dir, to_cur ? "cur" : "new");
	if (name_r != NULL)
		*name_r = buf_steal(&name);
	ret = 0;
fail:
	buf_free(&name);
	buf_free(&dst);
	maildir_deliver_abort(d);
	return ret;
}

int maildir_deliver_buffer(const char *dir, const void *data, size_t len, int to_cur,
                           unsigned flags, char **name_r, const char **error_r)
{
	struct maildir_deliver d;

	if (maildir_deliver_begin(&d, dir, error_r) < 0)
		return -1;
	if (maildir_deliver_write(&d, data, len, error_r) < 0) {
		maildir_deliver_abort(&d);
		return -1;
	}
	return maildir_deliver_commit(&d, to_cur, flags, name_r, error_r);
}

static int copy_by_data(const char *src, const char *dst_dir, unsigned flags, char **name_r,
                        const char **error_r)
{
	struct maildir_deliver d;
	char buf[65536];
	ssize_t n;
	int fd = open(src, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		*error_r = "opening source message failed";
		return -1;
	}
	if (maildir_deliver_begin(&d, dst_dir, error_r) < 0) {
		close(fd);
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || maildir_deliver_write(&d, buf, (size_t)n, error_r) < 0) {
			if (n < 0)
				*error_r = "reading source message failed";
			close(fd);
			maildir_deliver_abort(&d);
			return -1;
		}
	}
	close(fd);
	return maildir_deliver_commit(&d, 1, flags, name_r, error_r);
}

int maildir_deliver_copy(const char *src_dir, const char *src_name, const char *dst_dir,
                         unsigned flags, char **name_r, const char **error_r)
{
	struct buf src = BUF_INIT, name = BUF_INIT, dst = BUF_INIT;
	struct stat st;
	int ret = -1;

	buf_printf(&src, "%s/cur/%s", src_dir, src_name);
	if (stat(buf_cstr(&src), &st) < 0) {
		*error_r = "source message not found";
		goto out;
	}
	final_name(&name, (uint64_t)st.st_size, 1, flags & MAILDIR_FLAGS_ALL);
	buf_printf(&dst, "%s/cur/%s", dst_dir, buf_cstr(&name));
	if (link(buf_cstr(&src), buf_cstr(&dst)) == 0) {
		if (name_r != NULL)
			*name_r = buf_steal(&name);
		ret = 0;
	} else if (errno == EXDEV || errno == EPERM || errno == EMLINK || errno == ENOTSUP) {
		ret = copy_by_data(buf_cstr(&src), dst_dir, flags, name_r, error_r);
	} else {
		*error_r = "linking message into the destination failed";
	}
out:
	buf_free(&src);
	buf_free(&name);
	buf_free(&dst);
	return ret;
}

int maildir_deliver_set_flags(const char *dir, const char *name, unsigned flags, char **new_name_r,
                              const char **error_r)
{
	struct maildir_name mn, cn;
	struct buf newname = BUF_INIT, from = BUF_INIT, to = BUF_INIT, cur = BUF_INIT;
	unsigned added, removed;
	const char *perr;
	int ret = -1;

	if (maildir_name_parse(name, &mn, error_r) < 0)
		return -1;
	flags &= MAILDIR_FLAGS_ALL;
	added = flags & ~mn.flags;
	removed = mn.flags & ~flags;
	maildir_name_rename_flags(&newname, name, mn.base_len, flags);
	if (strcmp(buf_cstr(&newname), name) == 0) {
		*new_name_r = buf_steal(&newname);
		return 0;
	}
	buf_printf(&from, "%s/cur/%s", dir, name);
	for (int tries = 0;; tries++) {
		buf_reset(&to);
		buf_printf(&to, "%s/cur/%s", dir, buf_cstr(&newname));
		if (rename(buf_cstr(&from), buf_cstr(&to)) == 0)
			break;
		if (errno != ENOENT) {
			*error_r = "renaming message failed";
			goto out;
		}
		/* Another session changed the flags since we read the name: apply our change
		 * (what we added and removed) to its flags, so neither change is lost. */
		if (tries == MAILDIR_STALE_RETRIES || maildir_scan_current(dir, name, &cur) != 1 ||
		    maildir_name_parse(buf_cstr(&cur), &cn, &perr) < 0) {
			*error_r = "message expunged by another session";
			errno = ENOENT;
			goto out;
		}
		buf_reset(&newname);
		maildir_name_rename_flags(&newname, name, mn.base_len,
					  ((cn.flags | added) & ~removed) & MAILDIR_FLAGS_ALL);
		if (strcmp(buf_cstr(&newname), buf_cstr(&cur)) == 0)
			break; /* the other change already gave it our flags */
		buf_reset(&from);
		buf_printf(&from, "%s/cur/%s", dir, buf_cstr(&cur));
	}
	*new_name_r = buf_steal(&newname);
	ret = 0;
out:
	buf_free(&newname);
	buf_free(&from);
	buf_free(&to);
	buf_free(&cur);
	return ret;
}

int maildir_deliver_expunge(const char *dir, const char *name, const char **error_r)
{
	struct buf path = BUF_INIT, cur = BUF_INIT;
	struct maildir_name mn;
	const char *perr;
	int ret = 0;

	buf_printf(&path, "%s/cur/%s", dir, name);
	for (int tries = 0; unlink(buf_cstr(&path)) < 0; tries++) {
		if (errno != ENOENT) {
			*error_r = "unlinking message failed";
			ret = -1;
			break;
		}
		/* Another session changed its flags meanwhile: remove it under its current name,
		 * unless that session took the \Deleted flag away (then it stays). */
		if (tries == MAILDIR_STALE_RETRIES || maildir_scan_current(dir, name, &cur) != 1 ||
		    maildir_name_parse(buf_cstr(&cur), &mn, &perr) < 0 ||
		    !(mn.flags & MAILDIR_FLAG_TRASHED))
			break;
		buf_reset(&path);
		buf_printf(&path, "%s/cur/%s", dir, buf_cstr(&cur));
	}
	buf_free(&path);
	buf_free(&cur);
	return ret;
}
