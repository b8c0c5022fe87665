/* The one growable byte-string type: {data, len, cap}, always NUL-terminated, overflow-checked.
 * A zeroed struct buf (BUF_INIT) is a valid empty buffer; data is allocated on first growth. */
#ifndef HATO_BUF_H
#define HATO_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data; /* NULL until first growth; buf_cstr() never returns NULL */
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

void buf_init(struct buf *b);
/* Free the storage; the buffer is empty and reusable afterwards. */
void buf_free(struct buf *b);
/* Like buf_free, but zero the bytes first (for buffers that held secrets). */
void buf_free_secure(struct buf *b);
/* Make room for at least n more bytes (plus the NUL). */
void buf_reserve(struct buf *b, size_t n);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Keep the storage, drop the contents. */
void buf_reset(struct buf *b);
/* Cut the contents to n bytes (n <= len). */
void buf_truncate(struct buf *b, size_t n);
/* Remove the first n bytes (n <= len), moving the rest to the front. */
void buf_consume(struct buf *b, size_t n);
/* A NUL-terminated view: "" for a buffer never written to. */
const char *buf_cstr(const struct buf *b);
/* Hand the storage to the caller (who frees it); the buffer becomes empty. */
char *buf_steal(struct buf *b);

#endif
