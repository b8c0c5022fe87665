/* File helpers: whole-file read, temp + fsync + rename rewrite, fcntl metadata lock. */
#include "config.h"
#include "maildir-file.h"
#include "maildir-name.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

int maildir_file_read(const char *dir, const char *name, struct buf *out, const char **error_r)
{
	struct buf path = BUF_INIT;
	int fd, ret = 0;

	buf_printf(&path, "%s/%s", dir, name);
	fd = open(buf_cstr(&path), O_RDONLY | O_CLOEXEC);
	buf_free(&path);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		*error_r = "open failed";
		return -1;
	}
	for (;;) {
		if (out->len >= MAILDIR_FILE_MAX) {
			*error_r = "file too large";
			errno = EFBIG;
			ret = -1;
			break;
		}
		buf_reserve(out, 65536);
		ssize_t n = read(fd, out->data + out->len, out->cap - out->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*error_r = "read failed";
			ret = -1;
			break;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->data[out->len] = '\0';
	}
	if (out->data != NULL)
		out->data[out->len] = '\0'; /* also when nothing was read */
	int saved = errno;
	close(fd);
	errno = saved;
	return ret;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int maildir_file_write_atomic(const char *dir, const char *name, const void *data, size_t len,
                              const char **error_r)
{
	struct buf tmp = BUF_INIT, dst = BUF_INIT;
	int fd, ret = -1, saved;

	buf_printf(&tmp, "%s/tmp/", dir);
	maildir_file_unique(&tmp);
	const char *slash = strrchr(name, '/');
	buf_printf(&tmp, ".%s", slash != NULL ? slash + 1 : name);
	buf_printf(&dst, "%s/%s", dir, name);
	fd = open(buf_cstr(&tmp), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		*error_r = "creating temporary file in tmp/ failed";
		goto out;
	}
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		*error_r = "writing temporary file failed";
		saved = errno;
		close(fd);
		unlink(buf_cstr(&tmp));
		errno = saved;
		goto out;
	}
	if (close(fd) < 0) {
		*error_r = "closing temporary file failed";
		unlink(buf_cstr(&tmp));
		goto out;
	}
	if (rename(buf_cstr(&tmp), buf_cstr(&dst)) < 0) {
		*error_r = "renaming temporary file into place failed";
		saved = errno;
		unlink(buf_cstr(&tmp));
		errno = saved;
		goto out;
	}
	ret = 0;
out:
	saved = errno;
	buf_free(&tmp);
	buf_free(&dst);
	errno = saved;
	return ret;
}

static long long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int maildir_file_lock(const char *dir, const char *name, unsigned timeout_ms, const char **error_r)
{
	struct buf path = BUF_INIT;
	struct flock fl;
	long long deadline;
	long step_us = 100;
	int fd;

	buf_printf(&path, "%s/%s", dir, name);
	fd = open(buf_cstr(&path), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	buf_free(&path);
	if (fd < 0) {
		*error_r = "opening lock file failed";
		return -1;
	}
	deadline = monotonic_ms() + timeout_ms;
	for (;;) {
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		if (fcntl(fd, F_SETLK, &fl) == 0)
			return fd;
		if (errno != EAGAIN && errno != EACCES && errno != EINTR) {
			*error_r = "fcntl lock failed";
			break;
		}
		if (monotonic_ms() >= deadline) {
			*error_r = "timed out waiting for the metadata lock";
			errno = ETIMEDOUT;
			break;
		}
		/* Polling (F_SETLKW cannot time out without signals), with a short ceiling on the
		 * step: holders keep the lock for milliseconds, and a waiter sleeping 20 ms at a
		 * time lost the race to every newcomer under 64 busy sessions (10 s timeouts in
		 * bench/'s mixed load). The pid-dependent jitter keeps waiters from moving in step. */
		struct timespec ts = {0, (step_us + (long)(getpid() % 97) * 10) * 1000L};
		nanosleep(&ts, NULL);
		if (step_us < 2000)
			step_us *= 2;
	}
	int saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

void maildir_file_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* closing drops the fcntl lock */
}

const char *maildir_file_hostname(void)
{
	static char host[128];

	if (host[0] == '\0') {
		char raw[64];
		size_t n = 0;
		if (gethostname(raw, sizeof(raw)) < 0 || raw[0] == '\0')
			strcpy(raw, "localhost");
		raw[sizeof(raw) - 1] = '\0';
		/* Escape so the host part can hold neither a path separator nor the info colon;
		 * a ',' would be read as the start of a Courier field. */
		for (const char *p = raw; *p != '\0' && n + 5 < sizeof(host); p++) {
			if (*p == '/' || *p == ':' || *p == ',') {
				n += (size_t)snprintf(host + n, sizeof(host) - n, "\\%03o",
				                      (unsigned char)*p);
			} else {
				host[n++] = *p;
			}
		}
		host[n] = '\0';
	}
	return host;
}

unsigned maildir_file_next_seq(void)
{
	static unsigned seq;
	static pid_t seq_pid;

	/* Restart after fork so the parent and child never share a (pid, seq) pair by accident:
	 * the pid already differs, this just keeps the numbers small. */
	if (seq_pid != getpid()) {
		seq_pid = getpid();
		seq = 0;
	}
	return ++seq;
}

void maildir_file_unique(struct buf *out)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	maildir_name_generate(out, tv.tv_sec, (long)tv.tv_usec, getpid(), maildir_file_next_seq(),
	                      maildir_file_hostname(), MAILDIR_SIZE_UNKNOWN);
}
