/* Maildir++ folders for CREATE, DELETE, RENAME, LIST and STATUS (Courier's layout, §4.4). */
#include "config.h"
#include "imap-folder.h"
#include "imap-client.h"
#include "imap-mailbox.h"
#include "imap-mailbox-name.h"
#include "maildir-file.h"
#include "maildir-folder.h"
#include "maildir-uiddb.h"
#include "safe-io.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int imap_folder_tree_load(struct imap_folder_tree *tree, const char **error_r)
{
	bool prefix = imap_mailbox_name_prefix()[0] != '\0';
	char **names;
	size_t n;

	if (maildir_folder_list(".", &names, &n, error_r) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (prefix || (strncasecmp(names[i], "INBOX", 5) != 0 ||
			       (names[i][5] != '\0' && names[i][5] != IMAP_MAILBOX_NAME_SEP)))
			imap_folder_tree_add(tree, names[i]);
		free(names[i]);
	}
	free(names);
	imap_folder_tree_finish(tree);
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (type == FTW_DP ? rmdir(path) : unlink(path)) < 0 ? -1 : 0;
}

static int make_in_tmp(const char *dir, const char **error_r)
{
	static const char *const subs[] = { "tmp", "new", "cur" };
	struct buf path = BUF_INIT, db = BUF_INIT;
	struct maildir_uiddb uiddb;
	int ret = -1, fd = -1;

	if (mkdir(dir, 0700) < 0) {
		*error_r = "Cannot create the mailbox directory.";
		return -1;
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		buf_reset(&path);
		buf_printf(&path, "%s/%s", dir, subs[i]);
		if (mkdir(buf_cstr(&path), 0700) < 0) {
			*error_r = "Cannot create the mailbox directories.";
			goto out;
		}
	}
	buf_reset(&path);
	buf_printf(&path, "%s/maildirfolder", dir);
	fd = open(buf_cstr(&path), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || close(fd) < 0) {
		*error_r = "Cannot create the maildirfolder file.";
		goto out;
	}
	/* A uiddb now fixes UIDVALIDITY, so STATUS before the first SELECT agrees with it. */
	maildir_uiddb_init(&uiddb);
	uiddb.uidvalidity = maildir_uiddb_new_uidvalidity(time(NULL), 0);
	uiddb.nextuid = 1;
	maildir_uiddb_format(&uiddb, &db);
	maildir_uiddb_free(&uiddb);
	buf_reset(&path);
	buf_printf(&path, "%s/%s", dir, MAILDIR_UIDDB_FILE);
	fd = open(buf_cstr(&path), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write_full(fd, db.data, db.len) < 0 || fsync(fd) < 0 || close(fd) < 0) {
		if (fd >= 0)
			close(fd);
		*error_r = "Cannot write the UID list.";
		goto out;
	}
	ret = 0;
out:
	buf_free(&path);
	buf_free(&db);
	return ret;
}

int imap_folder_create(const char *folder, const char **error_r)
{
	struct buf path = BUF_INIT, tmp = BUF_INIT;
	struct stat st;
	int ret = -1, err;

	buf_puts(&path, "./");
	if (maildir_folder_to_dir(folder, &path, error_r) < 0)
		goto out;
	if (lstat(buf_cstr(&path), &st) == 0) {
		*error_r = "Mailbox already exists.";
		errno = EEXIST;
		goto out;
	}
	buf_puts(&tmp, "./tmp/");
	maildir_file_unique(&tmp);
	buf_puts(&tmp, ".folder");
	if (make_in_tmp(buf_cstr(&tmp), error_r) < 0) {
		err = errno;
		(void)nftw(buf_cstr(&tmp), rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		errno = err;
		goto out;
	}
	/* rename() of a directory replaces only an empty directory: a folder created meanwhile
	 * by another session (never empty) makes it fail with EEXIST or ENOTEMPTY. */
	if (rename(buf_cstr(&tmp), buf_cstr(&path)) < 0) {
		err = errno == ENOTEMPTY ? EEXIST : errno;
		*error_r = err == EEXIST ? "Mailbox already exists." : "Cannot create the mailbox.";
		(void)nftw(buf_cstr(&tmp), rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		errno = err;
		goto out;
	}
	ret = 0;
out:
	buf_free(&path);
	buf_free(&tmp);
	return ret;
}

bool imap_folder_is_selected(const struct imap_client *client, const char *folder, bool below)
{
	const char *dir;
	size_t len = strlen(folder);

	if (client->mailbox == NULL)
		return false;
	dir = client->mailbox->idx.dir;
	if (strncmp(dir, "./.", 3) != 0 || strncmp(dir + 3, folder, len) != 0)
		return false;
	return dir[3 + len] == '\0' || (below && dir[3 + len] == IMAP_MAILBOX_NAME_SEP);
}
