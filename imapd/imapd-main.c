/* imapd: the IMAP mail program run after login, as the mail user, on the client connection
 * (fd 0/1) in the user's Maildir (Courier's "imapd Maildir"). */
#include "config.h"
#include "imap-client.h"
#include "imap-trash.h"
#include "env.h"
#include "log-courier.h"
#include "log.h"
#include "safe-io.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define IMAPD_DEFAULT_IDLE_SECONDS 1800 /* RFC 3501 §5.4: at least 30 minutes */

static _Noreturn void refuse(const char *line, const char *logmsg)
{
	log_warnx("%s", logmsg);
	(void)write_timeout(STDOUT_FILENO, line, strlen(line), 10000);
	exit(1);
}

int main(int argc, char **argv)
{
	static const char *const kinds[] = {
		[IMAP_CLIENT_LOGOUT] = "LOGOUT",
		[IMAP_CLIENT_TIMEOUT] = "TIMEOUT",
		[IMAP_CLIENT_DISCONNECTED] = "DISCONNECTED",
	};
	const char *user = getenv("AUTHENTICATED"), *ip = getenv("TCPREMOTEIP");
	struct imap_client_settings set;
	struct imap_client_counters counters;
	enum imap_client_end end;
	time_t start = time(NULL);
	int argi = 1;

	log_init("imapd", LOG_TARGET_STDERR);
	signal(SIGPIPE, SIG_IGN);
	memset(&set, 0, sizeof(set));
	if (argc > argi && strcmp(argv[argi], "-t") == 0) {
		set.preauth = true; /* transcripts and standalone use: greet with PREAUTH */
		argi++;
	}
	if (getuid() == 0 || geteuid() == 0)
		refuse("* BYE Internal error: imapd must not run as root.\r\n",
		       "refusing to run as root");
	if (argc > argi + 1)
		refuse("* BYE Internal error: bad arguments.\r\n", "usage: imapd [-t] [Maildir]");
	if (argc == argi + 1 && chdir(argv[argi]) < 0)
		refuse("* BYE Maildir invalid.\r\n", "cannot enter the Maildir");
	if (access("cur", F_OK) < 0)
		refuse("* BYE Maildir invalid (no 'cur' directory).\r\n", "no cur/ in the Maildir");
	if (getenv("HATO_IMAPD_PREAUTH") != NULL && strcmp(getenv("HATO_IMAPD_PREAUTH"), "1") == 0)
		set.preauth = true;
	set.in_fd = STDIN_FILENO;
	set.out_fd = STDOUT_FILENO;
	set.pipelined_fd = (int)env_long("HATO_PIPELINED_FD", 3, 65535, -1);
	if (set.pipelined_fd >= 0 && fcntl(set.pipelined_fd, F_GETFD) < 0) {
		log_warnx("HATO_PIPELINED_FD=%d is not open", set.pipelined_fd);
		set.pipelined_fd = -1;
	}
	/* IMAP_IDLE_TIMEOUT is Courier's IDLE poll interval; the wait for a command is 30 min. */
	set.idle_timeout_ms =
		(int)env_long("HATO_IMAPD_TIMEOUT", 1, 86400, IMAPD_DEFAULT_IDLE_SECONDS) * 1000;
	/* Courier: seconds between folder re-reads in IDLE; inotify wakes earlier. */
	set.idle_poll_ms = (int)env_long("IMAP_IDLE_TIMEOUT", 1, 3600, 60) * 1000;
	set.notify_poll = env_long("HATO_IMAPD_NOTIFY_POLL", 0, 1, 0) == 1;
	set.keywords = env_long("IMAP_KEYWORDS", 0, 2, 1) != 0;
	/* Courier's IMAP_EMPTYTRASH: old mail leaves the listed folders at login and logout. */
	imap_trash_empty();
	end = imap_client_run(&set, &counters);
	imap_trash_empty();
	if (set.pipelined_fd >= 0)
		close(set.pipelined_fd);
	log_courier_imap_logout(kinds[end], user, ip, counters.headers, counters.body,
				counters.rcvd, counters.sent, (unsigned long)(time(NULL) - start));
	return 0;
}
