/* The evaluation context shared by imap-search.c and imap-search-text.c. */
#ifndef HATO_IMAP_SEARCH_PRIVATE_H
#define HATO_IMAP_SEARCH_PRIVATE_H

#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

struct arena;
struct mime_part;

struct imap_search_ctx {
	/* One open conversion, reused while messages keep the same charset. */
	iconv_t cd;
	char *cd_name;
	/* Per message (see cache_for in imap-search.c). */
	bool cached;
	uint32_t seq;
	const char *data;
	size_t header_len;
	struct arena *arena; /* the MIME tree */
	const struct mime_part *root;
	bool have_header_text, have_body_text, have_sent, have_size, sent_valid;
	int64_t sent;
	uint64_t size;
	struct buf header_text, body_text; /* decoded and folded */
	/* Scratch: tmp2 and fold_scratch for imap-search.c; tmp and dec for the decoders. */
	struct buf tmp, tmp2, fold_scratch, dec, conv;
};

#endif
