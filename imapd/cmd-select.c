/* SELECT and EXAMINE (RFC 3501 §6.3.1, §6.3.2), with UIDNEXT (which Courier omits) and
 * PERMANENTFLAGS. */
#include "config.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-mailbox.h"
#include "imap-mailbox-name.h"
#include "log.h"

#include <stdbool.h>
#include <sys/stat.h>

static void select_mailbox(struct imap_cmd *cmd, bool readonly)
{
	struct imap_client *client = cmd->client;
	struct imap_mailbox *box;
	struct buf dir = BUF_INIT, cur = BUF_INIT;
	const char *name, *error;
	struct stat st;
	uint32_t unseen;

	if (cmd->count != 1 || imap_arg_get_astring(&cmd->args[0], &name) < 0) {
		imap_cmd_tagged(cmd, "BAD %s needs one mailbox name.", cmd->name);
		return;
	}
	/* RFC 3501: a failed SELECT leaves no mailbox selected. */
	imap_client_unselect(client);
	if (imap_mailbox_name_to_dir(name, &dir, &error) < 0) {
		imap_cmd_tagged(cmd, "NO %s", error);
		goto out;
	}
	buf_printf(&cur, "%s/cur", buf_cstr(&dir));
	if (stat(buf_cstr(&cur), &st) < 0 || !S_ISDIR(st.st_mode)) {
		imap_cmd_tagged(cmd, "NO Mailbox does not exist.");
		goto out;
	}
	if (imap_mailbox_open(buf_cstr(&dir), readonly, client->set->keywords, &box, &error) < 0) {
		log_warnx("%s %s: %s", cmd->name, name, error);
		imap_cmd_tagged(cmd, "NO Cannot open the mailbox.");
		goto out;
	}
	client->mailbox = box;
	client->state = IMAP_STATE_SELECTED;
	buf_reset(&cur);
	imap_mailbox_write_keywords_in_use(box, &cur);
	imap_client_untagged(client, "FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft%s)",
			     buf_cstr(&cur));
	imap_client_untagged(client, "%u EXISTS", box->count);
	imap_client_untagged(client, "%u RECENT", box->recent_count);
	unseen = imap_mailbox_first_unseen(box);
	if (unseen != 0)
		imap_client_untagged(client, "OK [UNSEEN %u] Message %u is first unseen.", unseen,
				     unseen);
	imap_client_untagged(client, "OK [UIDVALIDITY %u] UIDs valid.", box->idx.uidvalidity);
	imap_client_untagged(client, "OK [UIDNEXT %u] Predicted next UID.", box->idx.nextuid);
	/* New keywords can be stored unless IMAP_KEYWORDS=0 (RFC 3501 §7.1: "\*"). */
	if (readonly)
		imap_client_untagged(client, "OK [PERMANENTFLAGS ()] No permanent flags permitted.");
	else
		imap_client_untagged(client, "OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted "
					     "\\Seen \\Draft%s%s)] Limited.", buf_cstr(&cur),
				     client->set->keywords ? " \\*" : "");
	imap_cmd_tagged(cmd, "OK [%s] %s completed.", readonly ? "READ-ONLY" : "READ-WRITE",
			cmd->name);
out:
	buf_free(&dir);
	buf_free(&cur);
}

void cmd_select(struct imap_cmd *cmd)
{
	select_mailbox(cmd, false);
}

void cmd_examine(struct imap_cmd *cmd)
{
	select_mailbox(cmd, true);
}
