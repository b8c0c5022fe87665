/* Fuzz target for the IMAP command parser: any input, fed whole and split at input-chosen
 * points, must give the same results and never crash. */
#include "config.h"
#include "imap-parser.h"
#include "imap-quote.h"
#include "imap-seqset.h"
#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void render_args(struct buf *out, const struct imap_arg *args)
{
	for (; args->type != IMAP_ARG_EOL; args++) {
		struct imap_seqset set;
		const char *error, *str;

		buf_putc(out, ' ');
		switch (args->type) {
		case IMAP_ARG_LIST:
			buf_putc(out, '(');
			render_args(out, args->list);
			buf_putc(out, ')');
			break;
		case IMAP_ARG_SECTION:
			buf_printf(out, "%s[", args->str);
			render_args(out, args->list);
			buf_printf(out, "]%s", args->partial);
			break;
		default:
			if (imap_arg_get_astring(args, &str) == 0)
				imap_quote_astring(out, str, strlen(str));
			else
				imap_quote_string(out, args->str, args->len, false);
			if (args->type == IMAP_ARG_ATOM &&
			    imap_seqset_parse(args->str, &set, &error) == 0) {
				uint32_t n = 0, k = 0;

				imap_seqset_resolve(&set, 100);
				while (k++ < 200 && imap_seqset_next(&set, &n)) {
					if (!imap_seqset_contains(&set, n))
						abort();
				}
				imap_seqset_free(&set);
			}
			break;
		}
	}
}

/* Feed data in pieces of at most `step` bytes; record every result. */
static void run(const uint8_t *data, size_t size, size_t step, struct buf *out)
{
	struct imap_parser_limits limits = { .max_line = 512, .max_literal = 300,
					     .max_depth = 6, .max_args = 200 };
	struct imap_parser *p = imap_parser_new(&limits);
	size_t pos = 0, avail = 0;
	int rounds = 0;

	while (pos < size && rounds++ < 100000) {
		size_t consumed, n;
		enum imap_parse_result r;

		if (avail == 0)
			avail = size - pos < step ? size - pos : step;
		n = avail;
		r = imap_parser_feed(p, data + pos, n, &consumed);
		if (consumed > n)
			abort();
		pos += consumed;
		avail -= consumed;
		if (r == IMAP_PARSE_OK) {
			const struct imap_command *cmd = imap_parser_command(p);

			buf_printf(out, "OK %s %s", cmd->tag, cmd->name);
			render_args(out, cmd->args);
			buf_putc(out, '\n');
		} else if (r == IMAP_PARSE_CONTINUE) {
			buf_printf(out, "+%zu\n", imap_parser_literal_size(p));
		} else if (r == IMAP_PARSE_ERROR) {
			const struct imap_parse_error *e = imap_parser_error(p);

			buf_printf(out, "BAD %s %s\n", e->tag ? e->tag : "*", e->text);
			if (e->fatal)
				break;
		} else if (consumed != n) {
			abort();
		}
	}
	imap_parser_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf whole = BUF_INIT, split = BUF_INIT;
	size_t step;

	if (size < 1)
		return 0;
	step = (size_t)data[0] % 7 + 1;
	run(data + 1, size - 1, size, &whole);
	run(data + 1, size - 1, step, &split);
	if (whole.len != split.len || memcmp(buf_cstr(&whole), buf_cstr(&split), whole.len) != 0)
		abort();
	buf_free(&whole);
	buf_free(&split);
	return 0;
}
