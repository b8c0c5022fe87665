/* SEARCH programs (RFC 3501 §6.4.4): the search keys parsed into a tree without I/O
 * (imap-search-parse.c) and evaluated per message (imap-search.c) in two steps: first on what
 * the mailbox view knows (flags, sequence number, UID), then, only if that does not decide,
 * on the message file's bytes, which the caller loads once. */
#ifndef HATO_IMAP_SEARCH_H
#define HATO_IMAP_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "imap-parser.h"
#include "imap-seqset.h"

struct arena;

/* Nesting of parentheses, NOT and OR accepted in one program. */
#define IMAP_SEARCH_MAX_DEPTH 32
/* Keys in one program. */
#define IMAP_SEARCH_MAX_KEYS 1000

enum imap_search_key_type {
	IMAP_SEARCH_ALL,
	IMAP_SEARCH_AND, /* children: all must match (the top level and parenthesised lists) */
	IMAP_SEARCH_OR,  /* two children */
	IMAP_SEARCH_NOT, /* one child */
	IMAP_SEARCH_FLAGS_SET,   /* every bit of flags set (ANSWERED, DELETED, ...) */
	IMAP_SEARCH_FLAGS_UNSET, /* no bit of flags set (UNANSWERED, ...) */
	IMAP_SEARCH_RECENT,
	IMAP_SEARCH_NEW,         /* \Recent and not \Seen */
	IMAP_SEARCH_OLD,         /* not \Recent */
	IMAP_SEARCH_KEYWORD,     /* str: the keyword */
	IMAP_SEARCH_UNKEYWORD,
	IMAP_SEARCH_SEQSET,      /* set: message numbers */
	IMAP_SEARCH_UIDSET,      /* set: UIDs */
	IMAP_SEARCH_LARGER,      /* size: RFC822.SIZE (CRLF) > size */
	IMAP_SEARCH_SMALLER,     /* RFC822.SIZE < size */
	IMAP_SEARCH_BEFORE,      /* day: INTERNALDATE's local calendar day < day */
	IMAP_SEARCH_ON,
	IMAP_SEARCH_SINCE,       /* >= day */
	IMAP_SEARCH_SENTBEFORE,  /* day: the Date header's own calendar day < day */
	IMAP_SEARCH_SENTON,
	IMAP_SEARCH_SENTSINCE,
	IMAP_SEARCH_HEADER,      /* field (e.g. "Subject"), str: substring of a decoded value */
	IMAP_SEARCH_BODY,        /* str in the decoded text of the body */
	IMAP_SEARCH_TEXT,        /* str in the decoded header or body */
};

struct imap_search_key {
	enum imap_search_key_type type;
	struct imap_search_key *children; /* AND, OR, NOT */
	struct imap_search_key *next;     /* sibling */
	unsigned flags;                   /* FLAGS_SET / FLAGS_UNSET: enum maildir_flag bits */
	const char *field;                /* HEADER */
	/* KEYWORD: the name; HEADER/BODY/TEXT: the needle folded as imap_search_fold() does. */
	const char *str;
	size_t len;
	uint64_t size;
	int64_t day; /* days since 1970-01-01 */
	struct imap_seqset set;
};

/* What evaluating a program may need beyond the view (bits). */
enum imap_search_need {
	IMAP_SEARCH_NEED_TIME = 1 << 0, /* INTERNALDATE (the file's mtime: a stat) */
	IMAP_SEARCH_NEED_DATA = 1 << 1, /* the message bytes */
};

enum imap_search_return {
	IMAP_SEARCH_RETURN_MIN = 1 << 0,
	IMAP_SEARCH_RETURN_MAX = 1 << 1,
	IMAP_SEARCH_RETURN_ALL = 1 << 2,
	IMAP_SEARCH_RETURN_COUNT = 1 << 3,
};

struct imap_search_program {
	struct imap_search_key *root; /* an AND */
	unsigned need;                /* enum imap_search_need */
	bool esearch;                 /* RETURN (...) was given (RFC 4731): answer ESEARCH */
	unsigned ret;                 /* enum imap_search_return; RETURN () means ALL */
	/* Keys holding sequence sets (their memory is the program's, see _free). */
	struct imap_search_key **sets;
	unsigned int nsets;
};

/* Parse the arguments of SEARCH: [RETURN (options)] [CHARSET name] key... Everything is
 * allocated from arena except the sequence sets (imap_search_program_free). -1 with error_r,
 * the text of the response: "BAD ..." or "NO [BADCHARSET (UTF-8 US-ASCII)] ...". */
int imap_search_parse(struct arena *arena, const struct imap_arg *args, unsigned int count,
		      struct imap_search_program *prog_r, const char **error_r);
/* Replace '*' in the program's sets: the highest message number and the highest UID (0 in an
 * empty mailbox). */
void imap_search_program_resolve(struct imap_search_program *prog, uint32_t max_seq,
				 uint32_t max_uid);
void imap_search_program_free(struct imap_search_program *prog);

/* One message as the evaluator sees it. */
struct imap_search_msg {
	uint32_t seq, uid;
	unsigned flags;       /* enum maildir_flag */
	bool recent;
	const char *keywords; /* space-separated, or NULL */
	bool have_time;       /* internaldate is set */
	time_t internaldate;
	const char *data;     /* the message as stored, or NULL when not loaded */
	size_t len;
};

struct imap_search_ctx;

/* Evaluation state shared by the messages of one SEARCH (iconv handles, scratch memory). */
struct imap_search_ctx *imap_search_ctx_new(void);
void imap_search_ctx_free(struct imap_search_ctx **ctx);
/* 1 when msg matches, 0 when not, -1 when the answer depends on what is not loaded yet (see
 * prog->need): load it once and call again. Dates compare in the process's local time zone. */
int imap_search_match(struct imap_search_ctx *ctx, const struct imap_search_program *prog,
		      const struct imap_search_msg *msg);

/* Append the text folded for case-insensitive comparison: ASCII and the Latin-1, Greek and
 * Cyrillic capitals of UTF-8 to lower case, other bytes as they are. */
struct buf;
void imap_search_fold(struct buf *out, const char *str, size_t len);

/* Decoding to UTF-8 (imap-search-text.c). Each appends to out. */
/* A header value: unfolded, RFC 2047 encoded words decoded and converted (undecodable words
 * are kept as written). */
void imap_search_decode_header(struct imap_search_ctx *ctx, struct buf *out, const char *value,
			       size_t len);
/* A body: Content-Transfer-Encoding undone (base64, quoted-printable; anything else as is),
 * then converted from charset (NULL: us-ascii) when iconv knows it. */
void imap_search_decode_body(struct imap_search_ctx *ctx, struct buf *out, const char *data,
			     size_t len, const char *encoding, const char *charset);

#endif
