/* NOOP (RFC 3501 §6.1.2): nothing but the mailbox updates that imap_cmd_tagged sends. */
#include "config.h"
#include "imap-commands.h"

void cmd_noop(struct imap_cmd *cmd)
{
	if (cmd->count != 0) {
		imap_cmd_tagged(cmd, "BAD NOOP takes no arguments.");
		return;
	}
	imap_cmd_tagged(cmd, "OK NOOP completed.");
}
