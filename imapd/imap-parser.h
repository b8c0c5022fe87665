/* IMAP command parser without I/O (RFC 3501 §9, RFC 7888 LITERAL+): bytes in, a command tree out. */
#ifndef HATO_IMAP_PARSER_H
#define HATO_IMAP_PARSER_H

#include <stdbool.h>
#include <stddef.h>

enum imap_arg_type {
	IMAP_ARG_EOL = 0, /* terminates every argument array */
	IMAP_ARG_ATOM,
	IMAP_ARG_QUOTED,
	IMAP_ARG_LITERAL,
	IMAP_ARG_NIL,
	IMAP_ARG_LIST,
	/* BODY[...]<...>, BODY.PEEK[...], BINARY[...], BINARY.PEEK[...], BINARY.SIZE[...]:
	 * str is the name before '[', section the arguments inside the brackets,
	 * partial the text after ']' ("" or e.g. "<0.100>"), raw the whole token as sent. */
	IMAP_ARG_SECTION,
};

struct imap_arg {
	enum imap_arg_type type;
	/* ATOM, QUOTED, LITERAL, NIL ("NIL"), SECTION (name): NUL-terminated; len excludes the NUL.
	 * A LITERAL may contain NUL bytes: use len. */
	const char *str;
	size_t len;
	/* LIST items / SECTION bracket contents, ending with an IMAP_ARG_EOL element. */
	struct imap_arg *list;
	unsigned int list_count;
	const char *partial; /* SECTION only */
	const char *raw;     /* SECTION only */
	bool literal_nonsync; /* LITERAL sent as {n+} */
};

enum imap_parse_result {
	IMAP_PARSE_NEED_MORE, /* all input consumed, command incomplete */
	IMAP_PARSE_OK,        /* a complete command: see imap_parser_command() */
	/* A synchronising literal {n} was announced and accepted: send "+ OK ...\r\n" now, then
	 * feed more. */
	IMAP_PARSE_CONTINUE,
	IMAP_PARSE_ERROR, /* see imap_parser_error() */
};

struct imap_command {
	const char *tag;  /* never NULL on IMAP_PARSE_OK */
	const char *name; /* command name as sent (compare case-insensitively) */
	struct imap_arg *args; /* arguments after the name, EOL-terminated */
	unsigned int count;
};

struct imap_parse_error {
	const char *tag;  /* tag if one could be read, else NULL (answer "* BAD") */
	const char *text; /* human text for the BAD response */
	/* The rest of the command line was still unread when the error was found; the parser
	 * discards it by itself on the next feeds (the caller does nothing). */
	bool skipping_line;
	/* The stream cannot be resynchronised (a non-synchronising literal that is too large):
	 * answer "* BYE" and close. */
	bool fatal;
};

struct imap_parser_limits {
	size_t max_line;      /* bytes of command text, literals excluded; default 65536 */
	size_t max_literal;   /* default 65536 */
	size_t max_append_literal; /* for APPEND; default 50 MiB */
	unsigned int max_depth; /* list nesting; default 20 */
	unsigned int max_args;  /* arguments in the whole tree; default 10000 */
	unsigned int max_literals; /* literals per command; default 1000 */
	bool utf8;            /* accept 8-bit bytes in atoms and quoted strings (UTF8=ACCEPT) */
	/* Optional: the literal limit for a command, given its name (e.g. "APPEND"); overrides
	 * max_literal / max_append_literal when set. */
	size_t (*literal_limit)(void *ctx, const char *command_name);
	void *ctx;
};

struct imap_parser;

/* A parser with the given limits (NULL or zero fields: the defaults). */
struct imap_parser *imap_parser_new(const struct imap_parser_limits *limits);
void imap_parser_free(struct imap_parser **parser);
/* Switch UTF8=ACCEPT handling (after ENABLE UTF8=ACCEPT). */
void imap_parser_set_utf8(struct imap_parser *parser, bool utf8);

/* Feed input. Consumes bytes from data and sets *consumed_r (bytes the caller may drop); it
 * stops after the end of one command, after a literal announcement that needs a continuation,
 * or at an error, so pipelined input stays with the caller to be fed again. Input may be split
 * at any byte. Results and strings returned by the accessors stay valid until the next feed. */
enum imap_parse_result imap_parser_feed(struct imap_parser *parser, const void *data, size_t len,
					size_t *consumed_r);
/* The command after IMAP_PARSE_OK. */
const struct imap_command *imap_parser_command(const struct imap_parser *parser);
/* The error after IMAP_PARSE_ERROR. */
const struct imap_parse_error *imap_parser_error(const struct imap_parser *parser);
/* The size of the literal that IMAP_PARSE_CONTINUE is about. */
size_t imap_parser_literal_size(const struct imap_parser *parser);

/* Accessors for handlers: 0 and the value, or -1 when the argument has another type. */
/* ATOM only (SECTION arguments are not atoms). */
int imap_arg_get_atom(const struct imap_arg *arg, const char **str_r);
/* ATOM, QUOTED or LITERAL without NUL bytes (astring); a SECTION counts as its raw text, NIL as
 * the atom "NIL". */
int imap_arg_get_astring(const struct imap_arg *arg, const char **str_r);
/* QUOTED or LITERAL (string). */
int imap_arg_get_string(const struct imap_arg *arg, const char **str_r, size_t *len_r);
/* string or NIL (*str_r NULL for NIL). */
int imap_arg_get_nstring(const struct imap_arg *arg, const char **str_r, size_t *len_r);
int imap_arg_get_list(const struct imap_arg *arg, const struct imap_arg **list_r,
		      unsigned int *count_r);
/* Case-insensitive test of an ATOM's text. */
bool imap_arg_atom_equals(const struct imap_arg *arg, const char *str);

#endif
