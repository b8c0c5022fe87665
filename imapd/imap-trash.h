/* Courier's trash settings: IMAP_MOVE_EXPUNGE_TO_TRASH, IMAP_TRASHFOLDERNAME,
 * IMAP_EMPTYTRASH (courier-formats.md §4.2). */
#ifndef HATO_IMAP_TRASH_H
#define HATO_IMAP_TRASH_H

#include <stdbool.h>

struct imap_mailbox;
struct imap_seqset;

/* The trash folder's name (UTF-8, without "INBOX."): IMAP_TRASHFOLDERNAME, default "Trash". */
const char *imap_trash_name(void);

/* IMAP_MOVE_EXPUNGE_TO_TRASH is set (non-empty and not "0"). */
bool imap_trash_move_enabled(void);

/* Before EXPUNGE, UID EXPUNGE (only UIDs in uids, when not NULL) or CLOSE removes the \Deleted
 * messages of box: when IMAP_MOVE_EXPUNGE_TO_TRASH is set and box is neither read-only nor the
 * trash folder, copy them into the trash folder (created when missing) with their flags minus
 * \Deleted and their keywords, numbered at once. 0 when done (or nothing to do); -1 with
 * error_r when the copy failed: the copies made are removed and the caller must not expunge. */
int imap_trash_save_deleted(struct imap_mailbox *box, const struct imap_seqset *uids,
			    const char **error_r);

/* IMAP_EMPTYTRASH ("Trash:7,Sent:30"; a bare number is the trash folder's days): remove the
 * files of each folder's cur/ whose ctime is more than that many days old, as Courier's
 * maildir_purge() does at login and logout. Bad entries are logged and skipped. The current
 * directory is the Maildir. */
void imap_trash_empty(void);

#endif
