/* STORE and UID STORE (RFC 3501 §6.4.6): FLAGS, +FLAGS, -FLAGS and .SILENT over the Maildir
 * flags. Refused with NO in a read-only (EXAMINEd) mailbox, which Courier gets wrong. */
#include "config.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-mailbox.h"
#include "imap-seqset.h"
#include "log.h"
#include "maildir-name.h"

#include <string.h>
#include <strings.h>

enum store_mode { STORE_SET, STORE_ADD, STORE_REMOVE };

static const struct {
	const char *name;
	unsigned bit;
} system_flags[] = {
	{ "\\Answered", MAILDIR_FLAG_REPLIED }, { "\\Flagged", MAILDIR_FLAG_FLAGGED },
	{ "\\Deleted", MAILDIR_FLAG_TRASHED },  { "\\Seen", MAILDIR_FLAG_SEEN },
	{ "\\Draft", MAILDIR_FLAG_DRAFT },
};

/* "+FLAGS.SILENT" -> mode and silent; -1 when it is no STORE item name. */
static int parse_item(const char *s, enum store_mode *mode_r, bool *silent_r)
{
	*mode_r = *s == '+' ? STORE_ADD : *s == '-' ? STORE_REMOVE : STORE_SET;
	if (*mode_r != STORE_SET)
		s++;
	if (strcasecmp(s, "FLAGS") == 0)
		*silent_r = false;
	else if (strcasecmp(s, "FLAGS.SILENT") == 0)
		*silent_r = true;
	else
		return -1;
	return 0;
}

/* A flag list "(\Seen \Deleted)" or a single flag. -1 with error_r. */
static int parse_flags(const struct imap_arg *arg, unsigned *flags_r, const char **error_r)
{
	const struct imap_arg *list = arg;
	unsigned int n = 1;

	if (imap_arg_get_list(arg, &list, &n) < 0 && arg->type != IMAP_ARG_ATOM) {
		*error_r = "BAD Invalid flag list.";
		return -1;
	}
	*flags_r = 0;
	for (unsigned int i = 0; i < n; i++) {
		const char *f;
		size_t k;

		if (imap_arg_get_atom(&list[i], &f) < 0) {
			*error_r = "BAD Invalid flag.";
			return -1;
		}
		for (k = 0; k < sizeof(system_flags) / sizeof(system_flags[0]); k++) {
			if (strcasecmp(f, system_flags[k].name) == 0)
				break;
		}
		if (k < sizeof(system_flags) / sizeof(system_flags[0])) {
			*flags_r |= system_flags[k].bit;
		} else if (f[0] == '\\') {
			*error_r = "BAD Invalid system flag.";
			return -1;
		} else {
			/* Keywords: maildir-keywords.h is ready, imapd does not store them yet. */
			*error_r = "NO Keywords are not supported yet.";
			return -1;
		}
	}
	return 0;
}

void cmd_store(struct imap_cmd *cmd)
{
	struct imap_client *client = cmd->client;
	struct imap_mailbox *box = client->mailbox;
	struct imap_seqset set;
	enum store_mode mode;
	const char *str, *item, *error;
	unsigned flags;
	bool silent, gone = false, failed = false;

	if (cmd->count != 3 || imap_arg_get_atom(&cmd->args[0], &str) < 0 ||
	    imap_arg_get_atom(&cmd->args[1], &item) < 0 || parse_item(item, &mode, &silent) < 0) {
		imap_cmd_tagged(cmd, "BAD %s needs a sequence set, an item and flags.", cmd->name);
		return;
	}
	if (parse_flags(&cmd->args[2], &flags, &error) < 0) {
		imap_cmd_tagged(cmd, "%s", error);
		return;
	}
	if (imap_mailbox_seqset(box, str, cmd->uid, &set, &error) < 0) {
		imap_cmd_tagged(cmd, "BAD %s", error);
		return;
	}
	if (box->readonly) {
		imap_seqset_free(&set);
		imap_cmd_tagged(cmd, "NO [READ-ONLY] The mailbox is read-only.");
		return;
	}
	for (uint32_t seq = 0; imap_seqset_next(&set, &seq);) {
		struct imap_msg *msg = imap_mailbox_msg(box, seq);
		unsigned nf = mode == STORE_SET ? flags
			: mode == STORE_ADD ? msg->flags | flags : msg->flags & ~flags;
		int ret = imap_mailbox_set_flags(box, msg, nf, &error);

		if (ret == 1) {
			gone = true;
			continue;
		}
		if (ret < 0) {
			log_warnx("STORE %u: %s", seq, error);
			failed = true;
			continue;
		}
		if (!silent) {
			struct buf line = BUF_INIT;

			imap_mailbox_write_flags(msg, &line);
			if (cmd->uid)
				imap_client_untagged(client, "%u FETCH (UID %u FLAGS %s)", seq,
						     msg->uid, buf_cstr(&line));
			else
				imap_client_untagged(client, "%u FETCH (FLAGS %s)", seq,
						     buf_cstr(&line));
			buf_free(&line);
		}
	}
	imap_seqset_free(&set);
	if (failed)
		imap_cmd_tagged(cmd, "NO Some flags could not be stored.");
	else if (gone)
		imap_cmd_tagged(cmd, "NO Some of the messages no longer exist.");
	else
		imap_cmd_tagged(cmd, "OK %s completed.", cmd->uid ? "UID STORE" : "STORE");
}
