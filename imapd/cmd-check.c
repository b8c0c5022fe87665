/* CHECK (RFC 3501 §6.4.1): a Maildir has nothing to checkpoint; the sync before the tagged
 * response reports what changed. */
#include "config.h"
#include "imap-commands.h"

void cmd_check(struct imap_cmd *cmd)
{
	if (cmd->count != 0) {
		imap_cmd_tagged(cmd, "BAD CHECK takes no arguments.");
		return;
	}
	imap_cmd_tagged(cmd, "OK CHECK completed.");
}
