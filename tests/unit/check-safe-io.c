/* Unit tests for lib/safe-io.c: whole reads/writes over pipes and sockets, EINTR, timeouts,
 * atomic replacement and bounded file reads. */
#include "config.h"
#include "safe-io.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BIG (1024 * 1024 + 77)

static unsigned char *pattern(size_t n)
{
	unsigned char *p = malloc(n);

	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7 + i / 251);
	return p;
}

/* Fork a writer that sends data with write_full, optionally in slow small pieces. */
static pid_t spawn_writer(int fd, const unsigned char *data, size_t n, size_t piece, int delay_us)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		for (size_t off = 0; off < n; off += piece) {
			size_t len = n - off < piece ? n - off : piece;
			if (write_full(fd, data + off, len) < 0)
				_exit(2);
			if (delay_us > 0)
				usleep((useconds_t)delay_us);
		}
		close(fd);
		_exit(0);
	}
	return pid;
}

static void reap_ok(pid_t pid)
{
	int status;

	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}

START_TEST(test_full_over_pipe)
{
	unsigned char *data = pattern(BIG), *got = malloc(BIG + 10);
	int p[2];
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = spawn_writer(p[1], data, BIG, BIG, 0);
	close(p[1]);
	/* Asking for more than will come: the short count is the EOF. */
	ck_assert_int_eq(read_full(p[0], got, BIG + 10), BIG);
	ck_assert_int_eq(memcmp(got, data, BIG), 0);
	ck_assert_int_eq(read_full(p[0], got, 10), 0);
	close(p[0]);
	reap_ok(pid);
	free(data);
	free(got);
}
END_TEST

START_TEST(test_full_over_small_socket_buffer)
{
	unsigned char *data = pattern(BIG), *got = malloc(BIG);
	int sv[2], size = 4096;
	pid_t pid;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size)), 0);
	ck_assert_int_eq(setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)), 0);
	/* Non-blocking writer: every write is partial or EAGAIN; write_full must not give up. */
	ck_assert_int_eq(fd_set_nonblock(sv[0], 1), 0);
	pid = spawn_writer(sv[0], data, BIG, BIG, 0);
	close(sv[0]);
	ck_assert_int_eq(read_full(sv[1], got, BIG), BIG);
	ck_assert_int_eq(memcmp(got, data, BIG), 0);
	close(sv[1]);
	reap_ok(pid);
	free(data);
	free(got);
}
END_TEST

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

START_TEST(test_full_survives_eintr)
{
	enum { N = 64 * 1024 };
	unsigned char *data = pattern(N), *got = malloc(N);
	struct sigaction sa;
	struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	int p[2];
	pid_t pid;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = 0; /* no SA_RESTART: read() really fails with EINTR */
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	ck_assert_int_eq(pipe(p), 0);
	pid = spawn_writer(p[1], data, N, 1024, 3000);
	close(p[1]);
	alarms = 0;
	ck_assert_int_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
	ck_assert_int_eq(read_full(p[0], got, N), N);
	setitimer(ITIMER_REAL, &off, NULL);
	ck_assert_int_eq(memcmp(got, data, N), 0);
	ck_assert_int_gt(alarms, 10);
	close(p[0]);
	reap_ok(pid);
	free(data);
	free(got);
}
END_TEST

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

START_TEST(test_read_timeout)
{
	char c[8];
	int p[2];
	long long t0;

	ck_assert_int_eq(pipe(p), 0);
	t0 = ms_now();
	ck_assert_int_eq(read_timeout(p[0], c, sizeof(c), 100), -2);
	ck_assert_int_ge(ms_now() - t0, 95);
	ck_assert_int_eq(write(p[1], "ab", 2), 2);
	ck_assert_int_eq(read_timeout(p[0], c, sizeof(c), 100), 2);
	ck_assert_int_eq(memcmp(c, "ab", 2), 0);
	close(p[1]);
	ck_assert_int_eq(read_timeout(p[0], c, sizeof(c), 100), 0);
	close(p[0]);
	/* A closed descriptor is an error, not a timeout. */
	ck_assert_int_eq(read_timeout(p[0], c, sizeof(c), 100), -1);
}
END_TEST

START_TEST(test_write_timeout)
{
	static char chunk[65536];
	int p[2];
	long long t0;
	char *big;

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(write_timeout(p[1], "hello", 5, 100), 0);
	ck_assert_int_eq(read_full(p[0], chunk, 5), 5);
	ck_assert_int_eq(memcmp(chunk, "hello", 5), 0);
	/* Nobody reads: the pipe fills and the whole write times out, even on a blocking fd. */
	big = calloc(1, 4 * 1024 * 1024);
	t0 = ms_now();
	ck_assert_int_eq(write_timeout(p[1], big, 4 * 1024 * 1024, 150), -2);
	ck_assert_int_ge(ms_now() - t0, 145);
	ck_assert_int_lt(ms_now() - t0, 5000);
	ck_assert(!(fcntl(p[1], F_GETFL) & O_NONBLOCK)); /* the caller's flags are restored */
	free(big);
	/* Writing to a pipe with no reader fails with EPIPE, not a timeout. */
	signal(SIGPIPE, SIG_IGN);
	close(p[0]);
	ck_assert_int_eq(write_timeout(p[1], "x", 1, 100), -1);
	ck_assert_int_eq(errno, EPIPE);
	close(p[1]);
}
END_TEST

