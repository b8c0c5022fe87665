/* The selected mailbox: the session's view of a maildir_index (sequence number = position + 1,
 * ascending UIDs), \Recent, flag changes, expunges, and the untagged updates that keep the
 * client's view in step with the folder (RFC 3501 §5.2, §7.3, §7.4.1). */
#ifndef HATO_IMAP_MAILBOX_H
#define HATO_IMAP_MAILBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "maildir-index.h"
#include "maildir-keywords.h"

struct imap_client;
struct imap_seqset;

/* IMAP's view of one message (16 bytes: a session keeps one per message). */
struct imap_msg {
	char *keywords; /* space-separated keyword names (owned), NULL for none */
	uint32_t uid;
	uint16_t flags; /* enum maildir_flag */
	bool recent;    /* this session first saw it in new/ */
	/* Gone from the folder, but the client has not been told yet (an EXPUNGE may not be sent
	 * during FETCH, STORE or SEARCH): its sequence number still counts, its data is gone. */
	bool expunged;
};

struct imap_mailbox {
	struct maildir_index idx;
	struct imap_msg *view;
	uint32_t count; /* messages the client knows (EXISTS) */
	size_t cap;
	uint32_t recent_count;
	bool readonly;
	bool keywords; /* IMAP_KEYWORDS: keywords are read and stored (courierimapkeywords/) */
	struct maildir_keywords kw; /* as of the last sync */
	/* courierimapkeywords/ as of the last keyword load: reloaded only when this changed or
	 * was not settled (the rule of maildir_cache_stamp_settled). */
	struct maildir_stamp kw_stamp;
	int64_t kw_started_sec, kw_started_nsec;
	bool kw_have_stamp;
	bool kw_missing;       /* the directory did not exist at the last look */
	bool expunged_pending; /* the view holds messages marked expunged, not yet reported */
	/* UIDs this session moved out of new/ and not yet in the view (sorted). */
	uint32_t *recent_uids;
	size_t recent_n, recent_cap;	/* Selected from the summary of hatoimapcache: view and idx.msgs are not built yet (count,
	 * idx.uidvalidity and idx.nextuid are set). cache_fd keeps that very file open (a newer
	 * one may be renamed over it), so the view the client was told about can be built from it
	 * by imap_mailbox_load(); sel_sig is the folder's signature it describes. */
	bool unloaded;
	int cache_fd;
	struct maildir_sig sel_sig;
	uint32_t sel_first_unseen;
};

/* Open the maildir folder dir (usually "."): move new/ to cur/ (claiming \Recent for what this
 * session moved), sync the index, build the view. When nothing moved and hatoimapcache's
 * summary has the folder's settled signature, only the summary is read (the box is unloaded). -1 with error_r when the folder cannot be read. */
int imap_mailbox_open(const char *dir, bool readonly, bool keywords, struct imap_mailbox **box_r,
		      const char **error_r);
void imap_mailbox_free(struct imap_mailbox **box);

/* Build the per-message view of a box selected from the cache summary (nothing to do
 * otherwise). Every command that reads the view or idx.msgs runs after this (the dispatcher
 * calls it). -1 with error_r when the folder could not be read. */
int imap_mailbox_load(struct imap_mailbox *box, struct imap_client *client, const char **error_r);

/* Re-read the folder and tell the client what changed: "* n EXPUNGE" (only when
 * allow_expunge; otherwise vanished messages stay in the view marked expunged), "* n EXISTS",
 * "* n RECENT", and "* n FETCH (FLAGS ...)" for flags changed by other sessions. -1 with
 * error_r when the folder could not be read (the view is then unchanged). */
int imap_mailbox_sync(struct imap_mailbox *box, struct imap_client *client, bool allow_expunge,
		      const char **error_r);

/* The message with sequence number seq (1..count), or NULL. */
struct imap_msg *imap_mailbox_msg(struct imap_mailbox *box, uint32_t seq);
/* The message's file in cur/, or NULL when it was expunged. */
struct maildir_entry *imap_mailbox_entry(struct imap_mailbox *box, const struct imap_msg *msg);
/* Sequence number of the first message with UID >= uid (count + 1 when none). */
uint32_t imap_mailbox_seq_from_uid(const struct imap_mailbox *box, uint32_t uid);

/* Resolve a sequence set argument (message numbers, or UIDs when uid) into a set of sequence
 * numbers. Message numbers beyond EXISTS are an error (RFC 3501 §6.4.8: BAD); UIDs that do not
 * exist are silently left out. -1 with error_r on syntax errors. */
int imap_mailbox_seqset(struct imap_mailbox *box, const char *str, bool uid,
			struct imap_seqset *set_r, const char **error_r);

/* Change the flags of a message (rename in cur/). 0, 1 when the message is gone, -1 with
 * error_r on another failure. */
int imap_mailbox_set_flags(struct imap_mailbox *box, struct imap_msg *msg, unsigned flags,
			   const char **error_r);

/* Replace the keywords of a message (names: a NULL-terminated list of valid atoms, or NULL for
 * none) in courierimapkeywords/. 0, 1 when the message is gone, -1 with error_r. */
int imap_mailbox_set_keywords(struct imap_mailbox *box, struct imap_msg *msg,
			      const char *const *names, const char **error_r);
/* Append the keyword names in use in the folder, each preceded by a space. */
void imap_mailbox_write_keywords_in_use(const struct imap_mailbox *box, struct buf *out);

/* Remove messages flagged \Deleted (only those whose UID is in uids, when not NULL), then sync
 * with expunges reported. -1 with error_r when some could not be removed. */
int imap_mailbox_expunge(struct imap_mailbox *box, struct imap_client *client,
			 const struct imap_seqset *uids, const char **error_r);

/* Append "(\Answered ... \Recent keyword ...)" for the message. */
void imap_mailbox_write_flags(const struct imap_msg *msg, struct buf *out);
/* Number of the first message without \Seen (0 when all are seen). */
uint32_t imap_mailbox_first_unseen(const struct imap_mailbox *box);

#endif
