/* Passing file descriptors over UNIX sockets (SCM_RIGHTS) with a small message beside them:
 * how the login parent hands a plain client socket to the mail program, no proxy left behind. */
#ifndef HATO_FDPASS_H
#define HATO_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

/* Send len bytes (len >= 1) and the descriptor fd. Returns 0 or -1 (errno set). */
int fd_send(int sock, int fd, const void *data, size_t len);
/* Receive up to size bytes and at most one descriptor. *fd_r is -1 if none came.
 * Extra descriptors are closed. Returns bytes received (0 = EOF) or -1. */
ssize_t fd_recv(int sock, int *fd_r, void *data, size_t size);

#endif
