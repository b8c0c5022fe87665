/* Maildir++ quota: the maildirsize file (Courier README.maildirquota).
 * Line 1 is the quota "<n>S,<n>C" (either part optional), each further line a "<bytes> <count>"
 * delta (negative on removal), padded by Courier to 14 bytes. */
#ifndef HATO_MAILDIR_QUOTA_H
#define HATO_MAILDIR_QUOTA_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"

#define MAILDIR_QUOTA_FILE "maildirsize"
/* Recalculate when the file reaches this size (Courier's 5120). */
#define MAILDIR_QUOTA_RECALC_SIZE 5120
/* ...or when over quota and the file is older than this (15 min) or has several lines. */
#define MAILDIR_QUOTA_RECALC_AGE (15 * 60)

struct maildir_quota_spec {
	uint64_t bytes; /* 0 = no byte limit */
	uint64_t count; /* 0 = no message limit */
};

struct maildir_quota {
	struct maildir_quota_spec spec;
	int64_t bytes, count; /* current usage */
	unsigned lines;       /* delta lines in the file, header excluded */
	size_t file_size;
};

/* "1000000S,1000C", "500S", "20C", "" (no limit). Returns 0 or -1 with error_r. No I/O. */
int maildir_quota_spec_parse(const char *s, struct maildir_quota_spec *spec, const char **error_r);
void maildir_quota_spec_format(const struct maildir_quota_spec *spec, struct buf *out);

/* Parse maildirsize bytes: spec from line 1, usage = sum of the deltas. No I/O. */
int maildir_quota_parse(const char *data, size_t len, struct maildir_quota *q,
                        const char **error_r);

/* 1 when adding bytes/count would exceed the quota, else 0. */
int maildir_quota_over(const struct maildir_quota *q, int64_t add_bytes, int64_t add_count);

/* Read root/maildirsize; when it is missing, unparsable, too big, or over quota and old or
 * multi-line, recalculate it from the folders (Trash excluded). spec_override (may be NULL)
 * replaces the file's quota, as deliverquota's argument does. Returns 0 or -1 with error_r. */
int maildir_quota_get(const char *root, const struct maildir_quota_spec *spec_override,
                      struct maildir_quota *q, const char **error_r);

/* Recount root and every folder but .Trash (sizes from ",S=" else stat) and rewrite
 * maildirsize through tmp/ + rename. */
int maildir_quota_recalc(const char *root, const struct maildir_quota_spec *spec,
                         struct maildir_quota *q, const char **error_r);

/* Append a delta line (O_APPEND, one write) when root/maildirsize exists; a missing file is
 * left missing (the next reader recalculates). */
int maildir_quota_add(const char *root, int64_t bytes, int64_t count, const char **error_r);
#endif
