/* IMAP mailbox names (modified UTF-7, RFC 3501 §5.1.3) to Maildir++ folder directories, with
 * the "INBOX." namespace prefix (Courier's layout). */
#ifndef HATO_IMAP_MAILBOX_NAME_H
#define HATO_IMAP_MAILBOX_NAME_H

#include "buf.h"

/* "INBOX" (any case) -> "."; "INBOX.a.b" -> "./.a.b" (decoded to UTF-8). -1 with error_r for
 * names outside the namespace or invalid. */
int imap_mailbox_name_to_dir(const char *name, struct buf *dir_r, const char **error_r);

#endif
