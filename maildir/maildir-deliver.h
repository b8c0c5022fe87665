/* Changing a Maildir: deliver/append (tmp/ + fsync + rename), copy (hard link, else copy),
 * flag changes by rename, expunge by unlink. Never locks: every step is one atomic rename. */
#ifndef HATO_MAILDIR_DELIVER_H
#define HATO_MAILDIR_DELIVER_H
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* A message being written into tmp/. */
struct maildir_deliver {
	char *dir;
	struct buf tmp_path;
	int fd;
	uint64_t size;
};

/* Create dir/tmp/<unique> (O_EXCL). Returns 0 or -1 with error_r (errno kept). */
int maildir_deliver_begin(struct maildir_deliver *d, const char *dir, const char **error_r);
/* Append bytes. Returns 0 or -1 (errno kept: ENOSPC, EDQUOT...). */
int maildir_deliver_write(struct maildir_deliver *d, const void *data, size_t len,
                          const char **error_r);
/* fsync, then rename to dir/new/<base>,S=<size> (to_cur = 0; flags ignored) or
 * dir/cur/<base>,S=<size>:2,<flags>. name_r (may be NULL) gets the final file name, which the
 * caller frees. On failure the tmp file is removed. Returns 0 or -1 with error_r. */
int maildir_deliver_commit(struct maildir_deliver *d, int to_cur, unsigned flags, char **name_r,
                           const char **error_r);
/* Give up: remove the tmp file. Safe after a failed commit. */
void maildir_deliver_abort(struct maildir_deliver *d);

/* Deliver a whole buffer in one call. */
int maildir_deliver_buffer(const char *dir, const void *data, size_t len, int to_cur,
                           unsigned flags, char **name_r, const char **error_r);

/* Copy the message src_dir/cur/src_name into dst_dir/cur/ with a new unique name (keeping the
 * size) and flags: a hard link when both are on one file system, else a copy through tmp/.
 * Returns 0 or -1 with error_r (ENOENT: the source was expunged meanwhile). */
int maildir_deliver_copy(const char *src_dir, const char *src_name, const char *dst_dir,
                         unsigned flags, char **name_r, const char **error_r);

/* Rename dir/cur/name to carry flags. new_name_r gets the new name (caller frees; equal to
 * name when nothing changed). A name made stale by another session's flag change is looked up
 * under its current name, and our change (the flags added and removed relative to name) is
 * applied to the flags it has now, so neither session's change is lost: new_name_r may then
 * carry more flags than asked (parse it). -1 with errno ENOENT: another session expunged it. */
int maildir_deliver_set_flags(const char *dir, const char *name, unsigned flags, char **new_name_r,
                              const char **error_r);

/* Unlink dir/cur/name; a name made stale by another session's flag change is found under its
 * current name and removed if that still carries T (\Deleted). A file already gone counts as
 * expunged (returns 0). */
int maildir_deliver_expunge(const char *dir, const char *name, const char **error_r);
#endif
