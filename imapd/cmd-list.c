/* LIST and LSUB (RFC 3501 §6.3.8, §6.3.9) with CHILDREN (RFC 3348) and SPECIAL-USE (RFC 6154)
 * attributes, over Maildir++ folders and Courier's courierimapsubscribed. */
#include "config.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-folder.h"
#include "imap-mailbox-name.h"
#include "imap-quote.h"
#include "imap-special-use.h"
#include "log.h"
#include "maildir-folder.h"
#include "maildir-subscribed.h"

#include <string.h>
#include <strings.h>

/* "* LIST (attrs) "." name" */
static void list_reply(struct imap_cmd *cmd, const char *attrs, const char *wire)
{
	struct buf line = BUF_INIT;

	buf_printf(&line, "* %s (%s) \"%c\" ", cmd->name, attrs, IMAP_MAILBOX_NAME_SEP);
	imap_quote_astring(&line, wire, strlen(wire));
	buf_puts(&line, "\r\n");
	imap_client_write(cmd->client, line.data, line.len);
	buf_free(&line);
}

/* The reference and mailbox arguments as one pattern (RFC 3501 §6.3.8: the reference is
 * prepended), "INBOX" normalised to upper case since it is case-insensitive. -1 when the
 * arguments are malformed (BAD sent). */
static int list_pattern(struct imap_cmd *cmd, struct buf *pattern_r, bool *empty_r)
{
	const char *ref, *mailbox;

	if (cmd->count != 2 || imap_arg_get_astring(&cmd->args[0], &ref) < 0 ||
	    imap_arg_get_astring(&cmd->args[1], &mailbox) < 0) {
		imap_cmd_tagged(cmd, "BAD %s needs a reference and a mailbox pattern.", cmd->name);
		return -1;
	}
	if (strlen(ref) + strlen(mailbox) > IMAP_FOLDER_PATTERN_MAX) {
		imap_cmd_tagged(cmd, "BAD %s pattern too long.", cmd->name);
		return -1;
	}
	*empty_r = *mailbox == '\0';
	buf_puts(pattern_r, ref);
	buf_puts(pattern_r, mailbox);
	if (strncasecmp(pattern_r->data, "INBOX", 5) == 0 &&
	    (pattern_r->data[5] == '\0' || pattern_r->data[5] == IMAP_MAILBOX_NAME_SEP))
		memcpy(pattern_r->data, "INBOX", 5);
	return 0;
}

static void list_node(struct imap_cmd *cmd, const struct imap_folder_node *node,
		      const char *pattern)
{
	struct buf wire = BUF_INIT, attrs = BUF_INIT;
	const char *special;

	if (imap_mailbox_name_from_folder(node->name, &wire) < 0 ||
	    !imap_folder_match(pattern, buf_cstr(&wire), IMAP_MAILBOX_NAME_SEP))
		goto out;
	if (!node->exists)
		buf_puts(&attrs, "\\Noselect ");
	buf_puts(&attrs, node->has_children ? "\\HasChildren" : "\\HasNoChildren");
	special = node->exists ? imap_special_use_of(node->name) : NULL;
	if (special != NULL)
		buf_printf(&attrs, " %s", special);
	list_reply(cmd, buf_cstr(&attrs), buf_cstr(&wire));
out:
	buf_free(&wire);
	buf_free(&attrs);
}

void cmd_list(struct imap_cmd *cmd)
{
	struct imap_folder_tree tree;
	struct buf pattern = BUF_INIT;
	const char *error;
	bool empty, inbox_children;

	if (list_pattern(cmd, &pattern, &empty) < 0)
		goto out;
	if (empty) {
		/* RFC 3501: the delimiter and the root of the hierarchy. */
		list_reply(cmd, "\\Noselect", "");
		imap_cmd_tagged(cmd, "OK LIST completed.");
		goto out;
	}
	imap_folder_tree_init(&tree, IMAP_MAILBOX_NAME_SEP);
	if (imap_folder_tree_load(&tree, &error) < 0) {
		log_warnx("LIST: %s", error);
		imap_folder_tree_free(&tree);
		imap_cmd_tagged(cmd, "NO [SERVERBUG] Cannot read the mailbox list.");
		goto out;
	}
	/* With the INBOX. prefix every folder is an inferior of INBOX. */
	inbox_children = imap_mailbox_name_prefix()[0] != '\0' && tree.n > 0;
	if (imap_folder_match(buf_cstr(&pattern), "INBOX", IMAP_MAILBOX_NAME_SEP))
		list_reply(cmd, inbox_children ? "\\HasChildren" : "\\HasNoChildren", "INBOX");
	for (size_t i = 0; i < tree.n; i++)
		list_node(cmd, &tree.v[i], buf_cstr(&pattern));
	imap_folder_tree_free(&tree);
	imap_cmd_tagged(cmd, "OK LIST completed.");
out:
	buf_free(&pattern);
}

