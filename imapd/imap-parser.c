/* IMAP command framing without I/O (RFC 3501 §9, RFC 7888 LITERAL+): collects one command's
 * lines and literals from input split at any byte, enforces the size limits, asks for literal
 * continuations, then hands the whole command to the grammar in imap-parser-syntax.c. */
#include "config.h"
#include "imap-parser-private.h"
#include "arena.h"
#include "buf.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_MAX_LINE 65536
#define DEFAULT_MAX_LITERAL 65536
#define DEFAULT_MAX_APPEND_LITERAL (50u * 1024 * 1024)
#define DEFAULT_MAX_DEPTH 20
#define DEFAULT_MAX_ARGS 10000
#define DEFAULT_MAX_LITERALS 1000

enum frame_state {
	FRAME_LINE,    /* reading command text */
	FRAME_CR,      /* after CR, LF must follow */
	FRAME_LITERAL, /* copying literal bytes */
	FRAME_SKIP,    /* discarding the rest of a bad line */
	FRAME_SKIP_CR,
};

struct imap_parser {
	struct imap_parser_limits limits;
	struct arena *arena;
	struct buf data;     /* the current command as received */
	enum frame_state state;
	bool done;           /* a result was returned for the command in data: reset before more */
	size_t text_len;     /* command text so far, literals excluded */
	size_t segment;      /* offset in data where the current line segment starts */
	uint64_t literal_left;
	size_t literal_size;
	unsigned int literals;
	struct imap_command cmd;
	struct imap_parse_error error;
};

struct imap_parser *imap_parser_new(const struct imap_parser_limits *limits)
{
	struct imap_parser *p = xcalloc(1, sizeof(*p));

	if (limits != NULL)
		p->limits = *limits;
	if (p->limits.max_line == 0)
		p->limits.max_line = DEFAULT_MAX_LINE;
	if (p->limits.max_literal == 0)
		p->limits.max_literal = DEFAULT_MAX_LITERAL;
	if (p->limits.max_append_literal == 0)
		p->limits.max_append_literal = DEFAULT_MAX_APPEND_LITERAL;
	if (p->limits.max_depth == 0)
		p->limits.max_depth = DEFAULT_MAX_DEPTH;
	if (p->limits.max_args == 0)
		p->limits.max_args = DEFAULT_MAX_ARGS;
	if (p->limits.max_literals == 0)
		p->limits.max_literals = DEFAULT_MAX_LITERALS;
	p->arena = arena_new(4096);
	return p;
}

void imap_parser_free(struct imap_parser **parser)
{
	struct imap_parser *p = *parser;

	if (p == NULL)
		return;
	*parser = NULL;
	buf_free(&p->data);
	arena_free(p->arena);
	free(p);
}

void imap_parser_set_utf8(struct imap_parser *parser, bool utf8)
{
	parser->limits.utf8 = utf8;
}

const struct imap_command *imap_parser_command(const struct imap_parser *parser)
{
	return &parser->cmd;
}

const struct imap_parse_error *imap_parser_error(const struct imap_parser *parser)
{
	return &parser->error;
}

size_t imap_parser_literal_size(const struct imap_parser *parser)
{
	return parser->literal_size;
}

static void reset_command(struct imap_parser *p)
{
	buf_reset(&p->data);
	arena_reset(p->arena);
	memset(&p->cmd, 0, sizeof(p->cmd));
	memset(&p->error, 0, sizeof(p->error));
	p->text_len = 0;
	p->segment = 0;
	p->literals = 0;
	p->literal_left = 0;
	p->literal_size = 0;
	p->done = false;
}

static enum imap_parse_result set_error(struct imap_parser *p, const char *text, bool skip,
					bool fatal)
{
	p->error.tag = imap_parser_syntax_tag((const unsigned char *)p->data.data, p->data.len,
					      p->arena);
	p->error.text = text;
	p->error.skipping_line = skip;
	p->error.fatal = fatal;
	p->done = true;
	if (skip)
		p->state = p->state == FRAME_CR ? FRAME_SKIP_CR : FRAME_SKIP;
	else
		p->state = FRAME_LINE;
	return IMAP_PARSE_ERROR;
}

