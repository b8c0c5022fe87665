/* ENABLE (RFC 5161): no extension that needs enabling is implemented yet, so every name is
 * accepted and none is enabled: "* ENABLED" lists nothing (RFC 5161 §3.1 allows that). */
#include "config.h"
#include "imap-commands.h"
#include "imap-client.h"

void cmd_enable(struct imap_cmd *cmd)
{
	const char *name;

	if (cmd->count == 0) {
		imap_cmd_tagged(cmd, "BAD ENABLE needs capability names.");
		return;
	}
	for (unsigned int i = 0; i < cmd->count; i++) {
		if (imap_arg_get_atom(&cmd->args[i], &name) < 0) {
			imap_cmd_tagged(cmd, "BAD ENABLE takes capability names.");
			return;
		}
	}
	/* When one is implemented (UTF8=ACCEPT, CONDSTORE ...), it is named here and remembered
	 * in the session. */
	imap_client_untagged(cmd->client, "ENABLED");
	imap_cmd_tagged(cmd, "OK ENABLE completed.");
}
