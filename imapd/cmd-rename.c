/* RENAME (RFC 3501 §6.3.5): a folder with its inferiors, and its subscriptions with it; RENAME
 * of INBOX moves every message into a new folder and leaves INBOX empty. */
#include "config.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-folder.h"
#include "imap-mailbox-name.h"
#include "log.h"
#include "maildir-folder.h"
#include "maildir-subscribed.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Move the messages of INBOX's cur/ and new/ into folder's. A message another session removed
 * meanwhile is skipped. */
static int rename_inbox_move(const char *folder, const char **error_r)
{
	static const char *const subs[] = { "cur", "new" };
	struct buf from = BUF_INIT, to = BUF_INIT;
	int ret = 0;

	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]) && ret == 0; i++) {
		DIR *dp = opendir(subs[i]);
		struct dirent *d;

		if (dp == NULL) {
			*error_r = "Cannot read INBOX.";
			return -1;
		}
		while ((d = readdir(dp)) != NULL) {
			if (d->d_name[0] == '.')
				continue;
			buf_reset(&from);
			buf_reset(&to);
			buf_printf(&from, "%s/%s", subs[i], d->d_name);
			buf_printf(&to, ".%s/%s/%s", folder, subs[i], d->d_name);
			if (rename(buf_cstr(&from), buf_cstr(&to)) < 0 && errno != ENOENT) {
				*error_r = "Cannot move a message out of INBOX.";
				ret = -1;
				break;
			}
		}
		closedir(dp);
	}
	buf_free(&from);
	buf_free(&to);
	return ret;
}

/* "INBOX.old" and "INBOX.old.*" become "INBOX.new..." in courierimapsubscribed. */
static void rename_subscriptions(const char *oldname, const char *newname)
{
	struct maildir_subscribed subs, out;
	struct buf prefix = BUF_INIT, entry = BUF_INIT;
	const char *error;
	bool changed = false;

	maildir_subscribed_init(&subs);
	maildir_subscribed_init(&out);
	if (maildir_subscribed_load(".", &subs, &error) < 0) {
		log_warnx("RENAME: subscriptions: %s", error);
		goto out;
	}
	buf_printf(&prefix, "INBOX.%s", oldname);
	for (size_t i = 0; i < subs.n; i++) {
		const char *name = subs.names[i];

		buf_reset(&entry);
		if (strncmp(name, prefix.data, prefix.len) == 0 &&
		    (name[prefix.len] == '\0' || name[prefix.len] == IMAP_MAILBOX_NAME_SEP)) {
			buf_printf(&entry, "INBOX.%s%s", newname, name + prefix.len);
			changed = true;
		} else {
			buf_puts(&entry, name);
		}
		maildir_subscribed_add(&out, buf_cstr(&entry));
	}
	if (changed && maildir_subscribed_save(".", &out, &error) < 0)
		log_warnx("RENAME: subscriptions: %s", error);
out:
	maildir_subscribed_free(&subs);
	maildir_subscribed_free(&out);
	buf_free(&prefix);
	buf_free(&entry);
}

static void rename_folder(struct imap_cmd *cmd, const char *oldname, const char *newname)
{
	const char *error;

	if (imap_folder_is_selected(cmd->client, oldname, true)) {
		imap_cmd_tagged(cmd, "NO [INUSE] Mailbox is selected; CLOSE it first.");
		return;
	}
	if (maildir_folder_rename(".", oldname, newname, &error) < 0) {
		log_warn("RENAME %s %s: %s", oldname, newname, error);
		imap_cmd_tagged(cmd, "NO Cannot rename the mailbox.");
		return;
	}
	rename_subscriptions(oldname, newname);
	imap_cmd_tagged(cmd, "OK RENAME completed.");
}

void cmd_rename(struct imap_cmd *cmd)
{
	struct imap_folder_tree tree;
	const struct imap_folder_node *node;
	struct buf oldname = BUF_INIT, newname = BUF_INIT;
	const char *from, *to, *error;
	bool old_inbox, new_inbox;
	size_t len;

	imap_folder_tree_init(&tree, IMAP_MAILBOX_NAME_SEP);
	if (cmd->count != 2 || imap_arg_get_astring(&cmd->args[0], &from) < 0 ||
	    imap_arg_get_astring(&cmd->args[1], &to) < 0) {
		imap_cmd_tagged(cmd, "BAD RENAME needs two mailbox names.");
		goto out;
	}
	if (imap_mailbox_name_parse(from, &oldname, &old_inbox, &error) < 0 ||
	    imap_mailbox_name_parse(to, &newname, &new_inbox, &error) < 0) {
		imap_cmd_tagged(cmd, "NO %s", error);
		goto out;
	}
	if (new_inbox) {
		imap_cmd_tagged(cmd, "NO [ALREADYEXISTS] INBOX always exists.");
		goto out;
	}
	if (imap_folder_tree_load(&tree, &error) < 0) {
		log_warnx("RENAME: %s", error);
		imap_cmd_tagged(cmd, "NO [SERVERBUG] Cannot read the mailbox list.");
		goto out;
	}
	/* A name that exists only as the parent of folders counts as existing: its inferiors
	 * would be mixed with the renamed ones. */
	if (imap_folder_tree_find(&tree, buf_cstr(&newname)) != NULL) {
		imap_cmd_tagged(cmd, "NO [ALREADYEXISTS] Target mailbox already exists.");
		goto out;
	}
	if (old_inbox) {
		if (imap_folder_create(buf_cstr(&newname), &error) < 0 ||
		    rename_inbox_move(buf_cstr(&newname), &error) < 0) {
			log_warn("RENAME INBOX %s: %s", buf_cstr(&newname), error);
			imap_cmd_tagged(cmd, "NO %s", error);
			goto out;
		}
		imap_cmd_tagged(cmd, "OK RENAME completed.");
		goto out;
	}
	node = imap_folder_tree_find(&tree, buf_cstr(&oldname));
	if (node == NULL || !node->exists) {
		imap_cmd_tagged(cmd, "NO [NONEXISTENT] Mailbox does not exist.");
		goto out;
	}
	len = oldname.len;
	if (strncmp(newname.data, oldname.data, len) == 0 &&
	    newname.data[len] == IMAP_MAILBOX_NAME_SEP) {
		imap_cmd_tagged(cmd, "NO [CANNOT] Cannot rename a mailbox into itself.");
		goto out;
	}
	rename_folder(cmd, buf_cstr(&oldname), buf_cstr(&newname));
out:
	imap_folder_tree_free(&tree);
	buf_free(&oldname);
	buf_free(&newname);
}
