/* Modified UTF-7 (RFC 3501 §5.1.3) <-> UTF-8 for IMAP mailbox names. No I/O. */
#ifndef HATO_MAILDIR_MUTF7_H
#define HATO_MAILDIR_MUTF7_H
#include "buf.h"

/* Decode an IMAP mailbox name in modified UTF-7 to UTF-8, appended to out. Strict: bytes
 * outside 0x20-0x7e, an unterminated or empty-but-not-"&-" shift, bad base64, leftover bits,
 * an encoded printable ASCII character, or an unpaired surrogate are errors (-1, error_r). */
int maildir_mutf7_to_utf8(const char *in, struct buf *out, const char **error_r);

/* Encode UTF-8 as modified UTF-7, appended to out. Invalid UTF-8 (overlong forms, surrogates,
 * values above U+10FFFF) is an error. */
int maildir_mutf7_from_utf8(const char *in, struct buf *out, const char **error_r);

/* 1 when s is valid UTF-8 (no overlong forms, no surrogates), else 0. */
int maildir_mutf7_utf8_valid(const char *s);
#endif
