/* Fuzz target: the hatoimapcache parser. Bytes are parsed as they are, and once more with a
 * correct checksum trailer appended (so the fuzzer gets past the checksum); a parsed file
 * formats to bytes that parse to the same snapshot. */
#include "config.h"
#include "maildir/maildir-cache.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *s, size_t n)
{
	struct maildir_cache c, c2;
	struct buf out = BUF_INIT;
	const char *error;

	maildir_cache_init(&c);
	maildir_cache_init(&c2);
	if (maildir_cache_parse(&c, s, n, &error) == 0) {
		maildir_cache_format(&c.sig, c.uidvalidity, c.nextuid, &c.msgs, &out);
		if (maildir_cache_parse(&c2, out.data, out.len, &error) != 0 ||
		    c2.msgs.n != c.msgs.n || c2.nextuid != c.nextuid ||
		    memcmp(&c2.sig, &c.sig, sizeof(c.sig)) != 0)
			abort();
		for (size_t i = 0; i < c.msgs.n; i++) {
			if (c.msgs.v[i].uid != c2.msgs.v[i].uid ||
			    c.msgs.v[i].crlf_size != c2.msgs.v[i].crlf_size ||
			    c.msgs.v[i].mtime != c2.msgs.v[i].mtime ||
			    strcmp(c.msgs.v[i].name, c2.msgs.v[i].name) != 0)
				abort();
		}
	}
	maildir_cache_free(&c);
	maildir_cache_free(&c2);
	buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf b = BUF_INIT;

	check((const char *)data, size);
	buf_append(&b, data, size);
	buf_printf(&b, "end %016" PRIx64 "\n", maildir_cache_checksum(data, size));
	check(b.data, b.len);
	buf_free(&b);
	return 0;
}
