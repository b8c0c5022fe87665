/* Build userdb.dat + userdbshadow.dat from the users source file or directory, byte for byte as
 * Courier's makeuserdb + makedatprog do (reference courier-formats §1.3). */
#ifndef HATO_USERDB_MAKE_H
#define HATO_USERDB_MAKE_H

#include <stddef.h>

struct buf;

/* Split one source line (without "\n") the way makeuserdb does, for a source file at location
 * (its path relative to the userdb directory plus "/", or "" for a plain file):
 * returns 1 and fills *key_r and *key_len_r, main (always, ending in "_=<location>") and shadow
 * (the fields whose name ends in "pw", possibly empty) for a record line; returns 0 for a line
 * makeuserdb passes through unchanged (blank, a comment, no TAB). */
int userdb_make_split(const char *line, size_t len, const char *location, const char **key_r,
		      size_t *key_len_r, struct buf *main, struct buf *shadow);

/* What makedatprog does with a line it is sent: 1 = store (key, value), 0 = ignore. A line
 * with no TAB is stored with the value "1", as is an empty value; an empty key is ignored. */
int userdb_make_dat_record(const char *line, size_t len, const char **key_r, size_t *key_len_r,
			   const char **value_r, size_t *value_len_r);

/* Build "<source>.dat" (0644) and "<source>shadow.dat" (0600) from source, under the lock
 * "<source>.lock", each written to ".tmp" then renamed. Refuses a source with group or world
 * permissions or a symlinked source/output with Courier's messages. Returns 0, or -1 with the
 * message (one or more lines, each ending in "\n", as makeuserdb prints them) in *error. */
int userdb_make_build(const char *source, struct buf *error);

#endif
