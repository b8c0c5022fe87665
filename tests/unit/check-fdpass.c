/* Unit tests for lib/fdpass.c: descriptors really arrive and work, extras are closed. */
#include "config.h"
#include "fdpass.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

START_TEST(test_pass_pipe_end)
{
	int sv[2], p[2], fd = -2;
	char buf[16];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(fd_send(sv[0], p[1], "client", 6), 0);
	/* Our copy is gone: only the passed one keeps the pipe's write side open. */
	close(p[1]);
	memset(buf, 0, sizeof(buf));
	ck_assert_int_eq(fd_recv(sv[1], &fd, buf, sizeof(buf)), 6);
	ck_assert_str_eq(buf, "client");
	ck_assert_int_ge(fd, 0);
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	ck_assert_int_eq(write(fd, "hello", 5), 5);
	close(fd);
	ck_assert_int_eq(read(p[0], buf, sizeof(buf)), 5);
	ck_assert_int_eq(memcmp(buf, "hello", 5), 0);
	ck_assert_int_eq(read(p[0], buf, sizeof(buf)), 0);
	close(p[0]);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_pass_across_processes)
{
	int sv[2], fd = -2, status;
	char buf[32];
	pid_t pid;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* The child opens something the parent never had and hands it over. */
		int p[2];
		close(sv[1]);
		if (pipe(p) < 0 || write(p[1], "from child", 10) != 10)
			_exit(2);
		close(p[1]);
		_exit(fd_send(sv[0], p[0], "R", 1) == 0 ? 0 : 3);
	}
	close(sv[0]);
	ck_assert_int_eq(fd_recv(sv[1], &fd, buf, sizeof(buf)), 1);
	ck_assert_int_eq(buf[0], 'R');
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(read(fd, buf, sizeof(buf)), 10);
	ck_assert_int_eq(memcmp(buf, "from child", 10), 0);
	close(fd);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* The child is gone: EOF, and no descriptor. */
	fd = -2;
	ck_assert_int_eq(fd_recv(sv[1], &fd, buf, sizeof(buf)), 0);
	ck_assert_int_eq(fd, -1);
	close(sv[1]);
}
END_TEST

START_TEST(test_message_without_fd)
{
	int sv[2], fd = -2;
	char buf[16];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(write(sv[0], "abc", 3), 3);
	ck_assert_int_eq(fd_recv(sv[1], &fd, buf, sizeof(buf)), 3);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(memcmp(buf, "abc", 3), 0);
	close(sv[0]);
	fd = -2;
	ck_assert_int_eq(fd_recv(sv[1], &fd, buf, sizeof(buf)), 0);
	ck_assert_int_eq(fd, -1);
	close(sv[1]);
	/* A closed socket is an error. */
	fd = -2;
	ck_assert_int_eq(fd_recv(sv[1], &fd, buf, sizeof(buf)), -1);
	ck_assert_int_eq(fd, -1);
}
END_TEST

START_TEST(test_send_refuses_empty_message)
{
	int sv[2], p[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(fd_send(sv[0], p[0], "", 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(fd_send(sv[0], -1, "x", 1), -1);
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_extra_fds_are_closed)
{
	int sv[2], a[2], b[2], fds[2], fd = -2;
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(fds))];
	} cmsg;
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	struct msghdr msg;
	struct cmsghdr *c;
	char buf[4];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(pipe(a), 0);
	ck_assert_int_eq(pipe(b), 0);
	fds[0] = a[1];
	fds[1] = b[1];
	memset(&msg, 0, sizeof(msg));
	memset(&cmsg, 0, sizeof(cmsg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cmsg.buf;
	msg.msg_controllen = sizeof(cmsg.buf);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(c), fds, sizeof(fds));
	ck_assert_int_eq(sendmsg(sv[0], &msg, 0), 1);
	close(a[1]);
	close(b[1]);

	ck_assert_int_eq(fd_recv(sv[1], &fd, buf, sizeof(buf)), 1);
	ck_assert_int_ge(fd, 0);
	/* The second descriptor was closed by fd_recv: pipe b sees EOF at once. */
	ck_assert_int_eq(read(b[0], buf, sizeof(buf)), 0);
	/* The first is the one we got: pipe a is still open for writing. */
	ck_assert_int_eq(fcntl(a[0], F_SETFL, O_NONBLOCK), 0);
	ck_assert_int_eq(read(a[0], buf, sizeof(buf)), -1);
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_int_eq(write(fd, "y", 1), 1);
	ck_assert_int_eq(read(a[0], buf, sizeof(buf)), 1);
	close(fd);
	close(a[0]);
	close(b[0]);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_large_message_with_fd)
{
	enum { N = 300000 };
	int sv[2], p[2], fd = -2, status;
	char *data = malloc(N), *got = malloc(N);
	size_t have = 0;
	pid_t pid;

	for (int i = 0; i < N; i++)
		data[i] = (char)(i % 253);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(pipe(p), 0);
	/* Larger than the socket buffer: sendmsg is partial, fd_send finishes the data. */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(fd_send(sv[0], p[1], data, N) == 0 ? 0 : 1);
	close(p[1]);
	close(sv[0]);
	while (have < N) {
		int f = -2;
		ssize_t r = fd_recv(sv[1], &f, got + have, N - have);
		ck_assert_int_gt(r, 0);
		if (f >= 0) {
			ck_assert_int_eq(fd, -2);
			fd = f;
		}
		have += (size_t)r;
	}
	ck_assert_int_eq(memcmp(got, data, N), 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(write(fd, "z", 1), 1);
	close(fd);
	close(p[0]);
	close(sv[1]);
	free(data);
	free(got);
}
END_TEST

static Suite *fdpass_suite(void)
{
	Suite *s = suite_create("fdpass");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_pass_pipe_end);
	tcase_add_test(tc, test_pass_across_processes);
	tcase_add_test(tc, test_message_without_fd);
	tcase_add_test(tc, test_send_refuses_empty_message);
	tcase_add_test(tc, test_extra_fds_are_closed);
	tcase_add_test(tc, test_large_message_with_fd);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(fdpass_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
