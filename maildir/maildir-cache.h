/* hatoimapcache: imapd's per-folder snapshot of the session index (UIDs, file names, RFC822.SIZE,
 * INTERNALDATE), so a new session's SELECT needs no readdir, no uiddb read and no per-message
 * stat/open when the folder did not change; and the folder signature that decides "did not
 * change" (also used in-session to skip the readdir after each command).
 *
 * File format, version 2 (text; one line each, fields separated by one space):
 *   hatoimapcache 2
 *   <started_sec> <started_nsec> <new/: mtime_sec mtime_nsec ino size> <cur/: 4 numbers>
 *       <courierimapuiddb: 4 numbers> <uidvalidity> <nextuid> <count> <first_unseen>
 *       <16 lowercase hex digits: maildir_cache_checksum of every byte before them> (one line)
 *   <uid> <crlf_size or -> <mtime or -> <file name in cur/>                   (count lines)
 *   end <16 lowercase hex digits: maildir_cache_checksum of every byte before "end">
 * Records are in ascending UID order. The first two lines are the summary: a SELECT answers from
 * them alone (EXISTS = count, UNSEEN = first_unseen, the position of the first record whose
 * name lacks the S flag, 0 for none) and reads the records only when a command needs them; the
 * header checksum lets it trust the summary without reading the whole file. Version 1 files
 * (no summary) are ignored like any other invalid file and rewritten. Anything else (other version, bad number, short file,
 * wrong count or checksum, trailing bytes) makes the file unusable: the caller then does the
 * normal full sync, so a bad cache costs time, never correctness. */
#ifndef HATO_MAILDIR_CACHE_H
#define HATO_MAILDIR_CACHE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "maildir-scan.h"

#define MAILDIR_CACHE_FILE "hatoimapcache"
#define MAILDIR_CACHE_VERSION 2
/* The summary lines are shorter than this (two short lines of numbers). */
#define MAILDIR_CACHE_SUMMARY_MAX 512

/* What stat() says about one file or directory: a change to a directory's entries moves its
 * mtime; a rewrite by rename gives a new inode. */
struct maildir_stamp {
	int64_t sec, nsec; /* st_mtim */
	uint64_t ino, size;
};

/* The state a scan was made from: new/, cur/ and courierimapuiddb, stat()ed before the scan,
 * and the wall-clock time taken before those stat() calls. */
struct maildir_sig {
	int64_t started_sec, started_nsec;
	struct maildir_stamp new_dir, cur_dir, uiddb;
};

/* Stat path into st. 0, or -1 (errno kept). */
int maildir_cache_stamp(const char *path, struct maildir_stamp *st);

/* Take the signature of folder dir now (time first, then the three stat calls). 0, or -1 when
 * one of them cannot be stat()ed (a missing uiddb included): such a signature is never used. */
int maildir_cache_sig_take(const char *dir, struct maildir_sig *sig);

/* The three stamps are equal (started is not compared). */
bool maildir_cache_sig_same(const struct maildir_sig *a, const struct maildir_sig *b);

/* Whether a scan made from sig can be trusted while the stamps stay the same: the scan started
 * at least one second after every mtime in it. A change in the same timestamp tick as the
 * last one (or in the tick the scan started) would leave the mtime unchanged, so such a
 * signature must not be trusted: the folder is then read again. */
bool maildir_cache_stamp_settled(const struct maildir_stamp *st, int64_t started_sec,
				 int64_t started_nsec);
bool maildir_cache_sig_settled(const struct maildir_sig *sig);

/* A parsed cache file. */
struct maildir_cache {
	struct maildir_sig sig;
	uint32_t uidvalidity, nextuid;
	uint32_t count;        /* records (msgs.n after a full parse) */
	uint32_t first_unseen; /* position of the first record without \Seen, 0 for none */
	struct maildir_scan msgs; /* ascending UIDs, every uid > 0 and < nextuid */
};

void maildir_cache_init(struct maildir_cache *c);
void maildir_cache_free(struct maildir_cache *c);

/* The checksum of the format (64-bit, not cryptographic: it catches torn and truncated writes
 * and bit rot, not an attacker, who could as well edit the uiddb). */
uint64_t maildir_cache_checksum(const void *data, size_t len);

/* Append the file bytes for this snapshot (msgs in ascending UID order) to out. No I/O. */
void maildir_cache_format(const struct maildir_sig *sig, uint32_t uidvalidity, uint32_t nextuid,
			  const struct maildir_scan *msgs, struct buf *out);

/* Parse file bytes into c (cleared first). 0, or -1 with error_r (c is then empty). No I/O. */
int maildir_cache_parse(struct maildir_cache *c, const char *data, size_t len,
			const char **error_r);

/* Parse only the summary (the first two lines) of file bytes into c (msgs stays empty): len may
 * be a prefix of the file. 0, or -1 with error_r. No I/O. The records are not checked. */
int maildir_cache_parse_summary(struct maildir_cache *c, const char *data, size_t len,
				const char **error_r);

/* Read the summary of the open cache file fd (one pread at offset 0). 0, or -1 with error_r. */
int maildir_cache_read_summary(int fd, struct maildir_cache *c, const char **error_r);

/* Parse the whole open cache file fd (mapped, not copied). 0, or -1 with error_r. */
int maildir_cache_read_fd(int fd, struct maildir_cache *c, const char **error_r);

/* Read and parse dir/hatoimapcache. 0, 1 when missing, -1 with error_r when unreadable or
 * invalid (the caller ignores it). */
int maildir_cache_read(const char *dir, struct maildir_cache *c, const char **error_r);

/* Replace dir/hatoimapcache with data: dir/tmp/<unique> + rename, never in place. 0, or -1 with
 * error_r. */
int maildir_cache_write(const char *dir, const void *data, size_t len, const char **error_r);
#endif
