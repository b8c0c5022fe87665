/* DELETE (RFC 3501 §6.3.4): INBOX cannot be deleted; a folder with inferiors loses its messages
 * and stays as a \Noselect name; a \Noselect name with inferiors cannot be deleted. The folder
 * is renamed into tmp/ first, so it vanishes at once for every session, then removed. */
#include "config.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-folder.h"
#include "imap-mailbox-name.h"
#include "log.h"
#include "maildir-folder.h"

#include <errno.h>

void cmd_delete(struct imap_cmd *cmd)
{
	struct imap_folder_tree tree;
	const struct imap_folder_node *node;
	struct buf folder = BUF_INIT;
	const char *name, *error;
	bool inbox;

	imap_folder_tree_init(&tree, IMAP_MAILBOX_NAME_SEP);
	if (cmd->count != 1 || imap_arg_get_astring(&cmd->args[0], &name) < 0) {
		imap_cmd_tagged(cmd, "BAD DELETE needs one mailbox name.");
		goto out;
	}
	if (imap_mailbox_name_parse(name, &folder, &inbox, &error) < 0) {
		imap_cmd_tagged(cmd, "NO %s", error);
		goto out;
	}
	if (inbox) {
		imap_cmd_tagged(cmd, "NO [CANNOT] INBOX cannot be deleted.");
		goto out;
	}
	if (imap_folder_tree_load(&tree, &error) < 0) {
		log_warnx("DELETE: %s", error);
		imap_cmd_tagged(cmd, "NO [SERVERBUG] Cannot read the mailbox list.");
		goto out;
	}
	node = imap_folder_tree_find(&tree, buf_cstr(&folder));
	if (node == NULL) {
		imap_cmd_tagged(cmd, "NO [NONEXISTENT] Mailbox does not exist.");
		goto out;
	}
	if (!node->exists) {
		imap_cmd_tagged(cmd, "NO [CANNOT] Name has inferior mailboxes and is not "
				     "selectable.");
		goto out;
	}
	/* Its directory would vanish under the session; Dovecot ends the session instead. */
	if (imap_folder_is_selected(cmd->client, buf_cstr(&folder), false)) {
		imap_cmd_tagged(cmd, "NO [INUSE] Mailbox is selected; CLOSE it first.");
		goto out;
	}
	if (maildir_folder_delete(".", buf_cstr(&folder), &error) < 0) {
		if (errno == ENOENT) {
			imap_cmd_tagged(cmd, "NO [NONEXISTENT] Mailbox does not exist.");
		} else {
			log_warn("DELETE %s: %s", buf_cstr(&folder), error);
			imap_cmd_tagged(cmd, "NO Cannot delete the mailbox.");
		}
		goto out;
	}
	imap_cmd_tagged(cmd, "OK DELETE completed.");
out:
	imap_folder_tree_free(&tree);
	buf_free(&folder);
}
