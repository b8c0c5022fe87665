/* courierimapacl: a folder's IMAP ACL (RFC 4314) in Courier's format, one entry per line:
 * "<identifier> <rights>", identifier "owner", "anyone", "administrators", "user=<name>",
 * "group=<name>", or any of these prefixed with '-' for negative rights. The file lives in the
 * folder's directory (the Maildir root for INBOX). Semantics are imapd's; this only reads and
 * writes the bytes. */
#ifndef HATO_MAILDIR_ACL_H
#define HATO_MAILDIR_ACL_H
#include <stddef.h>

#include "buf.h"

#define MAILDIR_ACL_FILE "courierimapacl"
#define MAILDIR_ACL_MAX_ENTRIES 1000

struct maildir_acl_entry {
	char *identifier;
	char *rights; /* letters a-z, sorted, unique */
};

struct maildir_acl {
	struct maildir_acl_entry *v; /* in file order */
	size_t n;
};

void maildir_acl_init(struct maildir_acl *acl);
void maildir_acl_free(struct maildir_acl *acl);
/* Parse file bytes (no I/O). A line without exactly one space separator, an empty or
 * control-character identifier, rights other than a-z, or a duplicate identifier is an error. */
int maildir_acl_parse(struct maildir_acl *acl, const char *data, size_t len, const char **error_r);
void maildir_acl_format(const struct maildir_acl *acl, struct buf *out);
/* Set (rights non-empty) or remove (rights "" or NULL) the entry for identifier. */
int maildir_acl_set(struct maildir_acl *acl, const char *identifier, const char *rights,
                    const char **error_r);
/* The rights string for identifier, or NULL. */
const char *maildir_acl_get(const struct maildir_acl *acl, const char *identifier);
/* Read dir/courierimapacl (missing = empty ACL) / rewrite it through tmp/ + fsync + rename. */
int maildir_acl_load(const char *dir, struct maildir_acl *acl, const char **error_r);
int maildir_acl_save(const char *dir, const struct maildir_acl *acl, const char **error_r);
#endif
