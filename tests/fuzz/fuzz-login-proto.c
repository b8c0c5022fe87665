/* Fuzz target for login/login-proto.c: decode arbitrary bytes as a stream of frames; every
 * decoded frame must re-encode to the same bytes and fields must stay inside the input. */
#include "config.h"
#include "login-proto.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t pos = 0;

	while (pos < size) {
		struct login_proto_msg m;
		const char *error;
		size_t used = 0;
		int r = login_proto_decode(data + pos, size - pos, &m, &used, &error);

		if (r <= 0)
			break;
		if (used < LOGIN_PROTO_HEADER || used > size - pos)
			abort();
		for (unsigned int i = 0; i < m.nfields; i++) {
			if ((const uint8_t *)m.fields[i].data < data + pos ||
			    (const uint8_t *)m.fields[i].data + m.fields[i].len > data + pos + used)
				abort();
		}
		/* Fields without NUL re-encode byte for byte. */
		{
			char *f[LOGIN_PROTO_MAX_FIELDS] = { NULL };
			int nul = 0;
			struct buf b = BUF_INIT;

			for (unsigned int i = 0; i < m.nfields; i++) {
				f[i] = login_proto_field_dup(&m.fields[i]);
				nul |= f[i] == NULL;
			}
			if (!nul) {
				login_proto_encode(&b, m.type, (const char *const *)f, m.nfields);
				if (b.len != used || memcmp(b.data, data + pos, used) != 0)
					abort();
			}
			buf_free(&b);
			for (unsigned int i = 0; i < m.nfields; i++)
				free(f[i]);
		}
		pos += used;
	}
	return 0;
}
