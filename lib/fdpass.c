/* Descriptor passing over UNIX sockets with SCM_RIGHTS (unix(7)), one fd per message. */
#include "config.h"
#include "fdpass.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

/* Room for a few descriptors, so a peer that sends more cannot leak them into us unclosed. */
#define FDPASS_MAX_FDS 8

int fd_send(int sock, int fd, const void *data, size_t len)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} cmsg;
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr msg;
	struct cmsghdr *c;
	ssize_t n;

	if (len == 0) {
		/* A zero-byte message is indistinguishable from EOF on a stream socket. */
		errno = EINVAL;
		return -1;
	}
	memset(&msg, 0, sizeof(msg));
	memset(&cmsg, 0, sizeof(cmsg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cmsg.buf;
	msg.msg_controllen = sizeof(cmsg.buf);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));

	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n != len) {
		/* The fd went with the first byte; the rest is plain data and must follow. */
		const char *p = (const char *)data + n;
		size_t left = len - (size_t)n;
		while (left > 0) {
			ssize_t w = send(sock, p, left, MSG_NOSIGNAL);
			if (w < 0) {
				if (errno == EINTR)
					continue;
				return -1;
			}
			p += w;
			left -= (size_t)w;
		}
	}
	return 0;
}

ssize_t fd_recv(int sock, int *fd_r, void *data, size_t size)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int) * FDPASS_MAX_FDS)];
	} cmsg;
	struct iovec iov = { .iov_base = data, .iov_len = size };
	struct msghdr msg;
	struct cmsghdr *c;
	ssize_t n;

	*fd_r = -1;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cmsg.buf;
	msg.msg_controllen = sizeof(cmsg.buf);

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;

	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t nfds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < nfds; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (*fd_r < 0)
				*fd_r = fd;
			else
				close(fd);
		}
	}
	if (msg.msg_flags & MSG_CTRUNC) {
		/* Some descriptors were dropped by the kernel: the message is not what was sent. */
		if (*fd_r >= 0)
			close(*fd_r);
		*fd_r = -1;
		errno = EMSGSIZE;
		return -1;
	}
	return n;
}
