/* Fuzz target for pop3d/pop3-parser.c: arbitrary bytes fed in arbitrary splits; checks the
 * consumed counts and the command invariants. */
#include "config.h"
#include "pop3-parser.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pop3_parser *p;
	size_t pos = 0, step;
	uint8_t split;

	if (size < 2)
		return 0;
	/* First byte: the largest piece size; second: max line (small values stress the limit). */
	split = data[0];
	p = pop3_parser_new(data[1] % 2 == 0 ? 0 : (size_t)data[1] / 4 + 1);
	data += 2;
	size -= 2;
	while (pos < size) {
		step = split == 0 ? size - pos : 1 + (pos * 7 + split) % split;
		if (step > size - pos)
			step = size - pos;
		while (step > 0) {
			struct pop3_command cmd;
			size_t used = 0;
			enum pop3_parser_result r = pop3_parser_feed(p, data + pos, step, &used, &cmd);

			if (used > step || (used == 0 && step > 0))
				abort();
			if (r == POP3_PARSER_COMMAND) {
				if (strlen(cmd.line) > cmd.line_len || strlen(cmd.name) > POP3_PARSER_MAX_NAME)
					abort();
				for (unsigned int i = 0; i < cmd.argc && i < POP3_PARSER_MAX_ARGS; i++)
					if (cmd.argv[i][0] == '\0' || strchr(cmd.argv[i], ' ') != NULL)
						abort();
				/* A STLS line discards what follows, as the login program does. */
				if (strcmp(cmd.name, "STLS") == 0) {
					pop3_parser_discard(p);
					if (pop3_parser_pending(p, NULL) != 0)
						abort();
				}
			}
			pos += used;
			step -= used;
		}
	}
	pop3_parser_free(&p);
	return 0;
}
