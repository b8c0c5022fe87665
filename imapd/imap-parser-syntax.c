/* The grammar of one IMAP command (RFC 3501 §9, RFC 7888): a recursive-descent parser over a
 * complete, framed command (tag, name, arguments, lists, literals, FETCH sections). */
#include "config.h"
#include "imap-parser-private.h"
#include "arena.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct syn {
	const struct imap_syntax_input *in;
	unsigned char *p;
	size_t pos, end;
	unsigned int depth;
	unsigned int nargs;
	bool incomplete;
	const char *error;
};

/* Names after which '[' opens a FETCH section rather than being an atom character. */
static const char *const section_names[] = {
	"BODY", "BODY.PEEK", "BINARY", "BINARY.PEEK", "BINARY.SIZE",
};

static bool fail(struct syn *s, const char *error)
{
	if (s->error == NULL)
		s->error = error;
	return false;
}

static int peek(const struct syn *s)
{
	return s->pos < s->end ? s->p[s->pos] : -1;
}

/* RFC 3501 ATOM-CHAR plus the characters real commands need in atoms: '*' and '%' (sequence
 * sets, LIST patterns), '\' (flags), ']' (ASTRING-CHAR) unless it closes a section. */
static bool atom_char(const struct syn *s, int c, bool in_section)
{
	if (c < 0)
		return false;
	if (c >= 0x80)
		return s->in->utf8;
	if (c <= 0x20 || c == 0x7f)
		return false;
	switch (c) {
	case '(': case ')': case '"': case '{':
		return false;
	case ']':
		return !in_section;
	default:
		return true;
	}
}

/* Explain why c cannot continue or start an atom, when it is not a plain delimiter. */
static bool fail_char(struct syn *s, int c)
{
	if (c == 0)
		return fail(s, "NUL byte in command");
	if (c >= 0x80)
		return fail(s, "8-bit data outside a literal");
	if (c == '\r')
		return fail(s, "CR without LF");
	if (c < 0x20 || c == 0x7f)
		return fail(s, "Control character in command");
	return fail(s, "Unexpected character in command");
}

static bool at_eol(const struct syn *s)
{
	int c = peek(s);

	if (c == '\n')
		return s->pos + 1 == s->end;
	return c == '\r' && s->pos + 2 == s->end && s->p[s->pos + 1] == '\n';
}

static struct imap_arg *new_args(struct syn *s, struct imap_arg *tmp, unsigned int n)
{
	struct imap_arg *a = arena_alloc(s->in->arena, (n + 1) * sizeof(*a));

	if (n > 0)
		memcpy(a, tmp, n * sizeof(*a));
	memset(&a[n], 0, sizeof(*a));
	a[n].type = IMAP_ARG_EOL;
	return a;
}

static bool parse_arg(struct syn *s, struct imap_arg *arg, bool in_section);

/* Items separated by single spaces until `close` (')' or ']') or, for close == 0, the end of
 * the line. The closing character is consumed. */
static bool parse_items(struct syn *s, int close, struct imap_arg **list_r, unsigned int *count_r)
{
	struct imap_arg *tmp = NULL;
	unsigned int n = 0, cap = 0;
	bool ok = false, in_section = close == ']';

	for (;;) {
		int c = peek(s);

		if (close == 0 ? (n == 0 && at_eol(s)) : (n == 0 && c == close))
			break;
		if (cap == n) {
			cap = cap == 0 ? 8 : cap * 2;
			tmp = xreallocarray(tmp, cap, sizeof(*tmp));
		}
		if (!parse_arg(s, &tmp[n], in_section))
			goto out;
		n++;
		c = peek(s);
		if (c == ' ') {
			s->pos++;
			if ((close == 0 && at_eol(s)) || (close != 0 && peek(s) == close)) {
				fail(s, "Extra space in command");
				goto out;
			}
			continue;
		}
		if (close == 0 ? at_eol(s) : c == close)
			break;
		if (c < 0) {
			/* Prefix mode ends right after a literal: nothing wrong so far. */
			if (s->in->prefix)
				s->incomplete = true;
			if (s->incomplete)
				goto out;
			fail(s, close == ')' ? "Missing ')'" : close == ']' ? "Missing ']'"
							       : "Unexpected end of command");
			goto out;
		}
		if (c == ')')
			fail(s, "Unexpected ')'");
		else if (c == ']' && close == ')')
			fail(s, "Missing ')'");
		else if (c == '\r' || c == '\n')
			fail(s, close == ')' ? "Missing ')'" : close == ']' ? "Missing ']'"
							       : "CR without LF");
		else
			fail(s, "Missing space between arguments");
		goto out;
	}
	if (close != 0)
		s->pos++;
	*list_r = new_args(s, tmp, n);
	*count_r = n;
	ok = true;
out:
	free(tmp);
	return ok;
}

