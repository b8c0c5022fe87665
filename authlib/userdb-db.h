/* Courier userdb records: the "field=value|field|..." text after the TAB in the users file,
 * and the GDBM pair userdb.dat (public fields, 0644) + userdbshadow.dat (fields whose name ends
 * in "pw", 0600) that makeuserdb builds. Keys and values are stored without a NUL.
 * See reference courier-formats §1.1-1.4. */
#ifndef HATO_USERDB_DB_H
#define HATO_USERDB_DB_H

#include <stddef.h>

struct userdb_fields;

/* Parse "a=1|b|c=x=y" (a bare field has the value ""). Rejects control characters.
 * Returns NULL with *error_r on malformed input. */
struct userdb_fields *userdb_fields_parse(const char *text, size_t len, const char **error_r);
/* NULL if the field is absent; "" for a bare field. */
const char *userdb_fields_get(const struct userdb_fields *f, const char *name);
size_t userdb_fields_count(const struct userdb_fields *f);
/* The i-th field in input order (0 <= i < count); value as for userdb_fields_get. */
void userdb_fields_at(const struct userdb_fields *f, size_t i, const char **name_r,
		      const char **value_r);
void userdb_fields_free(struct userdb_fields *f);

struct userdb_db;

/* Open userdb.dat and, if readable, its shadow (NULL path = derive "<base>shadow.dat" from
 * "<base>.dat"). Read-only, and reopened automatically when makeuserdb replaces a file
 * (inode or mtime changed). Returns NULL with *error_r if userdb.dat cannot be opened. */
struct userdb_db *userdb_db_open(const char *dat_path, const char *shadow_path,
				 const char **error_r);
void userdb_db_close(struct userdb_db *db);
/* Look key up in both files. 1 = found (*main_r set; *shadow_r set or NULL if no shadow
 * record or no access), 0 = no such key, -1 = database error (*error_r). Caller frees. */
int userdb_db_fetch(struct userdb_db *db, const char *key, struct userdb_fields **main_r,
		    struct userdb_fields **shadow_r, const char **error_r);
/* Call fn for every account key in userdb.dat (skipping the "<uid>=" reverse records).
 * Returns 0, or -1 with *error_r. */
int userdb_db_enumerate(struct userdb_db *db,
			void (*fn)(const char *key, const struct userdb_fields *main, void *ctx),
			void *ctx, const char **error_r);

#endif
