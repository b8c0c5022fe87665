/* IMAP sequence sets (RFC 3501 §9): parsing, resolving '*', membership and iteration. */
#include "config.h"
#include "imap-seqset.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static int parse_number(const char **p, uint32_t *n_r)
{
	const char *s = *p;
	uint64_t n = 0;

	if (*s == '*') {
		*n_r = IMAP_SEQ_STAR;
		*p = s + 1;
		return 0;
	}
	if (*s < '1' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		n = n * 10 + (uint64_t)(*s - '0');
		if (n >= UINT32_MAX) /* UINT32_MAX is reserved for '*' */
			return -1;
	}
	*n_r = (uint32_t)n;
	*p = s;
	return 0;
}

int imap_seqset_parse(const char *str, struct imap_seqset *set_r, const char **error_r)
{
	const char *p = str;
	unsigned int cap = 0;

	memset(set_r, 0, sizeof(*set_r));
	for (;;) {
		struct imap_seq_range r;

		if (parse_number(&p, &r.first) < 0)
			goto bad;
		r.last = r.first;
		if (*p == ':') {
			p++;
			if (parse_number(&p, &r.last) < 0)
				goto bad;
		}
		if (r.first == IMAP_SEQ_STAR || r.last == IMAP_SEQ_STAR)
			set_r->has_star = true;
		if (set_r->count == cap) {
			cap = cap == 0 ? 4 : cap * 2;
			set_r->ranges = xreallocarray(set_r->ranges, cap, sizeof(r));
		}
		set_r->ranges[set_r->count++] = r;
		if (*p == '\0')
			return 0;
		if (*p++ != ',')
			goto bad;
	}
bad:
	imap_seqset_free(set_r);
	*error_r = "Invalid sequence set";
	return -1;
}

void imap_seqset_free(struct imap_seqset *set)
{
	free(set->ranges);
	memset(set, 0, sizeof(*set));
}

static int range_cmp(const void *a, const void *b)
{
	const struct imap_seq_range *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

void imap_seqset_resolve(struct imap_seqset *set, uint32_t star)
{
	unsigned int out = 0;

	for (unsigned int i = 0; i < set->count; i++) {
		struct imap_seq_range *r = &set->ranges[i];

		/* "*" of an empty mailbox: the range has no members (marked 0:0, dropped below). */
		if (star == 0 && (r->first == IMAP_SEQ_STAR || r->last == IMAP_SEQ_STAR)) {
			r->first = r->last = 0;
			continue;
		}
		if (r->first == IMAP_SEQ_STAR)
			r->first = star;
		if (r->last == IMAP_SEQ_STAR)
			r->last = star;
		if (r->first > r->last) {
			uint32_t t = r->first;
			r->first = r->last;
			r->last = t;
		}
	}
	for (unsigned int i = 0; i < set->count; i++) {
		if (set->ranges[i].last == 0)
			continue;
		set->ranges[out++] = set->ranges[i];
	}
	set->count = out;
	qsort(set->ranges, set->count, sizeof(*set->ranges), range_cmp);
	out = 0;
	for (unsigned int i = 0; i < set->count; i++) {
		struct imap_seq_range *prev = out > 0 ? &set->ranges[out - 1] : NULL;

		if (prev != NULL && (uint64_t)set->ranges[i].first <= (uint64_t)prev->last + 1) {
			if (set->ranges[i].last > prev->last)
				prev->last = set->ranges[i].last;
		} else {
			set->ranges[out++] = set->ranges[i];
		}
	}
	set->count = out;
	set->has_star = false;
}

bool imap_seqset_contains(const struct imap_seqset *set, uint32_t n)
{
	unsigned int lo = 0, hi = set->count;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (n < set->ranges[mid].first)
			hi = mid;
		else if (n > set->ranges[mid].last)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

uint32_t imap_seqset_max(const struct imap_seqset *set)
{
	return set->count == 0 ? 0 : set->ranges[set->count - 1].last;
}

uint64_t imap_seqset_count(const struct imap_seqset *set)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < set->count; i++)
		n += (uint64_t)set->ranges[i].last - set->ranges[i].first + 1;
	return n;
}

bool imap_seqset_next(const struct imap_seqset *set, uint32_t *n_r)
{
	uint32_t n = *n_r;
	unsigned int lo = 0, hi = set->count;

	if (n == UINT32_MAX)
		return false;
	n++;
	/* First range whose last >= n. */
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (set->ranges[mid].last < n)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == set->count)
		return false;
	*n_r = n < set->ranges[lo].first ? set->ranges[lo].first : n;
	return true;
}
