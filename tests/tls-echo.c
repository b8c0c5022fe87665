/* tls-echo: a test tool for lib/tls. Does implicit TLS as a server on fds 0/1 (as a login
 * program started by hato-tcpd would), then echoes every byte back through tls_proxy and a
 * socketpair to an echoing child. First line sent: "SNI=<name|-> PROTO=<version>
 * RESUMED=<0|1>\r\n", so tests can check what the handshake picked. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tls.h"

static void echo_loop(int fd)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (write(fd, buf, (size_t)n) != n)
			break;
	}
}

int main(void)
{
	struct tls_server *srv;
	struct tls_session *ts;
	const char *error;
	char hello[512];
	int sp[2], rc;
	pid_t pid;

	signal(SIGPIPE, SIG_IGN);
	if (tls_server_new_from_env(&srv, &error) < 0) {
		fprintf(stderr, "tls-echo: %s\n", error);
		return 1;
	}
	if (tls_server_start(srv, 0, 1, &ts, &error) < 0) {
		fprintf(stderr, "tls-echo: %s\n", error);
		tls_server_free(srv);
		return 1;
	}
	snprintf(hello, sizeof(hello), "SNI=%s PROTO=%s RESUMED=%d\r\n",
		 tls_session_server_name(ts) != NULL ? tls_session_server_name(ts) : "-",
		 tls_session_protocol(ts), tls_session_resumed(ts));
	if (tls_write(ts, hello, strlen(hello)) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0)
		return 1;
	pid = fork();
	if (pid == 0) {
		close(sp[0]);
		echo_loop(sp[1]);
		_exit(0);
	}
	close(sp[1]);
	rc = tls_proxy(ts, sp[0]);
	close(sp[0]);
	waitpid(pid, NULL, 0);
	tls_session_free(ts);
	tls_server_free(srv);
	return rc == 0 ? 0 : 1;
}
