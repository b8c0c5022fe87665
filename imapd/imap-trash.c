/* Courier's trash settings: IMAP_MOVE_EXPUNGE_TO_TRASH (expunged mail is kept in the trash
 * folder), IMAP_TRASHFOLDERNAME, IMAP_EMPTYTRASH (old mail purged at login and logout). */
#include "config.h"
#include "imap-trash.h"
#include "imap-folder.h"
#include "imap-mailbox.h"
#include "imap-seqset.h"
#include "imap-target.h"
#include "log.h"
#include "maildir-deliver.h"
#include "maildir-folder.h"
#include "maildir-name.h"
#include "maildir-scan.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TRASH_DEFAULT "Trash"
/* Longest IMAP_EMPTYTRASH day count taken (a century). */
#define EMPTYTRASH_MAX_DAYS 36500

const char *imap_trash_name(void)
{
	const char *name = getenv("IMAP_TRASHFOLDERNAME");

	return name != NULL && *name != '\0' ? name : TRASH_DEFAULT;
}

/* "./.<folder>" for a folder name as Courier's settings give it (UTF-8, without "INBOX.";
 * the prefix is accepted too). -1 with error_r for a name that is no folder. */
static int folder_dir(const char *folder, struct buf *dir, const char **error_r)
{
	if (strncmp(folder, "INBOX.", 6) == 0)
		folder += 6;
	buf_reset(dir);
	buf_puts(dir, "./");
	return maildir_folder_to_dir(folder, dir, error_r);
}

bool imap_trash_move_enabled(void)
{
	const char *v = getenv("IMAP_MOVE_EXPUNGE_TO_TRASH");

	return v != NULL && *v != '\0' && strcmp(v, "0") != 0;
}

static bool wanted(const struct imap_msg *m, const struct imap_seqset *uids)
{
	return !m->expunged && (m->flags & MAILDIR_FLAG_TRASHED) &&
	       (uids == NULL || imap_seqset_contains(uids, m->uid));
}

int imap_trash_save_deleted(struct imap_mailbox *box, const struct imap_seqset *uids,
			    const char **error_r)
{
	struct buf dir = BUF_INIT;
	char **names = NULL;
	uint32_t *new_uids = NULL, uidv;
	size_t n = 0, want = 0;
	const char *error;
	int ret = -1;

	if (!imap_trash_move_enabled() || box->readonly)
		return 0;
	if (folder_dir(imap_trash_name(), &dir, error_r) < 0)
		goto out;
	/* Expunging in the trash itself removes the messages for good. */
	if (strcmp(box->idx.dir, buf_cstr(&dir)) == 0) {
		ret = 0;
		goto out;
	}
	for (uint32_t i = 0; i < box->count; i++)
		want += wanted(&box->view[i], uids);
	if (want == 0) {
		ret = 0;
		goto out;
	}
	if (access(buf_cstr(&dir), F_OK) < 0 &&
	    imap_folder_create(imap_trash_name(), &error) < 0 && errno != EEXIST) {
		*error_r = error;
		goto out;
	}
	names = xcalloc(want, sizeof(char *));
	new_uids = xreallocarray(NULL, want, sizeof(uint32_t));
	for (uint32_t i = 0; i < box->count; i++) {
		struct imap_msg *m = &box->view[i];
		struct maildir_entry *e;

		if (!wanted(m, uids) || (e = imap_mailbox_entry(box, m)) == NULL)
			continue;
		/* In the trash the message is an ordinary one again: every flag but \Deleted. */
		if (maildir_deliver_copy(box->idx.dir, e->name, buf_cstr(&dir),
					 m->flags & ~(unsigned)MAILDIR_FLAG_TRASHED, &names[n],
					 &error) < 0) {
			names[n] = NULL;
			if (errno == ENOENT) /* expunged by another session meanwhile */
				continue;
			*error_r = error;
			for (size_t j = 0; j < n; j++)
				(void)maildir_deliver_expunge(buf_cstr(&dir), names[j], &error);
			goto out;
		}
		if (m->keywords != NULL)
			imap_target_copy_keywords(buf_cstr(&dir), names[n], m->keywords);
		n++;
	}
	/* UIDs now, under the uiddb lock, so that a session in the trash never races ours. */
	if (n > 0 && imap_target_assign_uids(buf_cstr(&dir), names, n, &uidv, new_uids,
					     &error) < 0)
		log_warnx("trash: UIDs in %s: %s", buf_cstr(&dir), error);
	ret = 0;
out:
	for (size_t j = 0; j < n; j++)
		free(names[j]);
	free(names);
	free(new_uids);
	buf_free(&dir);
	return ret;
}