static bool parse_list(struct syn *s, struct imap_arg *arg)
{
	s->pos++; /* '(' */
	if (++s->depth > s->in->max_depth)
		return fail(s, "Too deep nesting of lists");
	arg->type = IMAP_ARG_LIST;
	if (!parse_items(s, ')', &arg->list, &arg->list_count))
		return false;
	s->depth--;
	return true;
}

static bool parse_quoted(struct syn *s, struct imap_arg *arg)
{
	size_t start = ++s->pos, n = 0;
	char *out;

	/* First pass: validate and measure; second: copy without escapes. */
	for (;;) {
		int c = peek(s);

		if (c == '"')
			break;
		if (c < 0 || c == '\r' || c == '\n')
			return fail(s, "Unterminated quoted string");
		if (c == '\\') {
			s->pos++;
			c = peek(s);
			if (c != '\\' && c != '"')
				return fail(s, "Invalid escape in quoted string");
		} else if (c == 0 || (c >= 0x80 && !s->in->utf8)) {
			return fail_char(s, c);
		}
		s->pos++;
		n++;
	}
	out = arena_alloc(s->in->arena, n + 1);
	for (size_t i = start, j = 0; j < n; i++) {
		if (s->p[i] == '\\')
			i++;
		out[j++] = (char)s->p[i];
	}
	out[n] = '\0';
	s->pos++; /* closing quote */
	arg->type = IMAP_ARG_QUOTED;
	arg->str = out;
	arg->len = n;
	return true;
}

static bool parse_literal(struct syn *s, struct imap_arg *arg)
{
	uint64_t n = 0;
	size_t digits = 0;

	s->pos++; /* '{' */
	while (peek(s) >= '0' && peek(s) <= '9') {
		if (++digits > 18)
			return fail(s, "Literal too large");
		n = n * 10 + (uint64_t)(peek(s) - '0');
		s->pos++;
	}
	if (digits == 0)
		return fail(s, "Invalid literal size");
	if (peek(s) == '+') {
		arg->literal_nonsync = true;
		s->pos++;
	}
	if (peek(s) != '}')
		return fail(s, "Invalid literal size");
	s->pos++;
	if (peek(s) == '\r')
		s->pos++;
	if (peek(s) != '\n')
		return fail(s, "Literal announcement not at end of line");
	s->pos++;
	if (n > s->end - s->pos) {
		/* Only possible in prefix mode: the framer ends the data right here. */
		s->incomplete = true;
		return false;
	}
	arg->type = IMAP_ARG_LITERAL;
	arg->str = (const char *)&s->p[s->pos];
	arg->len = (size_t)n;
	s->pos += (size_t)n;
	return true;
}

static bool is_section_name(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < sizeof(section_names) / sizeof(section_names[0]); i++) {
		if (strlen(section_names[i]) == n && strncasecmp((const char *)p, section_names[i], n) == 0)
			return true;
	}
	return false;
}

static bool parse_section(struct syn *s, struct imap_arg *arg, size_t start, size_t name_end)
{
	size_t partial_start;

	s->pos++; /* '[' */
	if (++s->depth > s->in->max_depth)
		return fail(s, "Too deep nesting of lists");
	arg->type = IMAP_ARG_SECTION;
	arg->str = arena_strndup(s->in->arena, (const char *)&s->p[start], name_end - start);
	arg->len = name_end - start;
	if (!parse_items(s, ']', &arg->list, &arg->list_count))
		return false;
	s->depth--;
	partial_start = s->pos;
	while (atom_char(s, peek(s), false))
		s->pos++;
	arg->partial = arena_strndup(s->in->arena, (const char *)&s->p[partial_start],
				     s->pos - partial_start);
	arg->raw = arena_strndup(s->in->arena, (const char *)&s->p[start], s->pos - start);
	return true;
}

