/* struct pop3_mailbox over a Maildir's INBOX: courierpop3dsizelist for stable UIDLs and sizes,
 * message files streamed from cur/ through one reused buffer, DELE'd files unlinked at QUIT. */
#ifndef HATO_POP3_MAILDIR_H
#define HATO_POP3_MAILDIR_H

#include "pop3-mailbox.h"

struct pop3_maildir;

/* Open dir as the POP3 mailbox: check that dir/cur exists (Courier's "Maildir invalid"
 * otherwise, reported through *client_error_r as the whole "-ERR ...\r\n" line), move new/ into
 * cur/, and load or update courierpop3dsizelist. Sizes of messages seen for the first time are
 * measured once in the form RETR sends (CRLF line ends) and written to the list, so later
 * sessions never stat or read a message to answer LIST. Returns 0, or -1 with *error_r (for the
 * log) and *client_error_r (for the client). */
int pop3_maildir_open(const char *dir, struct pop3_maildir **md_r, const char **client_error_r,
		      const char **error_r);
void pop3_maildir_free(struct pop3_maildir **md);

/* The mailbox view; valid until pop3_maildir_free. */
const struct pop3_mailbox *pop3_maildir_mailbox(const struct pop3_maildir *md);

/* Unlink the messages with these 0-based indexes and drop them from the size list.
 * Returns how many could not be removed (a file already gone counts as removed). */
unsigned int pop3_maildir_delete(struct pop3_maildir *md, const unsigned int *idx, unsigned int n);

#endif
