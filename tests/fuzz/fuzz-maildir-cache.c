/* Fuzz target: the hatoimapcache parser. Bytes are parsed as they are, and once more with the
 * header checksum (the 16 bytes before the second newline) fixed and a correct checksum
 * trailer appended (so the fuzzer gets past both checksums); a parsed file formats to bytes
 * that parse to the same snapshot, and its summary parses alone to the same numbers. */
#include "config.h"
#include "maildir/maildir-cache.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
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
	if (maildir_cache_parse_summary(&c, s, n, &error) == 0 && c.msgs.n != 0)
		abort();
	if (maildir_cache_parse(&c, s, n, &error) == 0) {
		if (maildir_cache_parse_summary(&c2, s, n, &error) != 0 || c2.count != c.msgs.n ||
		    c2.first_unseen != c.first_unseen || c2.nextuid != c.nextuid)
			abort();
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

	const char *nl1, *nl2;
	size_t n;

	check((const char *)data, size);
	buf_append(&b, data, size);
	nl1 = memchr(b.data, '\n', b.len);
	nl2 = nl1 != NULL ? memchr(nl1 + 1, '\n', b.len - (size_t)(nl1 + 1 - b.data)) : NULL;
	if (nl2 != NULL && nl2 - nl1 > 17) {
		char hex[17];
		size_t at = (size_t)(nl2 - b.data) - 16;

		snprintf(hex, sizeof(hex), "%016" PRIx64, maildir_cache_checksum(b.data, at));
		memcpy(b.data + at, hex, 16);
	}
	n = b.len;
	buf_printf(&b, "end %016" PRIx64 "\n", maildir_cache_checksum(b.data, n));
	check(b.data, b.len);
	buf_free(&b);
	return 0;
}
