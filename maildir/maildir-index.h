/* The session index of one folder: cur/ merged with courierimapuiddb, a sorted array that
 * imapd keeps for the session (sequence number = position + 1, sorted by UID). */
#ifndef HATO_MAILDIR_INDEX_H
#define HATO_MAILDIR_INDEX_H
#include <stdint.h>

#include "maildir-scan.h"

/* How long a session waits for another one's uiddb rewrite. */
#define MAILDIR_INDEX_LOCK_TIMEOUT_MS 10000

struct maildir_index {
	char *dir; /* the folder's maildir (owned) */
	uint32_t uidvalidity;
	uint32_t nextuid;         /* UIDNEXT */
	struct maildir_scan msgs; /* sorted by uid, every uid > 0 and unique */
	unsigned assigned;        /* UIDs newly assigned by the last sync */
	int rewrote;              /* the last sync rewrote the uiddb */
	int recovered;            /* the last sync replaced a lost or corrupt uiddb */
};

void maildir_index_init(struct maildir_index *idx, const char *dir);
void maildir_index_free(struct maildir_index *idx);

/* Bring the index up to date: move new/ into cur/, read cur/ and the uiddb; known messages
 * keep their UIDs, unknown ones get nextuid++ in file-name order, vanished ones are dropped.
 * When nothing changed this costs one readdir of new/ and cur/ and one read of the uiddb.
 * Otherwise the uiddb is re-read, merged and rewritten (temp + fsync + rename) under the
 * fcntl lock, and tmp/ is purged of files older than 36 hours. A missing or corrupt uiddb gets a
 * new, higher UIDVALIDITY (logged) and all messages new UIDs. Returns 0, or -1 with error_r (the
 * index is then unchanged). */
int maildir_index_sync(struct maildir_index *idx, const char **error_r);

/* The message with this UID, or NULL. */
struct maildir_entry *maildir_index_find_uid(const struct maildir_index *idx, uint32_t uid);
#endif
