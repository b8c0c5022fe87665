/* ID (RFC 2971): the server's name and version; the client's fields are read for syntax only
 * and never logged (free text from the client). */
#include "config.h"
#include "imap-commands.h"
#include "imap-client.h"

void cmd_id(struct imap_cmd *cmd)
{
	if (cmd->count != 1 ||
	    (cmd->args[0].type != IMAP_ARG_LIST && cmd->args[0].type != IMAP_ARG_NIL)) {
		imap_cmd_tagged(cmd, "BAD Invalid ID arguments.");
		return;
	}
	imap_client_untagged(cmd->client, "ID (\"name\" \"Hato\" \"version\" \"%s\")",
			     PACKAGE_VERSION);
	imap_cmd_tagged(cmd, "OK ID completed.");
}