/* Courier's maildir_purge(): remove the files of dir/cur/ whose ctime is older than max_age
 * seconds. Returns the number removed; bytes_r gets their size. */
static size_t purge_cur(const char *dir, time_t max_age, uint64_t *bytes_r)
{
	struct buf path = BUF_INIT;
	time_t now = time(NULL);
	struct dirent *d;
	size_t removed = 0;
	DIR *dp;
	int fd;

	*bytes_r = 0;
	buf_printf(&path, "%s/cur", dir);
	dp = opendir(buf_cstr(&path));
	buf_free(&path);
	if (dp == NULL) {
		if (errno != ENOENT)
			log_warn("IMAP_EMPTYTRASH: %s/cur", dir);
		return 0;
	}
	fd = dirfd(dp);
	while ((d = readdir(dp)) != NULL) {
		struct stat st;

		if (d->d_name[0] == '.' ||
		    fstatat(fd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (st.st_ctime >= now - max_age)
			continue;
		if (unlinkat(fd, d->d_name, 0) < 0) {
			if (errno != ENOENT)
				log_warn("IMAP_EMPTYTRASH: %s/cur/%s", dir, d->d_name);
			continue;
		}
		removed++;
		*bytes_r += (uint64_t)st.st_size;
	}
	closedir(dp);
	return removed;
}

/* One "folder:days" entry (or a bare "days" for the trash folder). */
static void empty_one(const char *entry, size_t len)
{
	struct buf folder = BUF_INIT, dir = BUF_INIT;
	const char *colon = memchr(entry, ':', len), *days_s, *error;
	unsigned long days = 0;
	uint64_t bytes;
	size_t removed, days_len;

	if (colon != NULL) {
		buf_append(&folder, entry, (size_t)(colon - entry));
		days_s = colon + 1;
		days_len = len - (size_t)(colon - entry) - 1;
	} else {
		buf_puts(&folder, imap_trash_name());
		days_s = entry;
		days_len = len;
	}
	if (days_len == 0 || days_len > 5 || strspn(days_s, "0123456789") < days_len) {
		log_warnx("IMAP_EMPTYTRASH: \"%.*s\": not folder:days, ignored", (int)len, entry);
		goto out;
	}
	for (size_t i = 0; i < days_len; i++)
		days = days * 10 + (unsigned long)(days_s[i] - '0');
	if (days == 0 || days > EMPTYTRASH_MAX_DAYS) {
		log_warnx("IMAP_EMPTYTRASH: \"%.*s\": days out of range, ignored", (int)len, entry);
		goto out;
	}
	if (folder_dir(buf_cstr(&folder), &dir, &error) < 0) {
		log_warnx("IMAP_EMPTYTRASH: \"%s\": %s", buf_cstr(&folder), error);
		goto out;
	}
	removed = purge_cur(buf_cstr(&dir), (time_t)days * 86400, &bytes);
	/* Maildir++ quota leaves the trash out (maildir-quota.c); other folders count. */
	if (removed > 0 && strcmp(buf_cstr(&dir), "./.Trash") != 0)
		imap_target_quota_add(-(int64_t)bytes, -(int64_t)removed);
out:
	buf_free(&folder);
	buf_free(&dir);
}

void imap_trash_empty(void)
{
	const char *spec = getenv("IMAP_EMPTYTRASH");

	if (spec == NULL)
		return;
	while (*spec != '\0') {
		size_t len = strcspn(spec, ",");

		/* Surrounding blanks are allowed ("Trash:7, Sent:30"). */
		while (len > 0 && (*spec == ' ' || *spec == '\t')) {
			spec++;
			len--;
		}
		{
			size_t l = len;

			while (l > 0 && (spec[l - 1] == ' ' || spec[l - 1] == '\t'))
				l--;
			if (l > 0)
				empty_one(spec, l);
		}
		spec += len;
		if (*spec == ',')
			spec++;
	}
}