/* True when some subscribed name below node i matches (then LSUB does not list the
 * unsubscribed node itself: RFC 3501 §6.3.9 lists it only for a '%' that stops at it). */
static bool lsub_descendant_matches(const struct imap_folder_tree *tree, size_t i,
				    const char *pattern)
{
	const char *name = tree->v[i].name;
	size_t len = strlen(name);
	bool found = false;

	for (size_t j = i + 1; j < tree->n && strncmp(tree->v[j].name, name, len) == 0; j++) {
		struct buf wire = BUF_INIT;

		if (tree->v[j].name[len] == IMAP_MAILBOX_NAME_SEP && tree->v[j].exists &&
		    imap_mailbox_name_from_folder(tree->v[j].name, &wire) == 0 &&
		    imap_folder_match(pattern, buf_cstr(&wire), IMAP_MAILBOX_NAME_SEP))
			found = true;
		buf_free(&wire);
		if (found)
			break;
	}
	return found;
}

void cmd_lsub(struct imap_cmd *cmd)
{
	struct maildir_subscribed subs;
	struct imap_folder_tree tree;
	struct buf pattern = BUF_INIT;
	const char *error;
	bool empty, inbox = false;

	if (list_pattern(cmd, &pattern, &empty) < 0)
		goto out;
	if (empty) {
		list_reply(cmd, "\\Noselect", "");
		imap_cmd_tagged(cmd, "OK LSUB completed.");
		goto out;
	}
	maildir_subscribed_init(&subs);
	if (maildir_subscribed_load(".", &subs, &error) < 0) {
		log_warnx("LSUB: %s", error);
		maildir_subscribed_free(&subs);
		imap_cmd_tagged(cmd, "NO [SERVERBUG] Cannot read the subscriptions.");
		goto out;
	}
	/* The file holds Courier's names: "INBOX" and "INBOX.<UTF-8 folder>". */
	imap_folder_tree_init(&tree, IMAP_MAILBOX_NAME_SEP);
	for (size_t i = 0; i < subs.n; i++) {
		if (strcasecmp(subs.names[i], "INBOX") == 0)
			inbox = true;
		else if (strncasecmp(subs.names[i], "INBOX.", 6) == 0 &&
			 maildir_folder_name_valid(subs.names[i] + 6, &error) == 0)
			imap_folder_tree_add(&tree, subs.names[i] + 6);
	}
	maildir_subscribed_free(&subs);
	imap_folder_tree_finish(&tree);
	if (inbox && imap_folder_match(buf_cstr(&pattern), "INBOX", IMAP_MAILBOX_NAME_SEP))
		list_reply(cmd, "", "INBOX");
	for (size_t i = 0; i < tree.n; i++) {
		struct buf wire = BUF_INIT;

		if (imap_mailbox_name_from_folder(tree.v[i].name, &wire) == 0 &&
		    imap_folder_match(buf_cstr(&pattern), buf_cstr(&wire), IMAP_MAILBOX_NAME_SEP) &&
		    (tree.v[i].exists || !lsub_descendant_matches(&tree, i, buf_cstr(&pattern))))
			list_reply(cmd, tree.v[i].exists ? "" : "\\Noselect", buf_cstr(&wire));
		buf_free(&wire);
	}
	imap_folder_tree_free(&tree);
	imap_cmd_tagged(cmd, "OK LSUB completed.");
out:
	buf_free(&pattern);
}
