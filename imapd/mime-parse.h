/* MIME structure of a message held in memory (RFC 2045-2049, RFC 5322): the part tree with
 * byte ranges for BODY[section] and the fields BODYSTRUCTURE needs. */
#ifndef HATO_MIME_PARSE_H
#define HATO_MIME_PARSE_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

struct mime_param {
	const char *name;  /* as stored (RFC 2231 "name*0*" passed through) */
	const char *value; /* quoted-string unquoted */
};

struct mime_part {
	struct mime_part *parent;
	struct mime_part *children; /* multipart: the parts; NULL otherwise */
	struct mime_part *next;     /* next sibling */
	unsigned int child_count;
	/* message/rfc822: the encapsulated message, whose header starts at this part's body. */
	struct mime_part *message;

	/* Offsets into the message as stored: header [header_offset, body_offset), body
	 * [body_offset, end_offset). For a multipart child the header is its MIME header. */
	size_t header_offset, body_offset, end_offset;
	/* Sizes as sent (bare LF counted as CRLF) and line counts. */
	size_t header_size, body_size;
	unsigned int header_lines, body_lines;

	/* Content-Type; NULL type means none was given (text/plain; charset=us-ascii assumed). */
	const char *type, *subtype;
	struct mime_param *params;
	unsigned int param_count;
	bool multipart;   /* a multipart/ with a boundary */
	bool rfc822;      /* message/rfc822 (or message/global) with a parsed message */
	const char *encoding; /* Content-Transfer-Encoding value or NULL */
	const char *id, *description, *md5, *location; /* unfolded values or NULL */
	const char *disposition; /* disposition type or NULL */
	struct mime_param *disposition_params;
	unsigned int disposition_param_count;
	const char **languages; /* Content-Language tags */
	unsigned int language_count;
};

struct mime_parse_limits {
	unsigned int max_depth; /* multipart / message nesting; default 50 */
	unsigned int max_parts; /* parts in the whole tree; default 10000 */
};

/* Parse the message data[0..len). Everything is allocated from arena; the tree points into
 * data for nothing (all strings are copies), offsets refer to data. Never fails: malformed
 * mail yields a best-effort tree; parts past the limits are left unparsed (leaf parts). */
struct mime_part *mime_parse(struct arena *arena, const char *data, size_t len,
			     const struct mime_parse_limits *limits);

/* Find the part for a section's part numbers "1.2.3" (RFC 3501 §6.4.5: for a message/rfc822
 * part the numbers continue inside the encapsulated message; part 1 of a non-multipart message
 * is its body). On return *rest_r points after the numbers (e.g. ".MIME", ".HEADER" or "").
 * NULL if there is no such part. An empty section returns root. */
const struct mime_part *mime_part_find(const struct mime_part *root, const char *section,
				       const char **rest_r);

#endif
