/* CAPABILITY (RFC 3501 §6.1.1). */
#include "config.h"
#include "imap-capability.h"
#include "imap-client.h"
#include "imap-commands.h"

void cmd_capability(struct imap_cmd *cmd)
{
	struct buf caps = BUF_INIT;

	if (cmd->count != 0) {
		imap_cmd_tagged(cmd, "BAD CAPABILITY takes no arguments.");
		return;
	}
	imap_capability_write(&caps);
	imap_client_untagged(cmd->client, "CAPABILITY %s", buf_cstr(&caps));
	buf_free(&caps);
	imap_cmd_tagged(cmd, "OK CAPABILITY completed.");
}
