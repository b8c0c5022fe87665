/* RFC 5322 §3.4 address lists (with obsolete forms) for the IMAP ENVELOPE. */
#ifndef HATO_MIME_ADDRESS_H
#define HATO_MIME_ADDRESS_H

#include <stddef.h>

struct arena;
struct buf;

/* One address, or a group marker as RFC 3501 §7.4.2 has it: group start
 * {NULL, NULL, "name", NULL}, group end {NULL, NULL, NULL, NULL}. */
struct mime_address {
	struct mime_address *next;
	const char *name;    /* display name as stored (encoded words kept), or NULL */
	const char *route;   /* obsolete source route "@a,@b", or NULL */
	const char *mailbox; /* local part; "MISSING_MAILBOX" if absent (as Dovecot) */
	const char *domain;  /* "MISSING_DOMAIN" if absent; NULL only in group markers */
};

/* Parse an (unfolded or folded) address-list header value. Never fails: garbage yields what
 * could be understood. NULL for an empty list. At most max_addresses entries. */
struct mime_address *mime_address_parse(struct arena *arena, const char *value, size_t len,
					unsigned int max_addresses);
/* Write the list as an IMAP envelope address list: "((name adl mailbox host)...)" or NIL. */
void mime_address_write_imap(struct buf *out, const struct mime_address *list);

#endif
