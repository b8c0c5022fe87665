/* SUBSCRIBE and UNSUBSCRIBE (RFC 3501 §6.3.6, §6.3.7) in Courier's courierimapsubscribed, which
 * holds "INBOX" and "INBOX.<UTF-8 folder>" whatever the namespace prefix. */
#include "config.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-mailbox-name.h"
#include "log.h"
#include "maildir-subscribed.h"

static void subscribe(struct imap_cmd *cmd, bool add)
{
	struct maildir_subscribed subs;
	struct buf folder = BUF_INIT, entry = BUF_INIT;
	const char *name, *error;
	bool inbox;
	int changed;

	if (cmd->count != 1 || imap_arg_get_astring(&cmd->args[0], &name) < 0) {
		imap_cmd_tagged(cmd, "BAD %s needs one mailbox name.", cmd->name);
		goto out;
	}
	if (imap_mailbox_name_parse(name, &folder, &inbox, &error) < 0) {
		imap_cmd_tagged(cmd, "NO %s", error);
		goto out;
	}
	buf_puts(&entry, "INBOX");
	if (!inbox)
		buf_printf(&entry, ".%s", buf_cstr(&folder));
	maildir_subscribed_init(&subs);
	if (maildir_subscribed_load(".", &subs, &error) < 0) {
		log_warnx("%s: %s", cmd->name, error);
		imap_cmd_tagged(cmd, "NO [SERVERBUG] Cannot read the subscriptions.");
		goto free_subs;
	}
	changed = add ? maildir_subscribed_add(&subs, buf_cstr(&entry))
		      : maildir_subscribed_remove(&subs, buf_cstr(&entry));
	if (!add && changed == 0) {
		imap_cmd_tagged(cmd, "NO [NONEXISTENT] Not subscribed to that mailbox.");
		goto free_subs;
	}
	if (changed > 0 && maildir_subscribed_save(".", &subs, &error) < 0) {
		log_warnx("%s: %s", cmd->name, error);
		imap_cmd_tagged(cmd, "NO [SERVERBUG] Cannot write the subscriptions.");
		goto free_subs;
	}
	imap_cmd_tagged(cmd, "OK %s completed.", cmd->name);
free_subs:
	maildir_subscribed_free(&subs);
out:
	buf_free(&folder);
	buf_free(&entry);
}

void cmd_subscribe(struct imap_cmd *cmd)
{
	subscribe(cmd, true);
}

void cmd_unsubscribe(struct imap_cmd *cmd)
{
	subscribe(cmd, false);
}
