/* CLOSE (RFC 3501 §6.4.2): expunge \Deleted messages silently (unless read-only), then leave
 * the mailbox. */
#include "config.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-mailbox.h"
#include "imap-trash.h"
#include "log.h"
#include "maildir-deliver.h"
#include "maildir-name.h"

void cmd_close(struct imap_cmd *cmd)
{
	struct imap_mailbox *box = cmd->client->mailbox;
	const char *error;
	bool expunge = !box->readonly;

	if (cmd->count != 0) {
		imap_cmd_tagged(cmd, "BAD CLOSE takes no arguments.");
		return;
	}
	/* IMAP_MOVE_EXPUNGE_TO_TRASH: when the copy fails the messages stay (CLOSE cannot fail). */
	if (expunge && imap_trash_save_deleted(box, NULL, &error) < 0) {
		log_warnx("CLOSE: trash: %s; nothing expunged", error);
		expunge = false;
	}
	/* No EXPUNGE responses are sent for CLOSE: remove the files directly. */
	for (uint32_t seq = 1; expunge && seq <= box->count; seq++) {
		struct imap_msg *m = imap_mailbox_msg(box, seq);
		struct maildir_entry *e = imap_mailbox_entry(box, m);

		if (e != NULL && (m->flags & MAILDIR_FLAG_TRASHED) &&
		    maildir_deliver_expunge(box->idx.dir, e->name, &error) < 0)
			log_warnx("CLOSE: %s", error);
	}
	imap_client_unselect(cmd->client);
	imap_cmd_tagged(cmd, "OK CLOSE completed.");
}
