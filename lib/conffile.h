/* Courier-style configuration files (imapd, pop3d, authdaemonrc, ...):
 *   NAME=value, NAME="value with $EXPANSION", NAME='literal', # comments, ##NAME: markers
 * A value may span lines inside quotes. $NAME and ${NAME} expand names set earlier in the file
 * (then the process environment; unknown names expand to ""), as the shell that Courier's rc
 * scripts use to source these files would. */
#ifndef HATO_CONFFILE_H
#define HATO_CONFFILE_H

#include <stddef.h>

struct conffile;

struct conffile *conffile_new(void);
void conffile_free(struct conffile *cf);

/* Parse and merge a file: later files override earlier settings (imapd-ssl augments imapd).
 * Returns 0, or -1 with *error_r = "path:line: what is wrong" (valid until the next call).
 * A file with an error changes nothing. Shell forms beyond NAME=value (export, commands,
 * $(...), `...`, ${NAME:-x}, unquoted ; | & < > ( )) are errors, never guessed at.
 * Bounds: file 1 MiB, line 64 KiB, value (after expansion) 64 KiB, 4096 names. */
int conffile_load(struct conffile *cf, const char *path, const char **error_r);
/* The same over a buffer; name is used in error messages. */
int conffile_parse(struct conffile *cf, const char *name, const char *data, size_t len,
		   const char **error_r);

/* NULL if unset. */
const char *conffile_get(const struct conffile *cf, const char *name);
const char *conffile_get_default(const struct conffile *cf, const char *name, const char *def);
/* Decimal integer; def if unset, empty or not a number. */
long conffile_get_long(const struct conffile *cf, const char *name, long def);
/* Courier's truth: value starts with y, Y or 1 (or "true"); def if unset. */
int conffile_get_bool(const struct conffile *cf, const char *name, int def);
void conffile_set(struct conffile *cf, const char *name, const char *value);
/* Visit every setting in the order first set. */
void conffile_foreach(const struct conffile *cf,
		      void (*fn)(const char *name, const char *value, void *ctx), void *ctx);
/* setenv() every setting, as Courier's rc scripts do with `set -a; . file`. */
void conffile_export_env(const struct conffile *cf);

#endif
