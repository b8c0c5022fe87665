/* Fuzz target for FETCH item parsing (imapd/imap-fetch-parse.c): every command the IMAP parser
 * accepts has each of its arguments parsed as a FETCH item list; nothing may crash or leak. */
#include "config.h"
#include "imap-fetch.h"
#include "imap-parser.h"
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imap_parser *parser = imap_parser_new(NULL);
	struct arena *arena = arena_new(4096);
	size_t pos = 0, used;

	while (pos < size) {
		enum imap_parse_result r = imap_parser_feed(parser, data + pos, size - pos, &used);

		pos += used;
		if (r == IMAP_PARSE_OK) {
			const struct imap_command *cmd = imap_parser_command(parser);

			for (unsigned int i = 0; i < cmd->count; i++) {
				struct imap_fetch f;
				const char *error;

				if (imap_fetch_parse(&f, arena, &cmd->args[i], i & 1, &error) == 0 &&
				    f.count == 0)
					abort(); /* a successful parse yields at least one item */
			}
			arena_reset(arena);
		}
		if (used == 0 && r == IMAP_PARSE_NEED_MORE)
			break;
	}
	arena_free(arena);
	imap_parser_free(&parser);
	return 0;
}
