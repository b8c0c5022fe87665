/* The userdb source text ("users" file): lines "name<TAB>field=value|...", '#' comments and
 * blank lines kept verbatim, edited as Courier's `userdb` script does and written back under a
 * lock via temp + rename (reference courier-formats §1.1, §1.8). Parsing and editing do no I/O;
 * userdb_text_load/_save are the I/O around them. */
#ifndef HATO_USERDB_TEXT_H
#define HATO_USERDB_TEXT_H

#include <stddef.h>

struct buf;

/* Bounds: a users file of a big site is a few MB; a line is one account. */
#define USERDB_TEXT_MAX_SIZE (64u * 1024 * 1024)
#define USERDB_TEXT_MAX_LINE 65536u

struct userdb_text;

/* Split data into lines. Every line is kept as written (a missing final newline is added on
 * output). Returns NULL with *error_r if a line or the whole text exceeds the bounds. */
struct userdb_text *userdb_text_parse(const char *data, size_t len, const char **error_r);
void userdb_text_free(struct userdb_text *t);

size_t userdb_text_line_count(const struct userdb_text *t);
const char *userdb_text_line(const struct userdb_text *t, size_t i);

/* Split one line as Courier's userdb script matches /^([^\t]+)(\t(.*))?$/: 1 = a record (key is
 * the text before the first TAB, *fields_r the text after it or "" if no TAB), 0 = a comment or
 * blank line. *key_len_r bytes of line are the key. */
int userdb_text_split(const char *line, size_t *key_len_r, const char **fields_r);

/* Index of the first record whose key is name, or -1. */
long userdb_text_find(const struct userdb_text *t, const char *name);

/* 1 if s may be written as a field or value: no '|', no control characters (so every record we
 * write is one userdb_fields_parse accepts). */
int userdb_text_valid_item(const char *s);

/* "set": for each "field=value" (or bare "field" = flag) replace that field in name's record,
 * keeping the other fields and their order, or append it; a missing record is appended with the
 * fields in the order given. Returns 0, or -1 with *error_r ("Invalid field or value."). */
int userdb_text_set(struct userdb_text *t, const char *name, const char *const *items,
		    size_t n_items, const char **error_r);
/* "unset": remove the named fields from name's record. 1 = record found (text changed), 0 = no
 * such record. */
int userdb_text_unset(struct userdb_text *t, const char *name, const char *const *fields,
		      size_t n_fields);
/* "del": remove name's record. 1 = removed, 0 = no such record. */
int userdb_text_del(struct userdb_text *t, const char *name);

/* The whole text, each line ended by "\n". */
void userdb_text_write(const struct userdb_text *t, struct buf *out);

/* Lock the source file for an edit as Courier does: flock(LOCK_EX) on ".lock.<file>" in the
 * same directory (created 0600). Returns the lock fd, or -1 with *error_r. */
int userdb_text_lock(const char *path, const char **error_r);
/* Load path (a missing file is an empty text; a non-regular file is an error
 * "<path>: not a file."). Returns NULL with *error_r. */
struct userdb_text *userdb_text_load(const char *path, const char **error_r);
/* Replace path with t: write ".tmp.<file>" (mode 0600, or the old file's mode), fsync, rename.
 * Returns 0, or -1 with *error_r. */
int userdb_text_save(const struct userdb_text *t, const char *path, const char **error_r);

#endif