static size_t literal_limit(struct imap_parser *p)
{
	const unsigned char *d = (const unsigned char *)p->data.data;
	size_t len = p->data.len, i, start;
	char name[32];

	/* The command name is the second token of the first line. */
	for (i = 0; i < len && d[i] != ' ' && d[i] != '\n'; i++)
		;
	start = ++i;
	for (; i < len && d[i] != ' ' && d[i] != '\r' && d[i] != '\n'; i++)
		;
	if (start >= len || i - start >= sizeof(name))
		return p->limits.max_literal;
	memcpy(name, &d[start], i - start);
	name[i - start] = '\0';
	if (p->limits.literal_limit != NULL)
		return p->limits.literal_limit(p->limits.ctx, name);
	return strcasecmp(name, "APPEND") == 0 ? p->limits.max_append_literal
					       : p->limits.max_literal;
}

/* A line segment from `segment` to the current end of data (ending in LF) is complete:
 * does it end with a literal announcement "{n}" or "{n+}"? */
static bool segment_literal(struct imap_parser *p, uint64_t *size_r, bool *nonsync_r,
			    bool *too_large_r)
{
	const unsigned char *d = (const unsigned char *)p->data.data + p->segment;
	size_t n = p->data.len - p->segment - 1, end, digits = 0;
	uint64_t size = 0;

	if (n > 0 && d[n - 1] == '\r')
		n--;
	if (n < 3 || d[n - 1] != '}')
		return false;
	end = n - 1;
	*nonsync_r = d[end - 1] == '+';
	if (*nonsync_r)
		end--;
	while (end > 0 && d[end - 1] >= '0' && d[end - 1] <= '9') {
		end--;
		digits++;
	}
	if (digits == 0 || end == 0 || d[end - 1] != '{')
		return false;
	*too_large_r = digits > 18;
	for (size_t i = end; i < end + digits && !*too_large_r; i++)
		size = size * 10 + (uint64_t)(d[i] - '0');
	*size_r = size;
	return true;
}

static struct imap_syntax_input syntax_input(struct imap_parser *p, bool prefix)
{
	struct imap_syntax_input in = {
		.data = (unsigned char *)p->data.data,
		.len = p->data.len,
		.prefix = prefix,
		.utf8 = p->limits.utf8,
		.max_depth = p->limits.max_depth,
		.max_args = p->limits.max_args,
		.arena = p->arena,
	};
	return in;
}

/* LF seen: either a literal follows or the command is complete. */
static enum imap_parse_result end_of_segment(struct imap_parser *p, bool *more_r)
{
	uint64_t size = 0;
	bool nonsync = false, too_large = false;
	const char *error = NULL;
	struct imap_syntax_input in;
	struct imap_command scratch;

	*more_r = false;
	if (segment_literal(p, &size, &nonsync, &too_large)) {
		if (too_large || size > literal_limit(p))
			return set_error(p, "Literal too large", false, nonsync);
		if (++p->literals > p->limits.max_literals)
			return set_error(p, "Too many literals", false, nonsync);
		p->literal_size = (size_t)size;
		p->literal_left = size;
		p->state = size > 0 ? FRAME_LITERAL : FRAME_LINE;
		p->segment = p->data.len;
		if (nonsync) {
			*more_r = true;
			return IMAP_PARSE_NEED_MORE;
		}
		/* Answer BAD rather than "+ OK" when the command is already wrong. */
		in = syntax_input(p, true);
		if (imap_parser_syntax(&in, &scratch, &error) == IMAP_SYNTAX_ERROR)
			return set_error(p, error, false, false);
		/* The trial tree is not needed: without this, many literals in one command would
		 * grow the arena by a copy of the tree each time. */
		arena_reset(p->arena);
		return IMAP_PARSE_CONTINUE;
	}
	p->state = FRAME_LINE;
	p->done = true;
	in = syntax_input(p, false);
	if (imap_parser_syntax(&in, &p->cmd, &error) != IMAP_SYNTAX_OK) {
		/* The same arena keeps the tag alive for the error. */
		return set_error(p, error != NULL ? error : "Syntax error", false, false);
	}
	return IMAP_PARSE_OK;
}

