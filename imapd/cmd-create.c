/* CREATE (RFC 3501 §6.3.3): a Maildir++ folder made in tmp/ and renamed into place. A trailing
 * delimiter ("INBOX.x.") names the folder x (a hierarchy name, which in Maildir++ is a folder). */
#include "config.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-folder.h"
#include "imap-mailbox-name.h"
#include "log.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

void cmd_create(struct imap_cmd *cmd)
{
	struct buf name = BUF_INIT, folder = BUF_INIT;
	const char *arg, *error;
	bool inbox;

	if (cmd->count != 1 || imap_arg_get_astring(&cmd->args[0], &arg) < 0) {
		imap_cmd_tagged(cmd, "BAD CREATE needs one mailbox name.");
		goto out;
	}
	buf_puts(&name, arg);
	/* One trailing delimiter only: "INBOX.x.." still has an empty component. */
	if (name.len > 1 && name.data[name.len - 1] == IMAP_MAILBOX_NAME_SEP)
		buf_truncate(&name, name.len - 1);
	if (strcasecmp(buf_cstr(&name), "INBOX") == 0) {
		imap_cmd_tagged(cmd, "NO [ALREADYEXISTS] INBOX always exists.");
		goto out;
	}
	if (imap_mailbox_name_parse(buf_cstr(&name), &folder, &inbox, &error) < 0) {
		imap_cmd_tagged(cmd, "NO %s", error);
		goto out;
	}
	if (imap_folder_create(buf_cstr(&folder), &error) < 0) {
		if (errno == EEXIST) {
			imap_cmd_tagged(cmd, "NO [ALREADYEXISTS] Mailbox already exists.");
		} else {
			log_warn("CREATE %s: %s", buf_cstr(&folder), error);
			imap_cmd_tagged(cmd, "NO %s", error);
		}
		goto out;
	}
	imap_cmd_tagged(cmd, "OK CREATE completed.");
out:
	buf_free(&name);
	buf_free(&folder);
}
