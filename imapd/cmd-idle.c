/* IDLE (RFC 2177): enter the idling state; imap-idle.c waits for DONE and sends updates. */
#include "config.h"
#include "imap-commands.h"
#include "imap-idle.h"

void cmd_idle(struct imap_cmd *cmd)
{
	if (cmd->count != 0) {
		imap_cmd_tagged(cmd, "BAD IDLE takes no arguments.");
		return;
	}
	/* The tagged response is sent at DONE (imap_idle_input), after the last updates. */
	imap_idle_start(cmd->client, cmd->tag);
}
