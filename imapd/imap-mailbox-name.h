/* IMAP mailbox names (modified UTF-7, RFC 3501 §5.1.3) to Maildir++ folder directories, with
 * the "INBOX." namespace prefix (Courier's layout). */
#ifndef HATO_IMAP_MAILBOX_NAME_H
#define HATO_IMAP_MAILBOX_NAME_H

#include <stdbool.h>

#include "buf.h"

/* The hierarchy delimiter of every name. */
#define IMAP_MAILBOX_NAME_SEP '.'

/* "INBOX" (any case) -> "."; "INBOX.a.b" -> "./.a.b" (decoded to UTF-8). -1 with error_r for
 * names outside the namespace or invalid. */
int imap_mailbox_name_to_dir(const char *name, struct buf *dir_r, const char **error_r);

/* The personal namespace prefix (RFC 2342): "INBOX." unless IMAP_NAMESPACE_PREFIX is set to
 * the empty string (then folders are top-level names beside INBOX). Read once. */
const char *imap_mailbox_name_prefix(void);

/* A wire name to what it names: *inbox_r true for INBOX (any case), else the UTF-8 Maildir++
 * folder name (without prefix, validated: modified UTF-7, no empty component, no '/', no
 * wildcard, not too long) appended to folder_r. -1 with error_r (a reason for the client). */
int imap_mailbox_name_parse(const char *name, struct buf *folder_r, bool *inbox_r,
			    const char **error_r);

/* A UTF-8 folder name to its wire name (prefix + modified UTF-7), appended to out. -1 when the
 * name is not valid UTF-8 (a folder directory another program made). */
int imap_mailbox_name_from_folder(const char *folder, struct buf *out);

#endif
