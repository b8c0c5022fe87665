/* The capabilities imapd implements, one table (RFC 3501 §7.2.1). */
#include "config.h"
#include "imap-capability.h"
#include "buf.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

/* Extend this table when a command or extension lands; imap-login advertises its intersection
 * with IMAP_CAPABILITY (imap_capability_has). */
static const char *const imap_capabilities[] = {
	"IMAP4rev1",
	"LITERAL+", /* the parser accepts {n+} */
	"UNSELECT", /* RFC 3691 */
	/* Mailbox hierarchy (imaplist). */
	"CHILDREN",    /* RFC 3348 */
	"NAMESPACE",   /* RFC 2342 */
	"SPECIAL-USE", /* RFC 6154 */
	"LIST-EXTENDED", /* RFC 5258 */
	"UIDPLUS",  /* RFC 4315: APPENDUID, COPYUID, UID EXPUNGE */
	"MOVE",     /* RFC 6851 */
	"ESEARCH",  /* RFC 4731: SEARCH RETURN (MIN MAX COUNT ALL) */
	"IDLE",     /* RFC 2177 */
	"ID",       /* RFC 2971 */
	"ENABLE",   /* RFC 5161 */
};

void imap_capability_write(struct buf *out)
{
	for (size_t i = 0; i < sizeof(imap_capabilities) / sizeof(imap_capabilities[0]); i++) {
		if (i > 0)
			buf_putc(out, ' ');
		buf_puts(out, imap_capabilities[i]);
	}
}

bool imap_capability_has(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(imap_capabilities) / sizeof(imap_capabilities[0]); i++)
		if (strlen(imap_capabilities[i]) == len &&
		    strncasecmp(imap_capabilities[i], name, len) == 0)
			return true;
	return false;
}
