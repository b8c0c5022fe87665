/* Maildir change notification: inotify(7) with an mtime-polling fallback. */
#include "config.h"
#include "maildir-notify.h"
#include "buf.h"
#include "log.h"
#include "xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#define WATCH_MASK                                                                                 \
	(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF |        \
	 IN_MOVE_SELF)

static int sub_mtime(const char *dir, const char *sub, struct timespec *ts)
{
	struct buf path = BUF_INIT;
	struct stat st;
	int ret;

	buf_printf(&path, "%s/%s", dir, sub);
	ret = stat(buf_cstr(&path), &st);
	buf_free(&path);
	if (ret == 0)
		*ts = st.st_mtim;
	return ret;
}

static int add_watch(int fd, const char *dir, const char *sub)
{
	struct buf path = BUF_INIT;
	int ret;

	buf_printf(&path, "%s/%s", dir, sub);
	ret = inotify_add_watch(fd, buf_cstr(&path), WATCH_MASK);
	buf_free(&path);
	return ret;
}

static void fall_back(struct maildir_notify *n, const char *why)
{
	static int logged;

	if (!logged) {
		/* Once per process: a full inotify table would otherwise flood the log. */
		log_warn("inotify unavailable (%s), polling maildirs every %d s", why,
		         MAILDIR_NOTIFY_POLL_SECS);
		logged = 1;
	}
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
	n->polling = 1;
}

int maildir_notify_init(struct maildir_notify *n, const char *dir, unsigned flags,
                        const char **error_r)
{
	memset(n, 0, sizeof(*n));
	n->fd = -1;
	if (sub_mtime(dir, "new", &n->new_mtime) < 0 || sub_mtime(dir, "cur", &n->cur_mtime) < 0) {
		*error_r = "cannot stat new/ or cur/";
		return -1;
	}
	n->dir = xstrdup(dir);
	if ((flags & MAILDIR_NOTIFY_FORCE_POLL) != 0) {
		n->polling = 1;
		return 0;
	}
	n->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (n->fd < 0)
		fall_back(n, "inotify_init1");
	else if (add_watch(n->fd, dir, "new") < 0 || add_watch(n->fd, dir, "cur") < 0)
		fall_back(n, "inotify_add_watch");
	return 0;
}

void maildir_notify_deinit(struct maildir_notify *n)
{
	if (n->fd >= 0)
		close(n->fd);
	free(n->dir);
	memset(n, 0, sizeof(*n));
	n->fd = -1;
}

int maildir_notify_fd(const struct maildir_notify *n)
{
	return n->fd;
}

static int ts_ne(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec != b->tv_sec || a->tv_nsec != b->tv_nsec;
}

int maildir_notify_changed(struct maildir_notify *n)
{
	int changed = 0;

	if (!n->polling) {
		char ev[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
		for (;;) {
			ssize_t r = read(n->fd, ev, sizeof(ev));
			if (r > 0) {
				changed = 1;
				continue;
			}
			if (r < 0 && errno == EINTR)
				continue;
			break;
		}
		return changed;
	}
	struct timespec nm, cm;
	if (sub_mtime(n->dir, "new", &nm) < 0 || sub_mtime(n->dir, "cur", &cm) < 0)
		return 1; /* the folder went away: let the caller rescan and find out */
	changed = ts_ne(&nm, &n->new_mtime) || ts_ne(&cm, &n->cur_mtime);
	n->new_mtime = nm;
	n->cur_mtime = cm;
	return changed;
}
