/* courierimapkeywords/: IMAP keywords per message, Courier's format (README.imapkeywords).
 * courierimapkeywords/:list holds the keyword names one per line, a blank line, then
 * "<base>:<i> <j> ..." lines (indexes into the names). A session changing one message writes
 * courierimapkeywords/<base> (one keyword per line, empty = none), which overrides :list until
 * someone folds the updates back into :list. */
#ifndef HATO_MAILDIR_KEYWORDS_H
#define HATO_MAILDIR_KEYWORDS_H
#include <stddef.h>

#include "buf.h"

#define MAILDIR_KEYWORDS_DIR "courierimapkeywords"
#define MAILDIR_KEYWORDS_MAX 1024 /* names per folder */

struct maildir_keywords_msg {
	char *base;   /* message base name (no ":2,") */
	unsigned *kw; /* sorted indexes into names */
	size_t n;
};

struct maildir_keywords {
	char **names;
	size_t nnames;
	struct maildir_keywords_msg *msgs; /* sorted by base */
	size_t nmsgs;
};

void maildir_keywords_init(struct maildir_keywords *k);
void maildir_keywords_free(struct maildir_keywords *k);

/* Parse :list bytes (no I/O). An index beyond the names, a message line without ':', a
 * duplicate name, a NUL byte or a keyword name with a space or control character is an error. */
int maildir_keywords_parse(struct maildir_keywords *k, const char *data, size_t len,
                           const char **error_r);
/* Format :list (only messages with at least one keyword; names that no message uses are
 * dropped so the list does not grow forever). */
void maildir_keywords_format(const struct maildir_keywords *k, struct buf *out);

/* Index of a keyword name, adding it when add is set; -1 when absent (or the limit is hit). */
int maildir_keywords_name_index(struct maildir_keywords *k, const char *name, int add);
/* Replace the keyword set of base with the names given (NULL-terminated list). */
int maildir_keywords_set(struct maildir_keywords *k, const char *base, const char *const *names,
                         const char **error_r);
/* The message's entry, or NULL when it has no keywords. */
const struct maildir_keywords_msg *maildir_keywords_get(const struct maildir_keywords *k,
                                                        const char *base);

/* Read dir/courierimapkeywords/:list, then apply the per-message update files (newest of
 * "<base>" and ".<N>.<base>" wins). Missing directory = no keywords. */
int maildir_keywords_load(const char *dir, struct maildir_keywords *k, const char **error_r);
/* Rewrite :list atomically (creating the directory when needed). */
int maildir_keywords_save(const char *dir, const struct maildir_keywords *k, const char **error_r);
/* Write one message's update file courierimapkeywords/<base> atomically (no lock needed). */
int maildir_keywords_save_msg(const char *dir, const char *base, const char *const *names,
                              const char **error_r);
#endif
