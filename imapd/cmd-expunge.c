/* EXPUNGE (RFC 3501 §6.4.3) and UID EXPUNGE (RFC 4315 §2.1). */
#include "config.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-mailbox.h"
#include "imap-seqset.h"
#include "imap-trash.h"
#include "log.h"

#include <string.h>

void cmd_expunge(struct imap_cmd *cmd)
{
	struct imap_mailbox *box = cmd->client->mailbox;
	struct imap_seqset uids;
	const char *str, *error;
	int ret;

	if (cmd->count != (cmd->uid ? 1u : 0u)) {
		imap_cmd_tagged(cmd, "BAD %s needs %s.", cmd->uid ? "UID EXPUNGE" : "EXPUNGE",
				cmd->uid ? "one UID set" : "no arguments");
		return;
	}
	if (box->readonly) {
		imap_cmd_tagged(cmd, "NO [READ-ONLY] The mailbox is read-only.");
		return;
	}
	memset(&uids, 0, sizeof(uids));
	if (cmd->uid) {
		if (imap_arg_get_atom(&cmd->args[0], &str) < 0 ||
		    imap_seqset_parse(str, &uids, &error) < 0) {
			imap_cmd_tagged(cmd, "BAD Invalid UID set.");
			return;
		}
		imap_seqset_resolve(&uids, box->count > 0 ? box->view[box->count - 1].uid : 0);
	}
	/* IMAP_MOVE_EXPUNGE_TO_TRASH: keep a copy first; without it nothing is removed. */
	if (imap_trash_save_deleted(box, cmd->uid ? &uids : NULL, &error) < 0) {
		imap_seqset_free(&uids);
		log_warnx("EXPUNGE: trash: %s", error);
		imap_cmd_tagged(cmd, "NO Cannot move the messages to the trash folder.");
		return;
	}
	ret = imap_mailbox_expunge(box, cmd->client, cmd->uid ? &uids : NULL, &error);
	imap_seqset_free(&uids);
	if (ret < 0) {
		log_warnx("EXPUNGE: %s", error);
		imap_cmd_tagged(cmd, "NO Some messages could not be expunged.");
		return;
	}
	imap_cmd_tagged(cmd, "OK %s completed.", cmd->uid ? "UID EXPUNGE" : "EXPUNGE");
}
