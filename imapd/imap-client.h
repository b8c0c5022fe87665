/* One imapd session (RFC 3501 §3): state, output buffer with counters, and the read loop that
 * feeds the command parser and dispatches through imap-commands. */
#ifndef HATO_IMAP_CLIENT_H
#define HATO_IMAP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

struct arena;
struct imap_idle;
struct imap_mailbox;
struct imap_parser;

/* Session states as bits so a command table entry can allow several (imap-commands.h). */
enum imap_client_state {
	IMAP_STATE_NOT_AUTH = 1 << 0, /* never used by imapd: imap-login handles it */
	IMAP_STATE_AUTH = 1 << 1,
	IMAP_STATE_SELECTED = 1 << 2,
	IMAP_STATE_LOGOUT = 1 << 3,
};

enum imap_client_end {
	IMAP_CLIENT_LOGOUT,
	IMAP_CLIENT_TIMEOUT,
	IMAP_CLIENT_DISCONNECTED,
};

struct imap_client_settings {
	int in_fd, out_fd;
	int pipelined_fd;    /* bytes the login program read past LOGIN, or -1 */
	int idle_timeout_ms; /* IMAP_IDLE_TIMEOUT semantics: the wait for the next command */
	bool keywords;       /* IMAP_KEYWORDS != 0: PERMANENTFLAGS with \* */
	bool preauth;        /* send "* PREAUTH" first (transcripts, standalone use) */
	int idle_poll_ms;    /* IMAP_IDLE_TIMEOUT: folder re-read interval during IDLE */
	bool notify_poll;    /* HATO_IMAPD_NOTIFY_POLL=1: IDLE without inotify (tests) */
};

struct imap_client_counters {
	unsigned long headers, body; /* bytes of header / body sent by FETCH (Courier's log) */
	unsigned long rcvd, sent;
};

struct imap_client {
	const struct imap_client_settings *set;
	enum imap_client_state state;
	struct imap_mailbox *mailbox; /* NULL unless SELECTED */
	struct imap_parser *parser;
	struct arena *arena; /* reset after each command */
	struct buf out;
	bool out_failed;
	bool disconnect; /* LOGOUT state reached by a fatal error, not by the LOGOUT command */
	struct imap_client_counters counters;
	struct imap_idle *idle; /* non-NULL while IDLE runs (imap-idle.h) */
};

/* Run a session on set->in_fd / set->out_fd until LOGOUT, timeout, disconnection or a fatal
 * protocol error. counters_r gets the byte counters for the logout line. */
enum imap_client_end imap_client_run(const struct imap_client_settings *set,
				      struct imap_client_counters *counters_r);

/* Output. Lines are buffered and sent before the next read or when the buffer is large. */
/* Append raw bytes (a line's parts; the caller ends the line with "\r\n"). */
void imap_client_write(struct imap_client *client, const void *data, size_t len);
/* An untagged "* <text>\r\n". */
void imap_client_untagged(struct imap_client *client, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A tagged "<tag> <text>\r\n" (text starts with OK, NO or BAD). */
void imap_client_tagged(struct imap_client *client, const char *tag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Send what is buffered now (before a continuation request, before a long wait). -1 when the
 * connection is gone. */
int imap_client_flush(struct imap_client *client);

/* Close the selected mailbox (CLOSE, UNSELECT, a new SELECT) and return to AUTH. */
void imap_client_unselect(struct imap_client *client);

#endif
