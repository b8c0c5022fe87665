/* Fuzz target: the Dovecot auth client protocol line decoder, one line per input line. */
#include "config.h"
#include "proto-dovecot.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl != NULL ? nl : end) - p);
		struct proto_dovecot_cmd cmd;
		const char *error;
		if (proto_dovecot_parse(p, len, &cmd, &error) == 0)
			proto_dovecot_cmd_clear(&cmd);
		p += len + 1;
	}
	return 0;
}
