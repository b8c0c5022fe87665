/* FETCH and UID FETCH (RFC 3501 §6.4.5, §6.4.8). */
#include "config.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-fetch.h"
#include "imap-mailbox.h"
#include "imap-seqset.h"
#include "log.h"

void cmd_fetch(struct imap_cmd *cmd)
{
	struct imap_client *client = cmd->client;
	struct imap_seqset set;
	struct imap_fetch fetch;
	const char *str, *error;
	bool gone = false, failed = false;

	if (cmd->count != 2 || imap_arg_get_atom(&cmd->args[0], &str) < 0) {
		imap_cmd_tagged(cmd, "BAD %s needs a sequence set and items.", cmd->name);
		return;
	}
	if (imap_fetch_parse(&fetch, client->arena, &cmd->args[1], cmd->uid, &error) < 0) {
		imap_cmd_tagged(cmd, "BAD %s", error);
		return;
	}
	if (imap_mailbox_seqset(client->mailbox, str, cmd->uid, &set, &error) < 0) {
		imap_cmd_tagged(cmd, "BAD %s", error);
		return;
	}
	for (uint32_t seq = 0; imap_seqset_next(&set, &seq) && !client->out_failed;) {
		int ret = imap_fetch_write(&fetch, client, client->mailbox, seq, &error);

		if (ret == 1)
			gone = true;
		if (ret < 0) {
			log_warnx("FETCH %u: %s", seq, error);
			failed = true;
		}
	}
	imap_seqset_free(&set);
	if (failed)
		imap_cmd_tagged(cmd, "NO Some messages could not be read.");
	else if (gone)
		imap_cmd_tagged(cmd, "NO Some of the requested messages no longer exist.");
	else
		imap_cmd_tagged(cmd, "OK %s completed.", cmd->uid ? "UID FETCH" : "FETCH");
}
