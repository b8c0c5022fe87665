/* The session index of one folder: cur/ merged with courierimapuiddb, a sorted array that
 * imapd keeps for the session (sequence number = position + 1, sorted by UID). */
#ifndef HATO_MAILDIR_INDEX_H
#define HATO_MAILDIR_INDEX_H
#include <stdbool.h>
#include <stdint.h>

#include "maildir-cache.h"
#include "maildir-scan.h"

/* How long a session waits for another one's uiddb rewrite. */
#define MAILDIR_INDEX_LOCK_TIMEOUT_MS 10000

/* At most this many uiddb records of vanished messages are tolerated by an unlocked sync
 * (each is probed under every flag suffix); more, and the sync rewrites the uiddb. */
#define MAILDIR_INDEX_STALE_MAX 256

struct maildir_index {
	char *dir; /* the folder's maildir (owned) */
	uint32_t uidvalidity;
	uint32_t nextuid;         /* UIDNEXT */
	struct maildir_scan msgs; /* sorted by uid, every uid > 0 and unique */
	unsigned assigned;        /* UIDs newly assigned by the last sync */
	int rewrote;              /* the last sync rewrote the uiddb */
	int recovered;            /* the last sync replaced a lost or corrupt uiddb */
	/* Set by the owner before the first sync: that sync may use dir/hatoimapcache. */
	bool use_cache;
	/* What the index was last read from (valid when have_sig): a sync whose signature is
	 * the same and settled (maildir_cache_sig_settled) reads nothing. */
	struct maildir_sig sig;
	bool have_sig;
	bool synced;       /* a sync succeeded once */
	bool from_cache;   /* the last sync took everything from hatoimapcache */
	bool skipped;      /* the last sync read nothing (signature unchanged) */
	bool cache_stale;  /* hatoimapcache does not hold this index (or learned more) */
	unsigned full_syncs; /* readdir-based syncs so far (tests, debug logging) */
};

void maildir_index_init(struct maildir_index *idx, const char *dir);
void maildir_index_free(struct maildir_index *idx);

/* Bring the index up to date: move new/ into cur/, read cur/ and the uiddb; known messages
 * keep their UIDs, unknown ones get nextuid++ in file-name order, vanished ones are dropped
 * (from the file when it is next rewritten: an unlocked sync tolerates up to
 * MAILDIR_INDEX_STALE_MAX records of vanished messages).
 * When nothing changed this costs one readdir of new/ and cur/ and one read of the uiddb.
 * Otherwise the uiddb is re-read, merged and rewritten (temp + fsync + rename) under the
 * fcntl lock, and tmp/ is purged of files older than 36 hours. A missing or corrupt uiddb gets a
 * new, higher UIDVALIDITY (logged) and all messages new UIDs. Returns 0, or -1 with error_r (the
 * index is then unchanged). */
int maildir_index_sync(struct maildir_index *idx, const char **error_r);

/* Take the messages of a parsed cache (cache->msgs is emptied) as the index, synced at the
 * cache's signature, as the first sync does when the cache is current. The caller checked
 * that the cache describes the folder state it wants. */
void maildir_index_adopt_cache(struct maildir_index *idx, struct maildir_cache *cache);

/* Write dir/hatoimapcache from the index when it is worth it and can be trusted later: the
 * file is stale, the index's signature is settled and the folder still has it (nothing
 * changed since the sync, not even by this session). 0 written, 1 nothing to do, -1 with
 * error_r. */
int maildir_index_save_cache(struct maildir_index *idx, const char **error_r);

/* Fill e->crlf_size (when need_size) and e->mtime if unknown: one open + fstat + read of the
 * file, or one stat when only the mtime is missing. Marks the cache stale when something was
 * learned. 0, 1 when the file is gone, -1 with error_r. */
int maildir_index_measure(struct maildir_index *idx, struct maildir_entry *e, bool need_size,
			  const char **error_r);

/* Record a size and mtime learned elsewhere (a FETCH that read the whole file). */
void maildir_index_learn(struct maildir_index *idx, struct maildir_entry *e, uint64_t crlf_size,
			 int64_t mtime);

/* The message with this UID, or NULL. */
struct maildir_entry *maildir_index_find_uid(const struct maildir_index *idx, uint32_t uid);
#endif
