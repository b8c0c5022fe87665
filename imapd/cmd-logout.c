/* LOGOUT (RFC 3501 §6.1.3). */
#include "config.h"
#include "imap-client.h"
#include "imap-commands.h"

void cmd_logout(struct imap_cmd *cmd)
{
	if (cmd->count != 0) {
		imap_cmd_tagged(cmd, "BAD LOGOUT takes no arguments.");
		return;
	}
	imap_client_untagged(cmd->client, "BYE Hato IMAP server logging out.");
	imap_cmd_tagged(cmd, "OK LOGOUT completed.");
	imap_client_unselect(cmd->client);
	cmd->client->state = IMAP_STATE_LOGOUT;
}
