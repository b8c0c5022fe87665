/* Writing IMAP strings (RFC 3501 §4.3, §9): atom, quoted string, literal or NIL, whichever the
 * bytes allow. */
#ifndef HATO_IMAP_QUOTE_H
#define HATO_IMAP_QUOTE_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

/* An astring: an atom when every byte is an ATOM-CHAR (and it is not "NIL"), else as
 * imap_quote_string(). */
void imap_quote_astring(struct buf *out, const char *str, size_t len);
/* A string: quoted when it has no CR, LF, NUL or 8-bit byte (8-bit allowed with utf8), else a
 * literal {n}CRLF followed by the bytes. */
void imap_quote_string(struct buf *out, const char *str, size_t len, bool utf8);
/* NIL for str == NULL, else imap_quote_string(). */
void imap_quote_nstring(struct buf *out, const char *str, size_t len, bool utf8);
/* True when imap_quote_string() would write a quoted string. */
bool imap_quote_can_quote(const char *str, size_t len, bool utf8);

#endif
