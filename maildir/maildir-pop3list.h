/* courierpop3dsizelist (Courier pop3d LISTVERSION 3): stable POP3 UIDLs and cached sizes.
 *   /3 <nextuid> <uidv>\n
 *   <file name with flags> <size> <uid>:<uidv>:<isutf8>\n ...
 * UIDL string: "UID<uid>-<uidv>" ("UID<uid>" when uidv is 0). */
#ifndef HATO_MAILDIR_POP3LIST_H
#define HATO_MAILDIR_POP3LIST_H
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "maildir-scan.h"

#define MAILDIR_POP3LIST_FILE "courierpop3dsizelist"
#define MAILDIR_POP3LIST_LOCK "courierpop3dsizelist.lock"

struct maildir_pop3_msg {
	char *name;      /* file name in cur/ (owned) */
	size_t base_len; /* the match key is name[0..base_len) */
	uint64_t size;
	uint32_t uid, uidv;
	int utf8;
};

struct maildir_pop3list {
	uint32_t nextuid, uidv;
	struct maildir_pop3_msg *v; /* POP3 order: leading timestamp of the name, then name */
	size_t n, cap;
};

void maildir_pop3list_init(struct maildir_pop3list *l);
void maildir_pop3list_free(struct maildir_pop3list *l);

/* Parse the file bytes (no I/O). Lines in older formats without ":<isutf8>" are accepted.
 * Returns 0 or -1 with error_r; the list is then empty. */
int maildir_pop3list_parse(struct maildir_pop3list *l, const char *data, size_t len,
                           const char **error_r);
void maildir_pop3list_format(const struct maildir_pop3list *l, struct buf *out);

/* Append the UIDL string of m to out. */
void maildir_pop3list_uidl(const struct maildir_pop3_msg *m, struct buf *out);

/* Sort into POP3 order: leading timestamp, then the name with digit runs as numbers (strverscmp). */
void maildir_pop3list_sort(struct maildir_pop3list *l);

/* Build the POP3 view of dir: scan new/ and cur/, keep each known message's uid:uidv (matched
 * by base name, so flag changes keep the UIDL), give new messages nextuid++ in POP3 order with
 * the list's uidv (time of creation for a new list; a corrupt list is replaced and logged),
 * take sizes from the list, or for a new message read it once and count bare LFs as CRLF (as
 * Courier's pop3d does, so LIST and STAT agree with it), and rewrite the file (temp + fsync +
 * rename, under a lock) when anything changed. Returns 0 or -1 with error_r. */
int maildir_pop3list_sync(const char *dir, struct maildir_pop3list *l, const char **error_r);
#endif
