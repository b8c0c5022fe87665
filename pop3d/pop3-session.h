/* POP3 TRANSACTION and UPDATE states (RFC 1939 §5-6, RFC 2449 CAPA, RFC 6856 UTF8) as a pure state
 * machine over struct pop3_mailbox: commands in, response bytes out through a write function. */
#ifndef HATO_POP3_SESSION_H
#define HATO_POP3_SESSION_H

#include "pop3-mailbox.h"
#include "pop3-output.h"
#include "pop3-parser.h"

enum pop3_session_action {
	POP3_SESSION_NONE,	 /* read the next command */
	/* QUIT: remove the messages pop3_session_deletions() lists (UPDATE state), then call
	 * pop3_session_quit_done() and close. */
	POP3_SESSION_QUIT,
	POP3_SESSION_DISCONNECT, /* the client is gone or misbehaves: close without deleting */
};

struct pop3_session_counters {
	unsigned long top;  /* message octets sent by TOP */
	unsigned long retr; /* message octets sent by RETR */
	unsigned long rcvd; /* bytes received from the client */
	unsigned long sent; /* bytes sent to the client */
};

/* After this many unknown or malformed commands in one session, disconnect. */
#define POP3_SESSION_MAX_BAD_COMMANDS 20

struct pop3_session;

/* mbox must outlive the session. write receives every response byte. */
struct pop3_session *pop3_session_new(const struct pop3_mailbox *mbox, pop3_output_write_fn *write,
				      void *write_ctx);
void pop3_session_free(struct pop3_session **session);

/* Send "+OK logged in." (Courier's first line after login). Returns the action to take. */
enum pop3_session_action pop3_session_begin(struct pop3_session *session);

/* Execute one parsed command. */
enum pop3_session_action pop3_session_command(struct pop3_session *session,
					      const struct pop3_command *cmd);

/* Answer a line the parser refused (POP3_PARSER_TOO_LONG or POP3_PARSER_INVALID). */
enum pop3_session_action pop3_session_parse_error(struct pop3_session *session,
						  enum pop3_parser_result result);

/* Account for n bytes read from the client (the "rcvd" counter). */
void pop3_session_count_received(struct pop3_session *session, size_t n);

/* After POP3_SESSION_QUIT: the 0-based indexes of messages marked deleted, in order. */
unsigned int pop3_session_deletions(const struct pop3_session *session,
				    const unsigned int **idx_r);

/* After the deletions: failed = how many could not be removed. Sends "+OK Bye-bye." or an -ERR. */
void pop3_session_quit_done(struct pop3_session *session, unsigned int failed);

void pop3_session_get_counters(const struct pop3_session *session,
			       struct pop3_session_counters *counters_r);

/* 1 after the client sent UTF8 (RFC 6856). */
int pop3_session_utf8(const struct pop3_session *session);

#endif
