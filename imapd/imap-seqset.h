/* IMAP sequence sets (RFC 3501 §9 sequence-set): "1,3:5,7:*" for message numbers and UIDs. */
#ifndef HATO_IMAP_SEQSET_H
#define HATO_IMAP_SEQSET_H

#include <stdbool.h>
#include <stdint.h>

/* '*' before imap_seqset_resolve(). */
#define IMAP_SEQ_STAR UINT32_MAX

struct imap_seq_range {
	uint32_t first, last; /* first <= last after imap_seqset_resolve() */
};

struct imap_seqset {
	struct imap_seq_range *ranges;
	unsigned int count;
	bool has_star;
};

/* Parse a sequence set: nz-numbers (1..4294967295), '*', ranges a:b in either order, comma
 * lists. The ranges are kept as written (with IMAP_SEQ_STAR) until resolved. -1 with *error_r
 * on syntax errors; the set is then empty. */
int imap_seqset_parse(const char *str, struct imap_seqset *set_r, const char **error_r);
/* Replace '*' by `star` (the highest message number or UID; 0 for an empty mailbox), order
 * every range, sort and merge, so ranges are disjoint, ascending and not adjacent. */
void imap_seqset_resolve(struct imap_seqset *set, uint32_t star);
void imap_seqset_free(struct imap_seqset *set);
/* Membership in a resolved set, O(log ranges). */
bool imap_seqset_contains(const struct imap_seqset *set, uint32_t n);
/* Largest member of a resolved set (0 if empty). */
uint32_t imap_seqset_max(const struct imap_seqset *set);
/* Number of members of a resolved set. */
uint64_t imap_seqset_count(const struct imap_seqset *set);
/* Iterate over a resolved set: start with *n_r = 0; returns false when done.
 * for (uint32_t n = 0; imap_seqset_next(set, &n); ) ... */
bool imap_seqset_next(const struct imap_seqset *set, uint32_t *n_r);

#endif
