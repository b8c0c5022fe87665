/* The capabilities imapd implements (the CAPABILITY response and the PREAUTH greeting). */
#ifndef HATO_IMAP_CAPABILITY_H
#define HATO_IMAP_CAPABILITY_H

struct buf;

/* Append the space-separated capability list, starting with IMAP4rev1. Only what imapd
 * implements is listed; an administrator's IMAP_CAPABILITY is filtered by imap-login. */
void imap_capability_write(struct buf *out);

#endif
