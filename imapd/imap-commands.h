/* The imapd command table (states as data) and the dispatcher; one handler per cmd-*.c file.
 * To add a command: write cmd-<name>.c with `void cmd_<name>(struct imap_cmd *cmd)`, declare it
 * below and add one row to the table in imap-commands.c. */
#ifndef HATO_IMAP_COMMANDS_H
#define HATO_IMAP_COMMANDS_H

#include <stdbool.h>

#include "imap-parser.h"

struct imap_client;

enum imap_command_flags {
	/* The command may be prefixed by UID (FETCH, STORE, SEARCH, COPY, MOVE, EXPUNGE). */
	IMAP_CMD_UID_OK = 1 << 0,
	/* RFC 3501 §7.4.1: no EXPUNGE response may be sent while answering it (FETCH, STORE,
	 * SEARCH); the mailbox sync after it holds expunges back until a later command. */
	IMAP_CMD_NO_EXPUNGE = 1 << 1,
	/* The command may only be given with the UID prefix (UID EXPUNGE). */
	IMAP_CMD_UID_ONLY = 1 << 2,
	/* The handler syncs and reports itself; the dispatcher sends no updates after it. */
	IMAP_CMD_NO_SYNC = 1 << 3,
	/* The handler does not read the selected box's messages: a box selected from the cache
	 * summary stays unloaded (imap_mailbox_load is called before every other handler). */
	IMAP_CMD_NO_LOAD = 1 << 4,
};

/* One command being executed. */
struct imap_cmd {
	struct imap_client *client;
	const char *tag;
	const char *name;            /* canonical upper-case name from the table */
	const struct imap_arg *args; /* EOL-terminated */
	unsigned int count;
	bool uid;                    /* given as "UID <name>" */
	const struct imap_command_def *def;
};

typedef void imap_command_fn(struct imap_cmd *cmd);

struct imap_command_def {
	const char *name;
	imap_command_fn *func;
	unsigned int states; /* enum imap_client_state bits in which it is allowed */
	unsigned int flags;  /* enum imap_command_flags */
};

/* Look a command up by name (case-insensitive); NULL when unknown. */
const struct imap_command_def *imap_commands_find(const char *name);
/* Dispatch one parsed command: BAD for unknown commands, a wrong state or a misplaced UID,
 * before any handler runs; afterwards the mailbox updates the command allows. */
void imap_commands_dispatch(struct imap_client *client, const struct imap_command *command);

/* The command's tagged response ("OK ...", "NO ...", "BAD ..."). Before it, unless the table
 * says IMAP_CMD_NO_SYNC or the response is BAD, the mailbox is synced and its untagged updates
 * sent (without EXPUNGE for IMAP_CMD_NO_EXPUNGE commands). */
void imap_cmd_tagged(struct imap_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Handlers answer with exactly one tagged response (imap_cmd_tagged). */
imap_command_fn cmd_capability, cmd_noop, cmd_logout, cmd_select, cmd_examine, cmd_close,
	cmd_unselect, cmd_check, cmd_expunge, cmd_fetch, cmd_store;
/* Mailbox hierarchy (imaplist). */
imap_command_fn cmd_list, cmd_lsub, cmd_subscribe, cmd_unsubscribe, cmd_create, cmd_delete,
	cmd_rename, cmd_status, cmd_namespace;
/* APPEND, COPY, MOVE (cmd-append.c, cmd-copy.c). */
imap_command_fn cmd_append, cmd_copy, cmd_move;
imap_command_fn cmd_search;
/* imapsvc: IDLE, ENABLE, ID */
imap_command_fn cmd_idle, cmd_enable, cmd_id;

#endif
