/* Base64 over nettle: struct buf in and out so callers never size buffers by hand. */
#include "config.h"
#include "auth-base64.h"

#include <nettle/base64.h>
#include <string.h>

void auth_base64_encode(struct buf *out, const void *p, size_t n)
{
	size_t enc = BASE64_ENCODE_RAW_LENGTH(n);

	buf_reserve(out, enc);
	base64_encode_raw(out->data + out->len, n, p);
	out->len += enc;
	out->data[out->len] = '\0';
}

int auth_base64_decode(struct buf *out, const char *text, size_t len, const char **error_r)
{
	struct base64_decode_ctx ctx;
	size_t declen = BASE64_DECODE_LENGTH(len);

	/* nettle skips white space; on the wire that is never valid base64. */
	for (size_t i = 0; i < len; i++) {
		if (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n' ||
		    text[i] == '\f' || text[i] == '\v' || text[i] == '\0') {
			*error_r = "invalid base64";
			return -1;
		}
	}
	buf_reserve(out, declen);
	base64_decode_init(&ctx);
	if (!base64_decode_update(&ctx, &declen, (uint8_t *)out->data + out->len, len, text) ||
	    !base64_decode_final(&ctx)) {
		out->data[out->len] = '\0';
		*error_r = "invalid base64";
		return -1;
	}
	out->len += declen;
	out->data[out->len] = '\0';
	return 0;
}
