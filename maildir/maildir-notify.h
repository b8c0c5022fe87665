/* Change notification for IMAP IDLE/NOOP: inotify on new/ and cur/, with a polling fallback
 * (mtime of new/ and cur/) when inotify is unavailable or out of watches, logged once. */
#ifndef HATO_MAILDIR_NOTIFY_H
#define HATO_MAILDIR_NOTIFY_H
#include <time.h>

enum maildir_notify_flags {
	MAILDIR_NOTIFY_FORCE_POLL = 1 << 0, /* skip inotify (tests, NFS) */
};

struct maildir_notify {
	int fd; /* inotify fd, or -1 when polling */
	int polling;
	char *dir;
	struct timespec new_mtime, cur_mtime;
};

/* Start watching dir. Never fails for lack of inotify: it falls back to polling. Returns 0,
 * or -1 with error_r when dir/new or dir/cur cannot be examined. */
int maildir_notify_init(struct maildir_notify *n, const char *dir, unsigned flags,
                        const char **error_r);
void maildir_notify_deinit(struct maildir_notify *n);

/* An fd that becomes readable on a change (poll it for POLLIN), or -1 when polling: then call
 * maildir_notify_changed on a timer (MAILDIR_NOTIFY_POLL_SECS). */
int maildir_notify_fd(const struct maildir_notify *n);
#define MAILDIR_NOTIFY_POLL_SECS 5

/* 1 when something in new/ or cur/ changed since the last call (delivery, flag rename,
 * expunge), else 0. Drains pending inotify events without blocking. */
int maildir_notify_changed(struct maildir_notify *n);
#endif
