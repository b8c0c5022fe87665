/* The IMAP ENVELOPE (RFC 3501 §7.4.2) of a message header. */
#ifndef HATO_MIME_ENVELOPE_H
#define HATO_MIME_ENVELOPE_H

#include <stddef.h>

struct arena;
struct buf;

/* Append "(date subject from sender reply-to to cc bcc in-reply-to message-id)" for the header
 * block header[0..len): the first occurrence of each field, values unfolded with encoded words
 * as stored, NIL for absent fields; sender and reply-to default to from. Temporary strings come
 * from arena. */
void mime_envelope_write(struct buf *out, struct arena *arena, const char *header, size_t len);

#endif
