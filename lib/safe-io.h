/* I/O that does what callers mean: whole reads and writes, EINTR retried, timeouts,
 * and atomic file replacement (write temp, fsync, rename, fsync directory). */
#ifndef HATO_SAFE_IO_H
#define HATO_SAFE_IO_H

#include <stddef.h>
#include <sys/types.h>

/* Read until n bytes or EOF. Returns bytes read (< n only at EOF), or -1 on error. */
ssize_t read_full(int fd, void *buf, size_t n);
/* Write all n bytes (on a non-blocking fd, waiting with poll for room). Returns 0, or -1. */
int write_full(int fd, const void *buf, size_t n);
/* read() once, retrying EINTR. */
ssize_t read_retry(int fd, void *buf, size_t n);
/* Wait for fd to become readable (events=POLLIN) or writable (POLLOUT).
 * timeout_ms < 0 waits forever. Returns 1 ready, 0 timed out, -1 error. */
int fd_wait(int fd, short events, int timeout_ms);
/* read() with a timeout: returns bytes (0 = EOF), -1 error, -2 timeout. */
ssize_t read_timeout(int fd, void *buf, size_t n, int timeout_ms);
/* write_full with a timeout for the whole write: 0, -1 error, -2 timeout. The fd is made
 * non-blocking for the duration of the call (a blocking write could outlive the deadline). */
int write_timeout(int fd, const void *buf, size_t n, int timeout_ms);
int fd_set_nonblock(int fd, int on);
int fd_set_cloexec(int fd, int on);

/* Replace path atomically with data: path.tmp.<pid> created with mode, written, fsync'd,
 * renamed over path, then the directory fsync'd. Readers see the old or the new file, whole.
 * Returns 0, or -1 with *error_r describing what failed (errno kept). */
int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
		      const char **error_r);
/* Read a whole (small) file into a malloc'd NUL-terminated buffer; max bounds its size.
 * Returns 0, or -1 with errno (EFBIG if larger than max). */
int read_file(const char *path, size_t max, char **data_r, size_t *len_r);
/* fsync the directory containing path (after a rename or unlink in it). */
int fsync_parent_dir(const char *path);

#endif
