/* Maildir++ folders: a folder name "a.b" (UTF-8, '.' separated, relative to INBOX) is the
 * directory ".a.b/" in the Maildir root with its own cur/ new/ tmp/ and a "maildirfolder"
 * file. Conversion to and from modified UTF-7 is in maildir-mutf7.h. */
#ifndef HATO_MAILDIR_FOLDER_H
#define HATO_MAILDIR_FOLDER_H
#include <stddef.h>

#include "buf.h"

#define MAILDIR_FOLDER_NAME_MAX 250

/* A folder name is valid when it is non-empty UTF-8 of at most MAILDIR_FOLDER_NAME_MAX bytes,
 * has no empty component (leading, trailing or doubled '.'), and holds no '/', no control
 * characters (< 0x20, 0x7f). So it can never name ".", "..", or a path outside the Maildir. */
int maildir_folder_name_valid(const char *name, const char **error_r);

/* "a.b" -> ".a.b" appended to dir_r (validated). */
int maildir_folder_to_dir(const char *name, struct buf *dir_r, const char **error_r);

/* A root directory entry ".a.b" -> "a.b" appended to name_r; -1 when it is not a valid
 * folder directory name (".", "..", no leading '.', invalid name). */
int maildir_folder_from_dir(const char *entry, struct buf *name_r, const char **error_r);

/* Create root/.name with cur/ new/ tmp/ and an empty maildirfolder file. EEXIST when it is
 * already there. Returns 0 or -1 with error_r (errno kept). */
int maildir_folder_create(const char *root, const char *name, const char **error_r);

/* Delete root/.name (not its children, as Courier): renamed into root/tmp/ first so the folder
 * vanishes atomically, then removed. */
int maildir_folder_delete(const char *root, const char *name, const char **error_r);

/* Rename root/.old to root/.new and every child .old.x to .new.x. The target must not exist
 * and must not be inside the source. */
int maildir_folder_rename(const char *root, const char *oldname, const char *newname,
                          const char **error_r);

/* All folder names (directories ".x" with a valid name) under root, sorted; caller frees each
 * name and the array. */
int maildir_folder_list(const char *root, char ***names_r, size_t *n_r, const char **error_r);
#endif