static bool parse_atom(struct syn *s, struct imap_arg *arg, bool in_section)
{
	size_t start = s->pos;
	int c;

	while (atom_char(s, c = peek(s), in_section)) {
		if (c == '[' && !in_section && is_section_name(&s->p[start], s->pos - start))
			return parse_section(s, arg, start, s->pos);
		s->pos++;
	}
	if (s->pos == start) {
		if (c < 0)
			return fail(s, "Missing argument");
		if (c == ' ')
			return fail(s, "Extra space in command");
		if (c == '\r' || c == '\n')
			return fail(s, "Missing argument");
		if (c == ')')
			return fail(s, "Unexpected ')'");
		if (c == ']')
			return fail(s, "Unexpected ']'");
		return fail_char(s, c);
	}
	if (c == '{' || c == '"')
		return fail(s, "Unexpected character in atom");
	if (c == 0 || c >= 0x80 || (c < 0x20 && c != '\r' && c != '\n') || c == 0x7f)
		return fail_char(s, c);
	arg->str = arena_strndup(s->in->arena, (const char *)&s->p[start], s->pos - start);
	arg->len = s->pos - start;
	arg->type = arg->len == 3 && strcasecmp(arg->str, "NIL") == 0 ? IMAP_ARG_NIL : IMAP_ARG_ATOM;
	return true;
}

static bool parse_arg(struct syn *s, struct imap_arg *arg, bool in_section)
{
	memset(arg, 0, sizeof(*arg));
	if (++s->nargs > s->in->max_args)
		return fail(s, "Too many arguments");
	switch (peek(s)) {
	case '(':
		return parse_list(s, arg);
	case '"':
		return parse_quoted(s, arg);
	case '{':
		if (in_section)
			return fail(s, "Literal inside a section is not supported");
		return parse_literal(s, arg);
	default:
		return parse_atom(s, arg, in_section);
	}
}

static size_t tag_length(const unsigned char *p, size_t len)
{
	size_t i = 0;

	/* tag = 1*<any ASTRING-CHAR except "+"> */
	while (i < len && p[i] > 0x20 && p[i] < 0x7f && strchr("(){\"%*+\\", p[i]) == NULL)
		i++;
	return i;
}

const char *imap_parser_syntax_tag(const unsigned char *data, size_t len, struct arena *arena)
{
	size_t n = tag_length(data, len);

	if (n == 0 || n >= len || data[n] != ' ')
		return NULL;
	return arena_strndup(arena, (const char *)data, n);
}

/* Literal contents are NUL-terminated in place once the whole tree is built: every byte after
 * a literal has been read by then. */
static void terminate_literals(struct imap_arg *args)
{
	for (; args->type != IMAP_ARG_EOL; args++) {
		if (args->type == IMAP_ARG_LITERAL)
			((char *)args->str)[args->len] = '\0';
		else if (args->type == IMAP_ARG_LIST)
			terminate_literals(args->list);
	}
}

enum imap_syntax_result imap_parser_syntax(const struct imap_syntax_input *in,
					   struct imap_command *cmd_r, const char **error_r)
{
	struct syn s = { .in = in, .p = in->data, .end = in->len };
	size_t n;
	struct imap_arg name;

	if (at_eol(&s)) {
		*error_r = "Empty command line";
		return IMAP_SYNTAX_ERROR;
	}
	n = tag_length(s.p, s.end);
	if (n == 0 || n >= s.end || s.p[n] != ' ') {
		*error_r = n == 0 ? "Missing tag" : "Invalid tag";
		if (n > 0 && n < s.end && (s.p[n] == '\r' || s.p[n] == '\n'))
			*error_r = "Missing command";
		return IMAP_SYNTAX_ERROR;
	}
	memset(cmd_r, 0, sizeof(*cmd_r));
	cmd_r->tag = arena_strndup(in->arena, (const char *)s.p, n);
	s.pos = n + 1;
	memset(&name, 0, sizeof(name));
	if (!parse_atom(&s, &name, true) || name.type == IMAP_ARG_SECTION) {
		*error_r = s.error != NULL ? s.error : "Invalid command name";
		if (s.error != NULL && strcmp(s.error, "Missing argument") == 0)
			*error_r = "Missing command";
		return IMAP_SYNTAX_ERROR;
	}
	cmd_r->name = name.str;
	s.nargs = 0;
	if (!at_eol(&s)) {
		if (peek(&s) != ' ') {
			*error_r = peek(&s) < 0 ? "Unexpected end of command" : "Invalid command name";
			if (peek(&s) == '\r')
				*error_r = "CR without LF";
			return IMAP_SYNTAX_ERROR;
		}
		s.pos++;
		if (at_eol(&s)) {
			*error_r = "Extra space in command";
			return IMAP_SYNTAX_ERROR;
		}
	}
	if (!parse_items(&s, 0, &cmd_r->args, &cmd_r->count)) {
		if (s.incomplete && s.error == NULL)
			return IMAP_SYNTAX_INCOMPLETE;
		*error_r = s.error != NULL ? s.error : "Syntax error";
		return IMAP_SYNTAX_ERROR;
	}
	if (!in->prefix)
		terminate_literals(cmd_r->args);
	return IMAP_SYNTAX_OK;
}
