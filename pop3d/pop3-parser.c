/* POP3 command-line splitter (RFC 1939, RFC 2449): bounded lines, CRLF or bare LF, resumable. */
#include "config.h"
#include "pop3-parser.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

struct pop3_parser {
	size_t max_line;
	size_t len;		/* bytes of the current line held in line[] */
	int skipping;		/* inside an over-long line: drop bytes up to its LF */
	int has_nul;
	char *line;		/* max_line + 2 bytes: room for a CR and the NUL */
	char *args;		/* split copy of the line for argv */
	char name[POP3_PARSER_MAX_NAME + 1];
};

struct pop3_parser *pop3_parser_new(size_t max_line)
{
	struct pop3_parser *p = xcalloc(1, sizeof(*p));

	p->max_line = max_line == 0 ? POP3_PARSER_MAX_LINE : max_line;
	p->line = xmalloc(p->max_line + 2);
	p->args = xmalloc(p->max_line + 2);
	return p;
}

void pop3_parser_free(struct pop3_parser **parser)
{
	struct pop3_parser *p = *parser;

	if (p == NULL)
		return;
	/* The line may have held a password. */
	secure_zero(p->line, p->max_line + 2);
	secure_zero(p->args, p->max_line + 2);
	free(p->line);
	free(p->args);
	free(p);
	*parser = NULL;
}

size_t pop3_parser_pending(const struct pop3_parser *parser, const char **data_r)
{
	if (data_r != NULL)
		*data_r = parser->line;
	return parser->len;
}

void pop3_parser_discard(struct pop3_parser *parser)
{
	secure_zero(parser->line, parser->len);
	parser->len = 0;
	parser->skipping = 0;
	parser->has_nul = 0;
}

/* Fill *cmd from line[0..len) (line end already removed). */
static void split_line(struct pop3_parser *p, struct pop3_command *cmd)
{
	size_t i = 0, wlen;
	char *a;

	memset(cmd, 0, sizeof(*cmd));
	p->line[p->len] = '\0';
	cmd->line = p->line;
	cmd->line_len = p->len;
	while (i < p->len && p->line[i] != ' ')
		i++;
	wlen = i;
	if (wlen <= POP3_PARSER_MAX_NAME) {
		for (size_t k = 0; k < wlen; k++) {
			char c = p->line[k];
			p->name[k] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
		}
		p->name[wlen] = '\0';
	} else {
		p->name[0] = '\0';
	}
	cmd->name = p->name;
	cmd->rest = i < p->len ? p->line + i + 1 : p->line + p->len;

	memcpy(p->args, p->line, p->len + 1);
	a = p->args + i;
	for (;;) {
		while (*a == ' ')
			*a++ = '\0';
		if (*a == '\0')
			break;
		if (cmd->argc < POP3_PARSER_MAX_ARGS)
			cmd->argv[cmd->argc] = a;
		cmd->argc++;
		while (*a != ' ' && *a != '\0')
			a++;
	}
}

enum pop3_parser_result pop3_parser_feed(struct pop3_parser *p, const void *data, size_t len,
					 size_t *consumed_r, struct pop3_command *cmd_r)
{
	const unsigned char *d = data;
	size_t i = 0;

	while (i < len) {
		unsigned char c = d[i++];

		if (p->skipping) {
			if (c == '\n')
				p->skipping = 0;
			continue;
		}
		if (c == '\n') {
			int nul = p->has_nul;

			if (p->len > 0 && p->line[p->len - 1] == '\r')
				p->len--;
			p->has_nul = 0;
			*consumed_r = i;
			if (nul) {
				pop3_parser_discard(p);
				return POP3_PARSER_INVALID;
			}
			split_line(p, cmd_r);
			/* The next feed starts a new line; the command stays readable until then
			 * because split_line NUL-terminated it in place. */
			p->len = 0;
			return POP3_PARSER_COMMAND;
		}
		/* One extra byte is allowed for the CR of the line end. */
		if (p->len > p->max_line || (p->len == p->max_line && c != '\r')) {
			pop3_parser_discard(p);
			p->skipping = 1;
			*consumed_r = i;
			return POP3_PARSER_TOO_LONG;
		}
		if (c == '\0')
			p->has_nul = 1;
		p->line[p->len++] = (char)c;
	}
	*consumed_r = i;
	return POP3_PARSER_NEED_MORE;
}
