/* Scanning one Maildir folder: new/ -> cur/, the cur/ listing (flags and sizes from names,
 * no stat per message), and the 36-hour purge of tmp/. */
#ifndef HATO_MAILDIR_SCAN_H
#define HATO_MAILDIR_SCAN_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"

/* One message in cur/ (40 bytes: a session keeps one per message). */
struct maildir_entry {
	char *name;      /* full file name in cur/ (owned by the scan, see maildir_scan_set_name) */
	uint64_t size;   /* from ",S=", else MAILDIR_SIZE_UNKNOWN (see maildir_scan_entry_size) */
	/* Learned lazily and kept across syncs and sessions (hatoimapcache): the size with bare LF
	 * counted as CRLF (RFC822.SIZE) and the file's mtime (INTERNALDATE). The content of a
	 * base name never changes in a Maildir, so both stay valid while the base exists. */
	uint64_t crlf_size; /* MAILDIR_SIZE_UNKNOWN until measured */
	int64_t mtime;      /* MAILDIR_MTIME_UNKNOWN until measured */
	uint32_t uid;       /* 0 until the uiddb merge assigns one */
	uint16_t base_len;  /* name[0..base_len) is the base (the uiddb key); names are <= 255 */
	uint16_t flags;     /* enum maildir_flag */
};

#define MAILDIR_MTIME_UNKNOWN INT64_MIN

/* A listing, sorted by base name (strcmp of the base, then of the full name). Names are
 * malloc'd one by one, or point into pool (one block for a listing read from a file). */
struct maildir_scan {
	struct maildir_entry *v;
	size_t n, cap;
	char *pool;
	size_t pool_len;
};

#define MAILDIR_TMP_MAX_AGE (36 * 3600)

/* Move every file in dir/new/ into dir/cur/ with ":2," appended (names that already carry an
 * info part keep it). A file another process moved first is skipped. moved_r (may be NULL)
 * gets the count. Returns 0 or -1 with error_r (errno kept). */
int maildir_scan_new(const char *dir, unsigned *moved_r, const char **error_r);

/* List dir/cur/ into scan (cleared first), one readdir and no stat: hidden names and names
 * that fail maildir_name_parse are skipped; two names with the same base (a rename seen twice
 * by readdir) keep one entry. Returns 0 or -1 with error_r. */
int maildir_scan_cur(const char *dir, struct maildir_scan *scan, const char **error_r);

/* List dir/new/ into scan the same way, without moving anything (STATUS, and numbering
 * messages that wait there before an APPEND/COPY into the folder). */
int maildir_scan_list_new(const char *dir, struct maildir_scan *scan, const char **error_r);

/* maildir_scan_new then maildir_scan_cur: the usual full scan. */
int maildir_scan_folder(const char *dir, struct maildir_scan *scan, const char **error_r);

/* Find a base name in a sorted scan; the entry or NULL. */
struct maildir_entry *maildir_scan_find(const struct maildir_scan *scan, const char *base,
                                        size_t base_len);

/* Look for base in dir/cur/ under every standard flag combination (":2," + sorted DFRST
 * subsets), for a record readdir did not return: a file renamed by another session while we
 * read the directory can be missed. Appends the name found to name_r and returns 1, or 0. */
int maildir_scan_probe(const char *dir, const char *base, size_t base_len, struct buf *name_r);

/* How many times a stale name (renamed again and again by other sessions) is followed. */
#define MAILDIR_STALE_RETRIES 3

/* The current name in dir/cur/ of name's base (another session may have renamed it for a
 * flag change) into cur_r (reset first): 1 found, 0 gone. */
int maildir_scan_current(const char *dir, const char *name, struct buf *cur_r);

/* Open dir/cur/name for reading; when another session renamed it (a flag change), the same
 * base under its current name. The fd, or -1 with errno (ENOENT: expunged). */
int maildir_scan_open(const char *dir, const char *name);

/* Fill e->size by stat when the name carries no ",S=". Returns 0 or -1 (message gone). */
int maildir_scan_entry_size(const char *dir, struct maildir_entry *e);

/* Unlink files in dir/tmp/ whose mtime is older than now - max_age. Returns the number
 * removed, or -1 with error_r. */
int maildir_scan_purge_tmp(const char *dir, time_t now, time_t max_age, const char **error_r);

void maildir_scan_init(struct maildir_scan *scan);
void maildir_scan_clear(struct maildir_scan *scan);
void maildir_scan_free(struct maildir_scan *scan);
/* Append an entry for name (copied); returns it, or NULL when the name does not parse or is
 * longer than 255 bytes. */
struct maildir_entry *maildir_scan_add(struct maildir_scan *scan, const char *name);
/* The same for a name inside scan->pool (not copied). */
struct maildir_entry *maildir_scan_add_pooled(struct maildir_scan *scan, char *name);
/* Room for n entries in all. */
void maildir_scan_reserve(struct maildir_scan *scan, size_t n);
/* Replace e's name with name (malloc'd, taken over); the old one is freed unless pooled. */
void maildir_scan_set_name(struct maildir_scan *scan, struct maildir_entry *e, char *name);
/* Sort by base and drop duplicate bases. */
void maildir_scan_sort(struct maildir_scan *scan);
#endif
