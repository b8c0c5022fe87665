/* Maildir++ folder names and directories (Courier maildir/maildirmake, UTF-8 names since 5.0). */
#include "config.h"
#include "maildir-folder.h"
#include "maildir-file.h"
#include "maildir-mutf7.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int maildir_folder_name_valid(const char *name, const char **error_r)
{
	size_t len = strlen(name);

	if (len == 0 || len > MAILDIR_FOLDER_NAME_MAX) {
		*error_r = "folder name empty or too long";
		return -1;
	}
	if (name[0] == '.' || name[len - 1] == '.' || strstr(name, "..") != NULL) {
		*error_r = "folder name has an empty component";
		return -1;
	}
	for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++) {
		if (*p == '/') {
			*error_r = "folder name contains '/'";
			return -1;
		}
		if (*p < 0x20 || *p == 0x7f) {
			*error_r = "folder name contains a control character";
			return -1;
		}
	}
	if (!maildir_mutf7_utf8_valid(name)) {
		*error_r = "folder name is not valid UTF-8";
		return -1;
	}
	return 0;
}

int maildir_folder_to_dir(const char *name, struct buf *dir_r, const char **error_r)
{
	if (maildir_folder_name_valid(name, error_r) < 0)
		return -1;
	buf_putc(dir_r, '.');
	buf_puts(dir_r, name);
	return 0;
}

int maildir_folder_from_dir(const char *entry, struct buf *name_r, const char **error_r)
{
	if (entry[0] != '.') {
		*error_r = "not a folder directory";
		return -1;
	}
	if (maildir_folder_name_valid(entry + 1, error_r) < 0)
		return -1;
	buf_puts(name_r, entry + 1);
	return 0;
}

static int folder_path(const char *root, const char *name, struct buf *path, const char **error_r)
{
	buf_printf(path, "%s/", root);
	return maildir_folder_to_dir(name, path, error_r);
}

int maildir_folder_create(const char *root, const char *name, const char **error_r)
{
	struct buf path = BUF_INIT, sub = BUF_INIT;
	static const char *const subs[] = {"tmp", "new", "cur"};
	int ret = -1, fd;

	if (folder_path(root, name, &path, error_r) < 0)
		goto out;
	if (mkdir(buf_cstr(&path), 0700) < 0) {
		*error_r = errno == EEXIST ? "folder already exists" : "mkdir failed";
		goto out;
	}
	for (size_t i = 0; i < 3; i++) {
		buf_reset(&sub);
		buf_printf(&sub, "%s/%s", buf_cstr(&path), subs[i]);
		if (mkdir(buf_cstr(&sub), 0700) < 0) {
			*error_r = "mkdir of a folder subdirectory failed";
			goto out;
		}
	}
	buf_reset(&sub);
	buf_printf(&sub, "%s/maildirfolder", buf_cstr(&path));
	fd = open(buf_cstr(&sub), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		*error_r = "creating maildirfolder failed";
		goto out;
	}
	close(fd);
	ret = 0;
out:
	buf_free(&path);
	buf_free(&sub);
	return ret;
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		return rmdir(path) < 0 ? -1 : 0;
	return unlink(path) < 0 ? -1 : 0;
}

int maildir_folder_delete(const char *root, const char *name, const char **error_r)
{
	struct buf path = BUF_INIT, trash = BUF_INIT;
	int ret = -1;

	if (folder_path(root, name, &path, error_r) < 0)
		goto out;
	buf_printf(&trash, "%s/tmp/", root);
	maildir_file_unique(&trash);
	buf_puts(&trash, ".deleted");
	if (rename(buf_cstr(&path), buf_cstr(&trash)) < 0) {
		*error_r =
		    errno == ENOENT ? "folder does not exist" : "renaming folder away failed";
		goto out;
	}
	/* Gone for every client already; a failure here leaves only a stray tree in tmp/. */
	if (nftw(buf_cstr(&trash), rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0) {
		*error_r = "removing deleted folder failed";
		goto out;
	}
	ret = 0;
out:
	buf_free(&path);
	buf_free(&trash);
	return ret;
}

int maildir_folder_rename(const char *root, const char *oldname, const char *newname,
                          const char **error_r)
{
	struct buf from = BUF_INIT, to = BUF_INIT, prefix = BUF_INIT;
	size_t oldlen = strlen(oldname);
	struct dirent *d;
	struct stat st;
	DIR *dp = NULL;
	int ret = -1;

	if (folder_path(root, oldname, &from, error_r) < 0 ||
	    folder_path(root, newname, &to, error_r) < 0)
		goto out;
	if (strncmp(newname, oldname, oldlen) == 0 &&
	    (newname[oldlen] == '.' || newname[oldlen] == '\0')) {
		*error_r = "cannot rename a folder into itself";
		goto out;
	}
	if (lstat(buf_cstr(&to), &st) == 0) {
		*error_r = "target folder already exists";
		errno = EEXIST;
		goto out;
	}
	if (rename(buf_cstr(&from), buf_cstr(&to)) < 0) {
		*error_r = errno == ENOENT ? "folder does not exist" : "renaming folder failed";
		goto out;
	}
	buf_printf(&prefix, ".%s.", oldname);
	dp = opendir(root);
	if (dp == NULL) {
		*error_r = "opendir of the maildir root failed";
		goto out;
	}
	while ((d = readdir(dp)) != NULL) {
		if (strncmp(d->d_name, buf_cstr(&prefix), prefix.len) != 0)
			continue;
		buf_reset(&from);
		buf_reset(&to);
		buf_printf(&from, "%s/%s", root, d->d_name);
		buf_printf(&to, "%s/.%s.%s", root, newname, d->d_name + prefix.len);
		if (rename(buf_cstr(&from), buf_cstr(&to)) < 0) {
			*error_r = "renaming a child folder failed";
			goto out;
		}
	}
	ret = 0;
out:
	if (dp != NULL)
		closedir(dp);
	buf_free(&from);
	buf_free(&to);
	buf_free(&prefix);
	return ret;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int maildir_folder_list(const char *root, char ***names_r, size_t *n_r, const char **error_r)
{
	struct buf name = BUF_INIT, path = BUF_INIT;
	char **v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *d;
	struct stat st;
	const char *err;
	DIR *dp = opendir(root);

	if (dp == NULL) {
		*error_r = "opendir of the maildir root failed";
		return -1;
	}
	while ((d = readdir(dp)) != NULL) {
		buf_reset(&name);
		if (maildir_folder_from_dir(d->d_name, &name, &err) < 0)
			continue;
		buf_reset(&path);
		buf_printf(&path, "%s/%s", root, d->d_name);
		if (stat(buf_cstr(&path), &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[n++] = buf_steal(&name);
	}
	closedir(dp);
	buf_free(&name);
	buf_free(&path);
	if (n > 1)
		qsort(v, n, sizeof(*v), str_cmp);
	*names_r = v;
	*n_r = n;
	return 0;
}