enum imap_parse_result imap_parser_feed(struct imap_parser *p, const void *data, size_t len,
					size_t *consumed_r)
{
	const unsigned char *in = data;
	size_t i = 0;
	enum imap_parse_result ret = IMAP_PARSE_NEED_MORE;
	bool more;

	if (p->done)
		reset_command(p);
	while (i < len) {
		unsigned char c = in[i];

		switch (p->state) {
		case FRAME_LITERAL: {
			size_t n = len - i;

			if (n > p->literal_left)
				n = (size_t)p->literal_left;
			buf_append(&p->data, &in[i], n);
			i += n;
			p->literal_left -= n;
			if (p->literal_left == 0) {
				p->state = FRAME_LINE;
				p->segment = p->data.len;
			}
			continue;
		}
		case FRAME_SKIP:
		case FRAME_SKIP_CR:
			i++;
			if (c == '\n') {
				p->state = FRAME_LINE;
				reset_command(p);
			}
			continue;
		case FRAME_CR:
			if (c != '\n') {
				/* The CR belongs to a bad line; this byte too. */
				i++;
				p->state = FRAME_LINE;
				ret = set_error(p, "CR without LF", true, false);
				goto out;
			}
			/* fall through */
		case FRAME_LINE:
			i++;
			if (c == '\r') {
				buf_putc(&p->data, (char)c);
				p->state = FRAME_CR;
				continue;
			}
			if (c != '\n' && ++p->text_len > p->limits.max_line) {
				ret = set_error(p, "Command line too long", true, false);
				goto out;
			}
			buf_putc(&p->data, (char)c);
			if (c != '\n') {
				p->state = FRAME_LINE;
				continue;
			}
			ret = end_of_segment(p, &more);
			if (more)
				continue;
			goto out;
		}
	}
out:
	*consumed_r = i;
	return ret;
}

int imap_arg_get_atom(const struct imap_arg *arg, const char **str_r)
{
	if (arg->type != IMAP_ARG_ATOM)
		return -1;
	*str_r = arg->str;
	return 0;
}

int imap_arg_get_astring(const struct imap_arg *arg, const char **str_r)
{
	switch (arg->type) {
	case IMAP_ARG_ATOM:
	case IMAP_ARG_QUOTED:
	case IMAP_ARG_NIL:
		*str_r = arg->str;
		return 0;
	case IMAP_ARG_LITERAL:
		if (memchr(arg->str, '\0', arg->len) != NULL)
			return -1;
		*str_r = arg->str;
		return 0;
	case IMAP_ARG_SECTION:
		*str_r = arg->raw;
		return 0;
	default:
		return -1;
	}
}

int imap_arg_get_string(const struct imap_arg *arg, const char **str_r, size_t *len_r)
{
	if (arg->type != IMAP_ARG_QUOTED && arg->type != IMAP_ARG_LITERAL)
		return -1;
	*str_r = arg->str;
	*len_r = arg->len;
	return 0;
}

int imap_arg_get_nstring(const struct imap_arg *arg, const char **str_r, size_t *len_r)
{
	if (arg->type == IMAP_ARG_NIL) {
		*str_r = NULL;
		*len_r = 0;
		return 0;
	}
	return imap_arg_get_string(arg, str_r, len_r);
}

int imap_arg_get_list(const struct imap_arg *arg, const struct imap_arg **list_r,
		      unsigned int *count_r)
{
	if (arg->type != IMAP_ARG_LIST)
		return -1;
	*list_r = arg->list;
	*count_r = arg->list_count;
	return 0;
}

bool imap_arg_atom_equals(const struct imap_arg *arg, const char *str)
{
	return arg->type == IMAP_ARG_ATOM && strcasecmp(arg->str, str) == 0;
}
