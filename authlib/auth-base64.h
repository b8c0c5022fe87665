/* Base64 (RFC 4648) in and out of struct buf, over nettle's codec. */
#ifndef HATO_AUTH_BASE64_H
#define HATO_AUTH_BASE64_H

#include "buf.h"

#include <stddef.h>

/* Append the base64 form of p[0..n) to out. */
void auth_base64_encode(struct buf *out, const void *p, size_t n);
/* Append the decoded bytes of text[0..len) to out. Returns 0, or -1 with *error_r if text is not
 * valid base64 (out may then hold a partial result). */
int auth_base64_decode(struct buf *out, const char *text, size_t len, const char **error_r);

#endif
