/* The capabilities imapd implements (the CAPABILITY response and the PREAUTH greeting). */
#ifndef HATO_IMAP_CAPABILITY_H
#define HATO_IMAP_CAPABILITY_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

/* Append the space-separated capability list, starting with IMAP4rev1. Only what imapd
 * implements is listed; an administrator's IMAP_CAPABILITY is filtered by imap-login. */
void imap_capability_write(struct buf *out);
/* Whether imapd implements the capability name[0..len) (case-insensitive): imap-login's
 * filter of the configured list, so the two can never disagree. */
bool imap_capability_has(const char *name, size_t len);

#endif