START_TEST(test_fd_wait_and_flags)
{
	int p[2], fl;

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(fd_wait(p[0], POLLIN, 20), 0);
	ck_assert_int_eq(fd_wait(p[1], POLLOUT, 20), 1);
	ck_assert_int_eq(write(p[1], "x", 1), 1);
	ck_assert_int_eq(fd_wait(p[0], POLLIN, -1), 1);

	ck_assert_int_eq(fd_set_nonblock(p[0], 1), 0);
	fl = fcntl(p[0], F_GETFL);
	ck_assert(fl & O_NONBLOCK);
	ck_assert_int_eq(fd_set_nonblock(p[0], 0), 0);
	fl = fcntl(p[0], F_GETFL);
	ck_assert(!(fl & O_NONBLOCK));
	ck_assert_int_eq(fd_set_cloexec(p[0], 1), 0);
	ck_assert(fcntl(p[0], F_GETFD) & FD_CLOEXEC);
	ck_assert_int_eq(fd_set_cloexec(p[0], 0), 0);
	ck_assert(!(fcntl(p[0], F_GETFD) & FD_CLOEXEC));
	close(p[0]);
	close(p[1]);
	ck_assert_int_eq(fd_wait(p[0], POLLIN, 10), -1);
	ck_assert_int_eq(fd_set_nonblock(p[0], 1), -1);
	ck_assert_int_eq(fd_set_cloexec(p[0], 1), -1);
}
END_TEST

static char dir[64];

