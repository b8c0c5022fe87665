/* UNSELECT (RFC 3691): leave the mailbox without expunging. */
#include "config.h"
#include "imap-client.h"
#include "imap-commands.h"

void cmd_unselect(struct imap_cmd *cmd)
{
	if (cmd->count != 0) {
		imap_cmd_tagged(cmd, "BAD UNSELECT takes no arguments.");
		return;
	}
	imap_client_unselect(cmd->client);
	imap_cmd_tagged(cmd, "OK UNSELECT completed.");
}
