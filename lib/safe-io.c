/* Whole reads and writes with EINTR retried, poll() timeouts, and atomic file replacement. */
#include "config.h"
#include "safe-io.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <poll.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

ssize_t read_full(int fd, void *buf, size_t n)
{
	char *p = buf;
	size_t done = 0;

	while (done < n) {
		ssize_t r = read(fd, p + done, n - done);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		done += (size_t)r;
	}
	return (ssize_t)done;
}

/* A peer that went away is an EPIPE for the caller to handle, not a SIGPIPE that kills a
 * daemon or a login parent serving other clients. */
static ssize_t write_nosigpipe(int fd, const void *p, size_t n)
{
	ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

	if (w < 0 && errno == ENOTSOCK)
		w = write(fd, p, n);
	return w;
}

int write_full(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write_nosigpipe(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			/* A non-blocking fd: wait rather than spin or fail half-way. */
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				if (fd_wait(fd, POLLOUT, -1) < 0)
					return -1;
				continue;
			}
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

ssize_t read_retry(int fd, void *buf, size_t n)
{
	ssize_t r;

	do
		r = read(fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r;
}

/* Milliseconds on a clock that does not jump, for deadlines across EINTR and partial writes. */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int remaining_ms(long long deadline)
{
	long long left = deadline - now_ms();

	if (left <= 0)
		return 0;
	return left > INT_MAX ? INT_MAX : (int)left;
}

int fd_wait(int fd, short events, int timeout_ms)
{
	long long deadline = timeout_ms < 0 ? 0 : now_ms() + timeout_ms;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = events, .revents = 0 };
		int t = timeout_ms < 0 ? -1 : remaining_ms(deadline);
		int r = poll(&pfd, 1, t);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			return 0;
		if (pfd.revents & POLLNVAL) {
			errno = EBADF;
			return -1;
		}
		/* POLLHUP/POLLERR count as ready: the following read/write reports what happened. */
		return 1;
	}
}

ssize_t read_timeout(int fd, void *buf, size_t n, int timeout_ms)
{
	long long deadline = timeout_ms < 0 ? 0 : now_ms() + timeout_ms;

	for (;;) {
		int t = timeout_ms < 0 ? -1 : remaining_ms(deadline);
		int r = fd_wait(fd, POLLIN, t);
		if (r < 0)
			return -1;
		if (r == 0)
			return -2;
		ssize_t got = read(fd, buf, n);
		if (got >= 0)
			return got;
		/* Spurious readiness on a non-blocking fd, or a signal: wait again. */
		if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
	}
}

/* The loop of write_timeout, on a descriptor that is non-blocking. */
static int write_timeout_nonblock(int fd, const char *p, size_t n, int timeout_ms)
{
	long long deadline = timeout_ms < 0 ? 0 : now_ms() + timeout_ms;

	while (n > 0) {
		int t = timeout_ms < 0 ? -1 : remaining_ms(deadline);
		int r = fd_wait(fd, POLLOUT, t);
		if (r < 0)
			return -1;
		if (r == 0)
			return -2;
		ssize_t w = write_nosigpipe(fd, p, n);
		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int write_timeout(int fd, const void *buf, size_t n, int timeout_ms)
{
	int fl = fcntl(fd, F_GETFL);
	int ret, saved;

	if (fl < 0)
		return -1;
	/* POLLOUT only promises some room: a blocking write() larger than that could outlive the
	 * deadline, so the descriptor is non-blocking for the duration of the call. */
	if (!(fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	ret = write_timeout_nonblock(fd, buf, n, timeout_ms);
	saved = errno;
	if (!(fl & O_NONBLOCK))
		(void)fcntl(fd, F_SETFL, fl);
	errno = saved;
	return ret;
}

int fd_set_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	fl = on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
	return fcntl(fd, F_SETFL, fl) < 0 ? -1 : 0;
}

int fd_set_cloexec(int fd, int on)
{
	int fl = fcntl(fd, F_GETFD);

	if (fl < 0)
		return -1;
	fl = on ? fl | FD_CLOEXEC : fl & ~FD_CLOEXEC;
	return fcntl(fd, F_SETFD, fl) < 0 ? -1 : 0;
}

int fsync_parent_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd, ret, saved;

	if (slash == NULL)
		dir = xstrdup(".");
	else if (slash == path)
		dir = xstrdup("/");
	else
		dir = xstrndup(path, (size_t)(slash - path));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -1;
	ret = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return ret < 0 ? -1 : 0;
}

int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
		      const char **error_r)
{
	static char errbuf[256];
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	const char *step;
	int fd, saved;

	fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, mode);
	if (fd < 0) {
		step = "create";
		goto fail;
	}
	/* open() applies the umask; the caller asked for exactly this mode. */
	if (fchmod(fd, mode) < 0) {
		step = "chmod";
		goto fail_unlink;
	}
	if (write_full(fd, data, len) < 0) {
		step = "write";
		goto fail_unlink;
	}
	if (fsync(fd) < 0) {
		step = "fsync";
		goto fail_unlink;
	}
	if (close(fd) < 0) {
		fd = -1;
		step = "close";
		goto fail_unlink;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		step = "rename";
		goto fail_unlink;
	}
	free(tmp);
	/* The new name must survive a crash too, not only the bytes. */
	if (fsync_parent_dir(path) < 0) {
		saved = errno;
		snprintf(errbuf, sizeof(errbuf), "fsync directory of %s: %s", path,
			 strerror(saved));
		*error_r = errbuf;
		errno = saved;
		return -1;
	}
	return 0;

fail_unlink:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved;
fail:
	saved = errno;
	snprintf(errbuf, sizeof(errbuf), "%s %s: %s", step, tmp, strerror(saved));
	free(tmp);
	*error_r = errbuf;
	errno = saved;
	return -1;
}

int read_file(const char *path, size_t max, char **data_r, size_t *len_r)
{
	struct stat st;
	char *data;
	size_t cap, len = 0;
	int fd, saved;

	/* Keep max + 1 (the "one byte too many" probe) from overflowing. */
	if (max > SIZE_MAX / 4)
		max = SIZE_MAX / 4;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		goto fail;
	}
	if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max) {
		errno = EFBIG;
		goto fail;
	}
	/* Read to EOF rather than trusting st_size: the file may grow, or be a pipe. */
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 4096;
	if (cap > max + 1)
		cap = max + 1;
	data = xmalloc(cap + 1);
	for (;;) {
		if (len == cap) {
			if (cap > max) {
				free(data);
				errno = EFBIG;
				goto fail;
			}
			cap = cap > max / 2 ? max + 1 : cap * 2;
			data = xrealloc(data, cap + 1);
		}
		ssize_t r = read_retry(fd, data + len, cap - len);
		if (r < 0) {
			saved = errno;
			free(data);
			errno = saved;
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > max) {
		free(data);
		errno = EFBIG;
		goto fail;
	}
	close(fd);
	data[len] = '\0';
	*data_r = data;
	*len_r = len;
	return 0;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}
