/* Small file helpers for the maildir library: whole-file read, atomic rewrite through tmp/,
 * and the metadata lock (fcntl with timeout, as Courier's IMAP_USELOCKS). */
#ifndef HATO_MAILDIR_FILE_H
#define HATO_MAILDIR_FILE_H
#include <stddef.h>

#include "buf.h"

/* Largest metadata file we read (a 1,000,000-message uiddb is ~60 MB). */
#define MAILDIR_FILE_MAX (256u * 1024 * 1024)

/* Read dir/name completely into out (appended). Returns 0, 1 when the file does not exist,
 * -1 on another error (errno kept) with error_r set. */
int maildir_file_read(const char *dir, const char *name, struct buf *out, const char **error_r);

/* Replace dir/name with data: write dir/tmp/<unique>, fsync, rename over dir/name. A crash
 * leaves at worst a stray file in tmp/. Returns 0 or -1 (errno kept) with error_r set. */
int maildir_file_write_atomic(const char *dir, const char *name, const void *data, size_t len,
                              const char **error_r);

/* Take an exclusive fcntl lock on dir/name (created 0600 if missing), waiting up to
 * timeout_ms. Returns the lock fd (release with maildir_file_unlock), or -1 with error_r. */
int maildir_file_lock(const char *dir, const char *name, unsigned timeout_ms, const char **error_r);
void maildir_file_unlock(int fd);

/* This host's name escaped for use in a maildir file name; computed once. */
const char *maildir_file_hostname(void);

/* A process-wide counter for unique names (the Q<n> part). */
unsigned maildir_file_next_seq(void);

/* Append a fresh unique base name (no size) for a file created now. */
void maildir_file_unique(struct buf *out);
#endif
