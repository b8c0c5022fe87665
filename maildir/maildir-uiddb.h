/* courierimapuiddb: Courier-IMAP's per-folder UID list (IMAPDBVERSION 1).
 *   1 <uidvalidity> <nextuid>\n
 *   <uid> <base name without ":2,flags">\n ...
 * Parsing and formatting do no I/O; read/write go through maildir-file. */
#ifndef HATO_MAILDIR_UIDDB_H
#define HATO_MAILDIR_UIDDB_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"

#define MAILDIR_UIDDB_FILE "courierimapuiddb"
#define MAILDIR_UIDDB_LOCK "courierimapuiddb.lock"
/* Courier's IMAP_EPOCH: UIDVALIDITY = creation time - this (fits 32 bits until 2069). */
#define MAILDIR_IMAP_EPOCH 1000000000LL

struct maildir_uiddb_rec {
	uint32_t uid;
	const char *base; /* NUL-terminated, points into the db's storage */
	size_t base_len;
	int owned; /* base was allocated by maildir_uiddb_add */
};

struct maildir_uiddb {
	uint32_t uidvalidity;
	uint32_t nextuid;
	struct maildir_uiddb_rec *v; /* sorted by uid, unique */
	size_t n, cap;
	struct buf storage; /* the file bytes the records point into */
};

void maildir_uiddb_init(struct maildir_uiddb *db);
void maildir_uiddb_free(struct maildir_uiddb *db);

/* Parse file bytes (the db takes them over: data is moved into db->storage and edited in
 * place). Records out of order are sorted; a duplicate UID, a UID of 0, a bad header,
 * a version other than 1 or a malformed line is an error (-1, error_r says which line kind).
 * When the header parsed, db->uidvalidity keeps its value even on error, so the caller can
 * choose a higher one. nextuid is raised above the largest UID if needed. */
int maildir_uiddb_parse(struct maildir_uiddb *db, struct buf *data, const char **error_r);

/* Append the file bytes for db to out. */
void maildir_uiddb_format(const struct maildir_uiddb *db, struct buf *out);

/* Add a record (base copied into storage-independent memory owned by the db). */
void maildir_uiddb_add(struct maildir_uiddb *db, uint32_t uid, const char *base, size_t base_len);

/* A UIDVALIDITY for a new file created at now that is above old (0 = none known). */
uint32_t maildir_uiddb_new_uidvalidity(time_t now, uint32_t old);
#endif
