/* POP3 command-line splitter (RFC 1939, RFC 2449 line limits): bytes in, command lines out, no I/O. */
#ifndef HATO_POP3_PARSER_H
#define HATO_POP3_PARSER_H

#include <stddef.h>

/* RFC 2449 §4 allows 255 octets per command line; we accept a little more for long SASL
 * responses and client quirks. */
#define POP3_PARSER_MAX_LINE 512
/* Longest command word we keep; longer words are reported with an empty name. */
#define POP3_PARSER_MAX_NAME 15
/* Arguments split on spaces; more are counted in argc but not stored. */
#define POP3_PARSER_MAX_ARGS 4

enum pop3_parser_result {
	/* Everything given was consumed; no complete line yet. */
	POP3_PARSER_NEED_MORE,
	/* One line is complete: *cmd_r is valid until the next call. */
	POP3_PARSER_COMMAND,
	/* The line grew past the limit: answer "-ERR Line too long"; the rest of that line, up to
	 * and including its LF, is skipped and never executed. Reported once per long line. */
	POP3_PARSER_TOO_LONG,
	/* The line held a NUL byte: answer with an error, do not execute it. */
	POP3_PARSER_INVALID,
};

struct pop3_command {
	/* Command word upper-cased ("" for an empty line or a word longer than MAX_NAME). */
	const char *name;
	/* The whole line without its CRLF / LF (SASL continuation lines are read from here). */
	const char *line;
	size_t line_len;
	/* Everything after the command word and one separating space, verbatim (PASS uses it so a
	 * password may contain spaces); "" when there is none. */
	const char *rest;
	/* Space-separated arguments; argc counts them all, argv holds the first MAX_ARGS. */
	unsigned int argc;
	const char *argv[POP3_PARSER_MAX_ARGS];
};

struct pop3_parser;

/* max_line: longest accepted line without its line end (0 = POP3_PARSER_MAX_LINE). */
struct pop3_parser *pop3_parser_new(size_t max_line);
void pop3_parser_free(struct pop3_parser **parser);

/* Consume bytes from data[0..len) up to the end of at most one line. *consumed_r tells how many
 * bytes were used, so the caller keeps data[*consumed_r..len) for the next call, or hands it on
 * (pipelined bytes after a successful login belong to the next program). Bytes of an incomplete
 * line are kept inside the parser (see pop3_parser_pending). May be fed any split of the input. */
enum pop3_parser_result pop3_parser_feed(struct pop3_parser *parser, const void *data, size_t len,
					 size_t *consumed_r, struct pop3_command *cmd_r);

/* Bytes of an incomplete line held inside the parser (0 right after a COMMAND result). */
size_t pop3_parser_pending(const struct pop3_parser *parser, const char **data_r);

/* Throw away every buffered byte and any skip state: called on STLS, because bytes received
 * before the TLS handshake must never be executed after it (CVE-2011-0411 class). The caller
 * must also drop whatever unconsumed input it still holds. */
void pop3_parser_discard(struct pop3_parser *parser);

#endif
