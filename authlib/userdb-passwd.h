/* Password change for userdb accounts (authdaemond's PASSWD), as Courier's authuserdbpwd does it:
 * every password field that holds the old password gets the new one, the users source is edited
 * like `userdb <_><name> set ...` and the databases are rebuilt like `makeuserdb`
 * (reference courier-formats §1.2 "_", §1.4 "Password change"). */
#ifndef HATO_USERDB_PASSWD_H
#define HATO_USERDB_PASSWD_H

#include <stddef.h>

struct userdb_fields;

/* The scheme of the new <service>pw / systempw hash: Courier's authuserdbpwd writes MD5-crypt. */
#define USERDB_PASSWD_SCHEME "md5"

/* Which fields of an account (shadow record first, then main, as a login reads them) hold
 * oldpw, and their new values for newpw, as "field=value" items for userdb_text_set:
 *   "<service>pw" if the record has it, else "systempw" (checked with pwscheme_verify; the new
 *   value is a USERDB_PASSWD_SCHEME hash); "<service>-hmac-<h>pw" and "hmac-<h>pw" for md5,
 *   sha1, sha256 when they equal the old password's key state; "scram-sha1pw" and
 *   "scram-sha256pw" when the old password derives their StoredKey; "apoppw" when it is the old
 *   password. Returns the number of items (0 = the old password matched nothing; *items_r is
 *   then NULL), or -1 with *error_r (no randomness for a salt). Free with
 *   userdb_passwd_items_free. */
int userdb_passwd_updates(const struct userdb_fields *shadow, const struct userdb_fields *main,
			  const char *service, const char *oldpw, const char *newpw,
			  char ***items_r, const char **error_r);
void userdb_passwd_items_free(char **items, size_t n);

/* Apply items to name's record in the users source (a file, or the file "<source>/<location
 * without its final '/'>" of a users/ directory, location being the record's "_" field), under
 * the source's edit lock, via temp + rename; then rebuild <source>.dat and <source>shadow.dat.
 * Refuses a name with '/' or control characters and a location that leaves the directory.
 * Returns 0, or -1 with *error_r (a static message, for the log). */
int userdb_passwd_apply(const char *source, const char *location, const char *name,
			char *const *items, size_t n_items, const char **error_r);

#endif
