/* tls_proxy: relay between a TLS client and a plaintext fd (the login's socketpair to the
 * mail program), as Courier's couriertls and Dovecot's login proxies do. */
#include "config.h"
#include "tls.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "safe-io.h"
#include "tls-private.h"

#define PROXY_BUF 16384

int tls_proxy(struct tls_session *session, int plain_fd)
{
	char buf[PROXY_BUF];
	int tls_fd = tls_session_fd(session);
	int tls_open = 1; /* the client may still send */

	for (;;) {
		struct pollfd pfd[2] = { { tls_open ? tls_fd : -1, POLLIN, 0 },
					 { plain_fd, POLLIN, 0 } };
		int pending = tls_open && tls_session_pending(session);
		ssize_t n;

		if (!pending && poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (pending || (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			n = tls_read(session, buf, sizeof(buf));
			if (n < 0)
				return -1;
			if (n == 0) {
				/* The client finished sending: the program sees EOF, and may still
				 * answer (a half-close, as after a pipelined QUIT). */
				(void)shutdown(plain_fd, SHUT_WR);
				tls_open = 0;
			} else if (write_full(plain_fd, buf, (size_t)n) < 0) {
				return -1;
			}
		}
		if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			do {
				n = read(plain_fd, buf, sizeof(buf));
			} while (n < 0 && errno == EINTR);
			if (n <= 0)
				return n == 0 ? 0 : -1; /* tls_session_free sends close_notify */
			if (tls_write(session, buf, (size_t)n) < 0)
				return -1;
		}
	}
}
