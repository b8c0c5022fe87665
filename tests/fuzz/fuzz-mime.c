/* Fuzz target for the MIME parser and the ENVELOPE / BODYSTRUCTURE writers: any message must
 * parse without crashing, with every part's byte range inside the message, and every section
 * lookup must stay inside the tree. */
#include "config.h"
#include "mime-bodystructure.h"
#include "mime-envelope.h"
#include "mime-header.h"
#include "mime-parse.h"
#include "rfc822-date.h"
#include "arena.h"
#include "buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_ranges(const struct mime_part *p, size_t size, unsigned int depth)
{
	if (depth > 100 || p->header_offset > p->body_offset || p->body_offset > p->end_offset ||
	    p->end_offset > size)
		abort();
	for (const struct mime_part *c = p->children; c != NULL; c = c->next) {
		if (c->header_offset < p->body_offset || c->end_offset > p->end_offset)
			abort();
		check_ranges(c, size, depth + 1);
	}
	if (p->message != NULL)
		check_ranges(p->message, size, depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *arena = arena_new(4096);
	struct mime_parse_limits limits = { .max_depth = 20, .max_parts = 500 };
	const char *msg = (const char *)data;
	struct mime_part *root = mime_parse(arena, msg, size, &limits);
	struct buf out = BUF_INIT;
	static const char *const sections[] = { "1", "2", "1.1", "1.2.MIME", "2.1.1", "3.HEADER" };

	struct mime_header_field date;
	struct rfc822_date d;

	check_ranges(root, size, 0);
	if (mime_header_find(msg, root->body_offset, "Date", &date) &&
	    rfc822_date_parse(date.value, date.value_len, &d) == 0 &&
	    (d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31))
		abort();
	{
		static const char *const names[] = { "subject", "From", "content-type" };
		struct buf crlf = BUF_INIT;

		/* The CRLF form has exactly the sizes BODYSTRUCTURE reports, and no bare LF. */
		mime_append_crlf(&crlf, msg + root->body_offset, size - root->body_offset);
		if (crlf.len != root->body_size)
			abort();
		buf_reset(&crlf);
		mime_header_filter(&crlf, msg, root->body_offset, names, 3, (size & 1) != 0);
		for (size_t i = 0; i < crlf.len; i++) {
			if (crlf.data[i] == '\n' && (i == 0 || crlf.data[i - 1] != '\r'))
				abort();
		}
		buf_free(&crlf);
	}
	mime_envelope_write(&out, arena, msg, root->body_offset);
	mime_bodystructure_write(&out, arena, root, msg, true);
	mime_bodystructure_write(&out, arena, root, msg, false);
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		const char *rest;
		const struct mime_part *p = mime_part_find(root, sections[i], &rest);

		if (p != NULL)
			check_ranges(p, size, 0);
	}
	buf_free(&out);
	arena_free(arena);
	return 0;
}
