/* The imapd command table and dispatcher (RFC 3501 §6): states are data, checked before any
 * handler runs. */
#include "config.h"
#include "imap-commands.h"
#include "imap-client.h"
#include "imap-mailbox.h"
#include "log.h"

#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#define ST_AUTH IMAP_STATE_AUTH
#define ST_SELECTED IMAP_STATE_SELECTED
#define ST_ANY (IMAP_STATE_AUTH | IMAP_STATE_SELECTED)

/* Add a row to add a command (and its file cmd-<name>.c). */
static const struct imap_command_def imap_command_table[] = {
	{ "CAPABILITY", cmd_capability, ST_ANY, IMAP_CMD_NO_LOAD },
	{ "NOOP", cmd_noop, ST_ANY, IMAP_CMD_NO_LOAD },
	{ "LOGOUT", cmd_logout, ST_ANY, IMAP_CMD_NO_SYNC | IMAP_CMD_NO_LOAD },
	{ "SELECT", cmd_select, ST_ANY, IMAP_CMD_NO_SYNC | IMAP_CMD_NO_LOAD },
	{ "EXAMINE", cmd_examine, ST_ANY, IMAP_CMD_NO_SYNC | IMAP_CMD_NO_LOAD },
	{ "CHECK", cmd_check, ST_SELECTED, IMAP_CMD_NO_LOAD },
	{ "CLOSE", cmd_close, ST_SELECTED, IMAP_CMD_NO_SYNC },
	{ "UNSELECT", cmd_unselect, ST_SELECTED, IMAP_CMD_NO_SYNC | IMAP_CMD_NO_LOAD },
	{ "EXPUNGE", cmd_expunge, ST_SELECTED, IMAP_CMD_UID_OK },
	{ "FETCH", cmd_fetch, ST_SELECTED, IMAP_CMD_UID_OK | IMAP_CMD_NO_EXPUNGE },
	{ "STORE", cmd_store, ST_SELECTED, IMAP_CMD_UID_OK | IMAP_CMD_NO_EXPUNGE },
	/* Mailbox hierarchy (imaplist). */
	{ "LIST", cmd_list, ST_ANY, IMAP_CMD_NO_LOAD },
	{ "LSUB", cmd_lsub, ST_ANY, IMAP_CMD_NO_LOAD },
	{ "SUBSCRIBE", cmd_subscribe, ST_ANY, 0 },
	{ "UNSUBSCRIBE", cmd_unsubscribe, ST_ANY, 0 },
	{ "CREATE", cmd_create, ST_ANY, 0 },
	{ "DELETE", cmd_delete, ST_ANY, 0 },
	{ "RENAME", cmd_rename, ST_ANY, 0 },
	{ "STATUS", cmd_status, ST_ANY, 0 },
	{ "NAMESPACE", cmd_namespace, ST_ANY, IMAP_CMD_NO_LOAD },
	{ "APPEND", cmd_append, ST_ANY, 0 },
	{ "COPY", cmd_copy, ST_SELECTED, IMAP_CMD_UID_OK },
	{ "MOVE", cmd_move, ST_SELECTED, IMAP_CMD_UID_OK },
	/* imapsearch */
	{ "SEARCH", cmd_search, ST_SELECTED, IMAP_CMD_UID_OK | IMAP_CMD_NO_EXPUNGE },
	{ "IDLE", cmd_idle, ST_ANY, IMAP_CMD_NO_SYNC | IMAP_CMD_NO_LOAD },
	{ "ENABLE", cmd_enable, ST_ANY, IMAP_CMD_NO_LOAD },
	{ "ID", cmd_id, ST_ANY, IMAP_CMD_NO_LOAD },
};

const struct imap_command_def *imap_commands_find(const char *name)
{
	for (size_t i = 0; i < sizeof(imap_command_table) / sizeof(imap_command_table[0]); i++) {
		if (strcasecmp(imap_command_table[i].name, name) == 0)
			return &imap_command_table[i];
	}
	return NULL;
}

void imap_cmd_tagged(struct imap_cmd *cmd, const char *fmt, ...)
{
	struct imap_client *client = cmd->client;
	struct buf text = BUF_INIT;
	const char *error;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&text, fmt, ap);
	va_end(ap);
	/* Updates go before the tagged line (RFC 3501 §7: the client learns of changes before
	 * the command completes); none after a BAD, which did nothing. */
	if (client->mailbox != NULL && !(cmd->def->flags & IMAP_CMD_NO_SYNC) &&
	    strncmp(buf_cstr(&text), "BAD", 3) != 0 &&
	    imap_mailbox_sync(client->mailbox, client, !(cmd->def->flags & IMAP_CMD_NO_EXPUNGE),
			      &error) < 0)
		log_warnx("mailbox sync failed: %s", error);
	imap_client_tagged(client, cmd->tag, "%s", buf_cstr(&text));
	buf_free(&text);
}

void imap_commands_dispatch(struct imap_client *client, const struct imap_command *command)
{
	const struct imap_command_def *def;
	struct imap_cmd cmd = {
		.client = client,
		.tag = command->tag,
		.args = command->args,
		.count = command->count,
	};
	const char *name = command->name;
	const char *error;

	if (strcasecmp(name, "UID") == 0) {
		if (command->count == 0 || imap_arg_get_atom(&command->args[0], &name) < 0) {
			imap_client_tagged(client, cmd.tag, "BAD UID needs a command.");
			return;
		}
		cmd.uid = true;
		cmd.args++;
		cmd.count--;
	}
	def = imap_commands_find(name);
	if (def == NULL) {
		imap_client_tagged(client, cmd.tag, "BAD Unknown command.");
		return;
	}
	if (cmd.uid && !(def->flags & IMAP_CMD_UID_OK)) {
		imap_client_tagged(client, cmd.tag, "BAD %s cannot be used with UID.", def->name);
		return;
	}
	if (!cmd.uid && (def->flags & IMAP_CMD_UID_ONLY)) {
		imap_client_tagged(client, cmd.tag, "BAD %s needs the UID prefix.", def->name);
		return;
	}
	if (!(def->states & client->state)) {
		imap_client_tagged(client, cmd.tag, "BAD %s is not valid in this state.",
				   def->name);
		return;
	}
	cmd.name = def->name;
	cmd.def = def;
	if (client->mailbox != NULL && !(def->flags & IMAP_CMD_NO_LOAD) &&
	    imap_mailbox_load(client->mailbox, client, &error) < 0) {
		log_warnx("mailbox load failed: %s", error);
		imap_client_tagged(client, cmd.tag, "NO Cannot read the mailbox.");
		return;
	}
	def->func(&cmd);
}
