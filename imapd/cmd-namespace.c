/* NAMESPACE (RFC 2342): one personal namespace, "INBOX." or "" (IMAP_NAMESPACE_PREFIX), no
 * other users' or shared namespaces. */
#include "config.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-mailbox-name.h"

void cmd_namespace(struct imap_cmd *cmd)
{
	if (cmd->count != 0) {
		imap_cmd_tagged(cmd, "BAD NAMESPACE takes no arguments.");
		return;
	}
	imap_client_untagged(cmd->client, "NAMESPACE ((\"%s\" \"%c\")) NIL NIL",
			     imap_mailbox_name_prefix(), IMAP_MAILBOX_NAME_SEP);
	imap_cmd_tagged(cmd, "OK NAMESPACE completed.");
}
