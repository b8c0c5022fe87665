/* RFC 5322 header blocks held in memory: where the header ends, field iteration, unfolding. */
#ifndef HATO_MIME_HEADER_H
#define HATO_MIME_HEADER_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

struct mime_header_field {
	const char *name; /* not NUL-terminated */
	size_t name_len;
	const char *value; /* raw, after the colon, folds included, final line end excluded */
	size_t value_len;
};

struct mime_header_iter {
	const char *data;
	size_t len, pos;
};

/* Length of the header block at the start of data, including the empty line that ends it (CRLF
 * or bare LF); the body starts there. A message without an empty line is all header. */
size_t mime_header_length(const char *data, size_t len);
void mime_header_iter_init(struct mime_header_iter *it, const char *header, size_t len);
/* The next field; lines that are not fields (no colon, or a space in the name) are skipped. */
bool mime_header_next(struct mime_header_iter *it, struct mime_header_field *field_r);
/* The first field called `name` (case-insensitive) in the header block. */
bool mime_header_find(const char *header, size_t len, const char *name,
		      struct mime_header_field *field_r);
/* Append the value with line breaks of folds removed and surrounding whitespace trimmed;
 * encoded words stay as stored. */
void mime_header_unfold(struct buf *out, const char *value, size_t len);
/* The position after the comments and folding whitespace (RFC 5322 CFWS) starting at
 * p[pos..len): comments nest, a backslash quotes the next character, and an unclosed comment
 * runs to the end (what Courier and Dovecot do with such headers). */
size_t mime_skip_cfws(const char *p, size_t pos, size_t len);
/* Size of data[0..len) when every bare LF is sent as CRLF, and its number of lines (a final
 * line without LF counts). */
size_t mime_crlf_size(const char *data, size_t len, unsigned int *lines_r);

/* Append data[0..len) with every bare LF sent as CRLF (bodies and headers as the server sends
 * them). */
void mime_append_crlf(struct buf *out, const char *data, size_t len);
/* BODY[HEADER.FIELDS (names)] (not_in false) and BODY[HEADER.FIELDS.NOT (names)] (not_in
 * true): append the matching fields of header[0..len), each as stored (folds kept) with CRLF
 * line ends, in message order, then the empty line that ends a header. Names compare
 * case-insensitively. */
void mime_header_filter(struct buf *out, const char *header, size_t len,
			const char *const *names, unsigned int count, bool not_in);

#endif
