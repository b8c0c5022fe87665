/* pop3d: the POP3 mail program run after login, as the mail user, on the client connection
 * (fd 0/1) in the user's Maildir (Courier's "pop3d Maildir"). */
#include "config.h"
#include "pop3-maildir.h"
#include "pop3d-io.h"
#include "env.h"
#include "log-courier.h"
#include "log.h"
#include "safe-io.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define POP3D_DEFAULT_IDLE_SECONDS 600
/* How long pop3d drains the client's input after its last answer (pop3d_linger). */
#define POP3D_LINGER_MS 2000

/* Send one line to the client and stop: errors before the session starts. */
static _Noreturn void refuse(const char *line, const char *logmsg)
{
	log_warnx("%s", logmsg);
	(void)write_timeout(STDOUT_FILENO, line, strlen(line), 10000);
	exit(1);
}

static unsigned int delete_messages(void *ctx, const unsigned int *idx, unsigned int n)
{
	return pop3_maildir_delete(ctx, idx, n);
}

/* Stop sending, then discard what the client still sends for up to POP3D_LINGER_MS or until it
 * closes: closing with unread input (commands pipelined behind QUIT, a flood cut short) makes
 * the kernel send a RST that can destroy the last answer before the client has read it. */
static void pop3d_linger(void)
{
	struct timespec now, end;
	char junk[4096];

	if (shutdown(STDOUT_FILENO, SHUT_WR) < 0)
		return; /* not a socket (tests with pipes) */
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += POP3D_LINGER_MS / 1000;
	for (;;) {
		long left;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left = (long)(end.tv_sec - now.tv_sec) * 1000 + (end.tv_nsec - now.tv_nsec) / 1000000;
		if (left <= 0 || read_timeout(STDIN_FILENO, junk, sizeof(junk), (int)left) <= 0)
			return;
	}
}

int main(int argc, char **argv)
{
	static const char *const kinds[] = {
		[POP3D_IO_LOGOUT] = "LOGOUT",
		[POP3D_IO_TIMEOUT] = "TIMEOUT",
		[POP3D_IO_DISCONNECTED] = "DISCONNECTED",
	};
	const char *user = getenv("AUTHENTICATED"), *ip = getenv("TCPREMOTEIP");
	const char *port = getenv("TCPREMOTEPORT"), *tls = getenv("POP3_TLS");
	const char *client_error, *error;
	struct pop3d_io_settings set;
	struct pop3_session_counters counters;
	struct pop3_maildir *md;
	enum pop3d_io_end end;
	time_t start = time(NULL);

	log_init("pop3d", LOG_TARGET_STDERR);
	signal(SIGPIPE, SIG_IGN);
	if (getuid() == 0 || geteuid() == 0)
		refuse("-ERR Internal error: pop3d must not run as root.\r\n",
		       "refusing to run as root");
	if (argc > 2)
		refuse("-ERR Internal error: bad arguments.\r\n", "usage: pop3d [Maildir]");
	if (argc == 2 && chdir(argv[1]) < 0)
		refuse("-ERR Maildir invalid (no 'cur' directory)\r\n", "cannot enter the Maildir");
	memset(&set, 0, sizeof(set));
	set.in_fd = STDIN_FILENO;
	set.out_fd = STDOUT_FILENO;
	set.pipelined_fd = (int)env_long("HATO_PIPELINED_FD", 3, 65535, -1);
	if (set.pipelined_fd >= 0 && fcntl(set.pipelined_fd, F_GETFD) < 0) {
		log_warnx("HATO_PIPELINED_FD=%d is not open", set.pipelined_fd);
		set.pipelined_fd = -1;
	}
	set.idle_timeout_ms =
		(int)env_long("POP3_IDLE_TIMEOUT", 1, 86400, POP3D_DEFAULT_IDLE_SECONDS) * 1000;
	if (pop3_maildir_open(".", &md, &client_error, &error) < 0) {
		log_warnx("user=%s, ip=[%s]: %s", user != NULL ? user : "", ip != NULL ? ip : "",
			  error);
		(void)write_timeout(STDOUT_FILENO, client_error, strlen(client_error), 10000);
		return 1;
	}
	end = pop3d_io_run(&set, pop3_maildir_mailbox(md), delete_messages, md, &counters);
	if (set.pipelined_fd >= 0)
		close(set.pipelined_fd);
	log_courier_pop3_logout_tls(kinds[end], user, ip, port, counters.top, counters.retr,
				    counters.rcvd, counters.sent,
				    (unsigned long)(time(NULL) - start),
				    tls != NULL && strcmp(tls, "1") == 0);
	pop3_maildir_free(&md);
	if (end != POP3D_IO_TIMEOUT)
		pop3d_linger();
	return 0;
}
