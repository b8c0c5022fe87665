/* Internal interface between the IMAP command framer (imap-parser.c) and its grammar
 * (imap-parser-syntax.c). Not for other modules. */
#ifndef HATO_IMAP_PARSER_PRIVATE_H
#define HATO_IMAP_PARSER_PRIVATE_H

#include "imap-parser.h"

#include <stdbool.h>
#include <stddef.h>

struct arena;

enum imap_syntax_result {
	IMAP_SYNTAX_OK,
	IMAP_SYNTAX_INCOMPLETE, /* prefix mode: input ends inside a literal, no error so far */
	IMAP_SYNTAX_ERROR,
};

struct imap_syntax_input {
	unsigned char *data; /* the command's bytes exactly as received (CRLF or LF line ends) */
	size_t len;
	/* Prefix mode: data ends right after a literal announcement; only check for errors and
	 * never write into data. Otherwise data is a whole command and literal contents are
	 * NUL-terminated in place. */
	bool prefix;
	bool utf8;
	unsigned int max_depth;
	unsigned int max_args;
	struct arena *arena;
};

/* Parse a command. On IMAP_SYNTAX_OK (full mode) *cmd_r is filled from the arena; on
 * IMAP_SYNTAX_ERROR *error_r is a static text. */
enum imap_syntax_result imap_parser_syntax(const struct imap_syntax_input *in,
					   struct imap_command *cmd_r, const char **error_r);

/* The tag at the start of data if it is a valid tag followed by SP (arena copy), else NULL. */
const char *imap_parser_syntax_tag(const unsigned char *data, size_t len, struct arena *arena);

#endif
