/* The target folder of APPEND, COPY and MOVE: name resolution ([TRYCREATE]), the Maildir++
 * quota, flag lists, UID assignment through courierimapuiddb (UIDPLUS, RFC 4315) and \Recent
 * when the target is the selected mailbox. */
#ifndef HATO_IMAP_TARGET_H
#define HATO_IMAP_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct imap_arg;
struct imap_client;

/* Flags and keywords given to APPEND. */
#define IMAP_TARGET_MAX_KEYWORDS 100
#define IMAP_TARGET_KEYWORD_MAX_LEN 100
struct imap_target_flags {
	unsigned flags;                                /* enum maildir_flag */
	const char *kw[IMAP_TARGET_MAX_KEYWORDS + 1]; /* NULL-terminated, point into the args */
	size_t nkw;
};

struct imap_target {
	struct buf dir;  /* the folder's maildir ("." or "./.a.b") */
	bool selected;   /* it is the selected mailbox of this session */
};

/* Resolve an existing mailbox. -1 with resp_r, a complete response text ("NO [TRYCREATE] ..."
 * for a valid name whose folder does not exist). */
int imap_target_open(struct imap_client *client, const char *name, struct imap_target *t,
		     const char **resp_r);
void imap_target_free(struct imap_target *t);

/* A flag list "(\Seen $Work)" (system flags and keywords; \Recent is refused). -1 with resp_r
 * (a complete response text). */
int imap_target_parse_flags(const struct imap_arg *arg, bool keywords,
			    struct imap_target_flags *tf, const char **resp_r);

/* Whether adding bytes in count messages keeps the Maildir++ quota (of the Maildir root ".",
 * quota from MAILDIRQUOTA when set, else from maildirsize; no file and no variable = no quota).
 * 1 = over quota, 0 = fine, -1 with error_r when the quota could not be read. */
int imap_target_over_quota(uint64_t bytes, uint64_t count, const char **error_r);
/* Record delivered (or, negative, removed) bytes in maildirsize (a missing file stays
 * missing). */
void imap_target_quota_add(int64_t bytes, int64_t count);

/* Give UIDs to the messages just placed in dir/cur/ under the names given (in this order),
 * under the uiddb lock, so that concurrent sessions and deliveries never hand out one UID
 * twice; a name another session already numbered keeps its UID. uids_r gets n UIDs.
 * -1 with error_r. */
int imap_target_assign_uids(const char *dir, char *const *names, size_t n,
			    uint32_t *uidvalidity_r, uint32_t *uids_r, const char **error_r);

/* Give the copy `name` in folder dir the keywords of its source (space-separated, as in
 * struct imap_msg); a failure is logged, the copy stays. */
void imap_target_copy_keywords(const char *dir, const char *name, const char *keywords);

/* The target is the selected mailbox: the new UIDs are \Recent in this session (RFC 3501
 * §6.3.11: "the \Recent flag SHOULD be set"). */
void imap_target_mark_recent(struct imap_client *client, const uint32_t *uids, size_t n);

/* Append a UID set "1:3,7" for uids in the order given (runs of consecutive UIDs joined). */
void imap_target_write_uids(struct buf *out, const uint32_t *uids, size_t n);

#endif
