/* IMAP BODY and BODYSTRUCTURE (RFC 3501 §7.4.2) of a parsed MIME tree. */
#ifndef HATO_MIME_BODYSTRUCTURE_H
#define HATO_MIME_BODYSTRUCTURE_H

#include <stdbool.h>

struct arena;
struct buf;
struct mime_part;

/* Append the body structure of `part` (usually the root from mime_parse over `data`):
 * extended = true for BODYSTRUCTURE (with extension data), false for BODY. Strings are
 * written with exact IMAP quoting (literals for 8-bit data). Defaults as Dovecot: no
 * Content-Type is "text" "plain" ("charset" "us-ascii"), a text part without charset gets
 * charset us-ascii, no encoding "7bit"; a multipart
 * without parts gets one empty text/plain part. */
void mime_bodystructure_write(struct buf *out, struct arena *arena, const struct mime_part *part,
			      const char *data, bool extended);

#endif
