/* Maildir message file names: time.M<usec>P<pid>Q<n>.host,S=<size>:2,FLAGS (generate, parse). */
#ifndef HATO_MAILDIR_NAME_H
#define HATO_MAILDIR_NAME_H
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "buf.h"

/* The standard Maildir flags, in the order they are written (ASCII order: D F R S T). */
enum maildir_flag {
	MAILDIR_FLAG_DRAFT = 1 << 0,   /* D */
	MAILDIR_FLAG_FLAGGED = 1 << 1, /* F */
	MAILDIR_FLAG_REPLIED = 1 << 2, /* R */
	MAILDIR_FLAG_SEEN = 1 << 3,    /* S */
	MAILDIR_FLAG_TRASHED = 1 << 4, /* T: \Deleted in IMAP */
};
#define MAILDIR_FLAGS_ALL 0x1fu
#define MAILDIR_SIZE_UNKNOWN UINT64_MAX
/* Longest file name we accept or generate (NAME_MAX). */
#define MAILDIR_NAME_MAX 255

struct maildir_name {
	size_t base_len; /* bytes before ":2," (or the whole name when there is no info part) */
	unsigned flags;  /* enum maildir_flag bits */
	uint64_t size;   /* from ",S=", else MAILDIR_SIZE_UNKNOWN */
	int has_info;    /* the name carries ":2," */
};

/* Parse a file name from new/ or cur/. Unknown flag letters (Dovecot keywords a-z, other
 * tools' letters) are ignored here; a name starting with '.', containing '/', or longer than
 * MAILDIR_NAME_MAX is refused. Returns 0, or -1 with error_r set. No I/O. */
int maildir_name_parse(const char *name, struct maildir_name *r, const char **error_r);

/* Write the flag letters for flags into out (at most 5 letters plus NUL), sorted. */
void maildir_name_flags_str(unsigned flags, char out[6]);

/* Parse the letters after ":2," into flag bits (unknown letters ignored). */
unsigned maildir_name_flags_parse(const char *letters);

/* Append base + ":2," + flags to out. */
void maildir_name_with_flags(struct buf *out, const char *base, size_t base_len, unsigned flags);

/* Like maildir_name_with_flags, for a rename of name: letters of name's info part that are
 * not standard flags (Dovecot keyword letters a-z, other tools' flags) are kept, and all
 * letters are written in ASCII order, so a flag change never loses another program's data. */
void maildir_name_rename_flags(struct buf *out, const char *name, size_t base_len, unsigned flags);

/* Append a unique base name: "<time>.M<usec>P<pid>Q<seq>.<host>" and, when size is not
 * MAILDIR_SIZE_UNKNOWN, ",S=<size>". host is escaped as the Maildir spec says ('/' -> \057,
 * ':' -> \072) so the name stays one path component without an info separator. */
void maildir_name_generate(struct buf *out, time_t t, long usec, pid_t pid, unsigned seq,
                           const char *host, uint64_t size);

/* The leading decimal timestamp of a name (0 when absent): pop3d sorts by it. */
time_t maildir_name_time(const char *name);
#endif
