/* courierimapsubscribed: the subscribed folder names, one per line, in the Maildir root. */
#ifndef HATO_MAILDIR_SUBSCRIBED_H
#define HATO_MAILDIR_SUBSCRIBED_H
#include <stddef.h>

#include "buf.h"

#define MAILDIR_SUBSCRIBED_FILE "courierimapsubscribed"

struct maildir_subscribed {
	char **names; /* sorted, unique */
	size_t n;
};

void maildir_subscribed_init(struct maildir_subscribed *s);
void maildir_subscribed_free(struct maildir_subscribed *s);
/* Parse file bytes (no I/O): blank lines skipped, a line with a NUL byte or over 1024 bytes is
 * an error. */
int maildir_subscribed_parse(struct maildir_subscribed *s, const char *data, size_t len,
                             const char **error_r);
void maildir_subscribed_format(const struct maildir_subscribed *s, struct buf *out);
/* 1 when name was added (0 when already present). */
int maildir_subscribed_add(struct maildir_subscribed *s, const char *name);
/* 1 when name was removed (0 when absent). */
int maildir_subscribed_remove(struct maildir_subscribed *s, const char *name);
int maildir_subscribed_contains(const struct maildir_subscribed *s, const char *name);
/* Read root/courierimapsubscribed (missing = empty list). */
int maildir_subscribed_load(const char *root, struct maildir_subscribed *s, const char **error_r);
/* Rewrite it through tmp/ + fsync + rename. */
int maildir_subscribed_save(const char *root, const struct maildir_subscribed *s,
                            const char **error_r);
#endif