static void make_dir(void)
{
	strcpy(dir, "/tmp/check-safe-io.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

/* Entries in dir besides . and .. */
static int dir_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void assert_file(const char *path, const char *content)
{
	char *data;
	size_t len;

	ck_assert_int_eq(read_file(path, 1 << 20, &data, &len), 0);
	ck_assert_uint_eq(len, strlen(content));
	ck_assert_str_eq(data, content);
	free(data);
}

START_TEST(test_write_file_atomic)
{
	char path[128];
	const char *error = NULL;
	struct stat st;

	make_dir();
	snprintf(path, sizeof(path), "%s/state", dir);
	/* The mode is exactly what was asked for, whatever the umask. */
	umask(077);
	ck_assert_int_eq(write_file_atomic(path, "first\n", 6, 0644, &error), 0);
	assert_file(path, "first\n");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0644);
	umask(022);
	ck_assert_int_eq(write_file_atomic(path, "second", 6, 0600, &error), 0);
	assert_file(path, "second");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(write_file_atomic(path, "", 0, 0600, &error), 0);
	assert_file(path, "");
	ck_assert_int_eq(dir_entries(), 1); /* no temp file left behind */

	/* A stale temp of our pid (O_EXCL) fails cleanly and does not touch the target. */
	char tmp[160];
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	ck_assert_int_eq(mkdir(tmp, 0700), 0);
	ck_assert_int_eq(write_file_atomic(path, "third", 5, 0600, &error), -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_ptr_nonnull(strstr(error, "create"));
	assert_file(path, "");
	ck_assert_int_eq(rmdir(tmp), 0);

	/* rename over a non-empty directory fails: the temp file is removed. */
	char sub[160], inner[200];
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	snprintf(inner, sizeof(inner), "%s/sub/x", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	ck_assert_int_eq(write_file_atomic(inner, "x", 1, 0600, &error), 0);
	ck_assert_int_eq(write_file_atomic(sub, "data", 4, 0600, &error), -1);
	ck_assert_ptr_nonnull(strstr(error, "rename"));
	ck_assert_int_eq(dir_entries(), 2);
	unlink(inner);
	rmdir(sub);

	/* A missing directory. */
	snprintf(sub, sizeof(sub), "%s/missing/file", dir);
	ck_assert_int_eq(write_file_atomic(sub, "data", 4, 0600, &error), -1);
	ck_assert_int_eq(errno, ENOENT);
	unlink(path);
	ck_assert_int_eq(dir_entries(), 0);
	rmdir(dir);
}
END_TEST

START_TEST(test_write_file_atomic_write_error)
{
	char path[128];
	pid_t pid;
	int status;

	make_dir();
	snprintf(path, sizeof(path), "%s/state", dir);
	ck_assert_int_eq(write_file_atomic(path, "old content", 11, 0600, &(const char *){ 0 }), 0);
	/* A file size limit makes write() fail half-way: old content must survive, temp gone. */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct rlimit rl = { 100, 100 };
		const char *error = NULL;
		static char data[4096];
		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
			_exit(3);
		if (write_file_atomic(path, data, sizeof(data), 0600, &error) != -1)
			_exit(4);
		if (errno != EFBIG || strstr(error, "write") == NULL)
			_exit(5);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	assert_file(path, "old content");
	ck_assert_int_eq(dir_entries(), 1);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(test_write_file_atomic_readers_see_whole_files)
{
	enum { A_LEN = 5000, B_LEN = 20000, ROUNDS = 300 };
	char path[128];
	char *a = malloc(A_LEN), *b = malloc(B_LEN);
	pid_t pid;

	memset(a, 'a', A_LEN);
	memset(b, 'b', B_LEN);
	make_dir();
	snprintf(path, sizeof(path), "%s/state", dir);
	ck_assert_int_eq(write_file_atomic(path, a, A_LEN, 0600, &(const char *){ 0 }), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		const char *error;
		for (int i = 0; i < ROUNDS; i++)
			if (write_file_atomic(path, i % 2 ? a : b, i % 2 ? A_LEN : B_LEN, 0600,
					      &error) < 0)
				_exit(1);
		_exit(0);
	}
	for (int i = 0; i < ROUNDS; i++) {
		char *data;
		size_t len;
		ck_assert_int_eq(read_file(path, 1 << 20, &data, &len), 0);
		if (len == A_LEN)
			ck_assert_int_eq(memcmp(data, a, A_LEN), 0);
		else if (len == B_LEN)
			ck_assert_int_eq(memcmp(data, b, B_LEN), 0);
		else
			ck_abort_msg("reader saw a partial file of %zu bytes", len);
		free(data);
	}
	reap_ok(pid);
	unlink(path);
	ck_assert_int_eq(dir_entries(), 0);
	rmdir(dir);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_read_file)
{
	char path[128];
	char *data = NULL;
	size_t len = 99;

	make_dir();
	snprintf(path, sizeof(path), "%s/f", dir);
	ck_assert_int_eq(write_file_atomic(path, "0123456789", 10, 0600, &(const char *){ 0 }), 0);
	ck_assert_int_eq(read_file(path, 10, &data, &len), 0);
	ck_assert_uint_eq(len, 10);
	ck_assert_str_eq(data, "0123456789");
	free(data);
	ck_assert_int_eq(read_file(path, 9, &data, &len), -1);
	ck_assert_int_eq(errno, EFBIG);
	ck_assert_int_eq(read_file(path, 0, &data, &len), -1);
	ck_assert_int_eq(errno, EFBIG);
	ck_assert_int_eq(write_file_atomic(path, "", 0, 0600, &(const char *){ 0 }), 0);
	ck_assert_int_eq(read_file(path, 0, &data, &len), 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_str_eq(data, "");
	free(data);
	ck_assert_int_eq(read_file(dir, 100, &data, &len), -1);
	ck_assert_int_eq(errno, EISDIR);
	unlink(path);
	ck_assert_int_eq(read_file(path, 100, &data, &len), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(fsync_parent_dir(path), 0);
	rmdir(dir);
}
END_TEST

START_TEST(test_read_file_fifo_bound)
{
	/* A FIFO has no size to check up front: the bound applies while reading. */
	char path[128];
	char *data;
	size_t len;
	pid_t pid;

	make_dir();
	snprintf(path, sizeof(path), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	for (int round = 0; round < 2; round++) {
		size_t n = round == 0 ? 10000 : 10001;
		unsigned char *src = pattern(n);
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			int fd = open(path, O_WRONLY);
			signal(SIGPIPE, SIG_IGN);
			/* The reader may stop early with EFBIG; a short write is fine then. */
			write_full(fd, src, n);
			_exit(0);
		}
		if (round == 0) {
			ck_assert_int_eq(read_file(path, 10000, &data, &len), 0);
			ck_assert_uint_eq(len, 10000);
			ck_assert_int_eq(memcmp(data, src, len), 0);
			free(data);
		} else {
			ck_assert_int_eq(read_file(path, 10000, &data, &len), -1);
			ck_assert_int_eq(errno, EFBIG);
		}
		reap_ok(pid);
		free(src);
	}
	unlink(path);
	rmdir(dir);
}
END_TEST

static Suite *safe_io_suite(void)
{
	Suite *s = suite_create("safe-io");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_full_over_pipe);
	tcase_add_test(tc, test_full_over_small_socket_buffer);
	tcase_add_test(tc, test_full_survives_eintr);
	tcase_add_test(tc, test_read_timeout);
	tcase_add_test(tc, test_write_timeout);
	tcase_add_test(tc, test_fd_wait_and_flags);
	tcase_add_test(tc, test_write_file_atomic);
	tcase_add_test(tc, test_write_file_atomic_write_error);
	tcase_add_test(tc, test_write_file_atomic_readers_see_whole_files);
	tcase_add_test(tc, test_read_file);
	tcase_add_test(tc, test_read_file_fifo_bound);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(safe_io_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
