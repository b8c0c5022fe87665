/* Become the authenticated account and exec the mail program (DESIGN.md §2, last step). */
#include "login-exec.h"

#include "log.h"
#include "privs.h"
#include "safe-io.h"
#include "xalloc.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A pipe already holding the pipelined bytes, its read end above stdio: the fd number, or -1.
 * The bytes are bounded by the login child's input buffer, far below a pipe's capacity, so
 * writing them all before the reader exists cannot block. */
static int login_exec_pipelined(const char *data, size_t len)
{
	int p[2];

	if (pipe(p) < 0)
		return -1;
	if (write_full(p[1], data, len) < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	close(p[1]);
	if (p[0] <= 2) {
		int fd = fcntl(p[0], F_DUPFD, 3);

		close(p[0]);
		p[0] = fd;
	}
	return p[0];
}

static void login_exec_setenv(const char *name, const char *value)
{
	if (value != NULL)
		setenv(name, value, 1);
	else
		unsetenv(name);
}

int login_exec(const struct login_service *svc, const struct account *acct, int fd,
	       const char *pipelined, size_t len, int tls, int utf8, char **mail_argv)
{
	struct privs_target t = { .uid = acct->uid, .gid = acct->gid,
				  .user = acct->sysusername, .chroot = NULL };
	/* Courier's MAILDIRPATH (from the service's config file) is what its rc script passes as
	 * the Maildir argument: it wins over ours; the account's own maildir over both. */
	const char *maildirpath = getenv("MAILDIRPATH");
	const char *maildir = acct->maildir != NULL ? acct->maildir
			      : maildirpath != NULL && *maildirpath != '\0' ? maildirpath
									  : mail_argv[1];
	char cwd[PATH_MAX], num[32];
	const char *error;
	int pfd = -1;

	if (len > 0 && (pfd = login_exec_pipelined(pipelined, len)) < 0) {
		log_warn("pipe for pipelined input");
		return 1;
	}
	if (dup2(fd, 0) < 0 || dup2(fd, 1) < 0) {
		log_warn("dup2");
		return 1;
	}
	if (fd > 1)
		close(fd);
	if (pfd >= 0) {
		snprintf(num, sizeof(num), "%d", pfd);
		setenv("HATO_PIPELINED_FD", num, 1);
	} else {
		unsetenv("HATO_PIPELINED_FD");
	}
	if (acct->uid == 0) {
		log_warnx("refusing to run the mail program as root for %s", acct->address);
		return 1;
	}
	if (privs_drop(&t, &error) < 0) {
		log_warnx("cannot become %s (uid %lu): %s", acct->address, (unsigned long)acct->uid,
			  error);
		return 1;
	}
	if (acct->home == NULL || chdir(acct->home) < 0) {
		log_warn("%s: home directory %s", acct->address,
			 acct->home != NULL ? acct->home : "(none)");
		return 1;
	}
	if (maildir != NULL && *maildir != '\0' && chdir(maildir) < 0) {
		log_warn("%s: Maildir %s", acct->address, maildir);
		return 1;
	}
	/* The mail program's Maildir argument (Courier's "pop3d Maildir") is relative to home;
	 * we are inside the Maildir now, so it becomes ".". */
	if (mail_argv[1] != NULL)
		mail_argv[1] = (char *)".";
	login_exec_setenv("MAILDIR", getcwd(cwd, sizeof(cwd)));
	setenv("AUTHENTICATED", acct->address, 1);
	setenv("AUTHADDR", acct->address, 1);
	login_exec_setenv("AUTHFULLNAME", acct->fullname);
	setenv("HOME", acct->home, 1);
	login_exec_setenv("OPTIONS", acct->options);
	login_exec_setenv("MAILDIRQUOTA", acct->quota);
	login_exec_setenv(svc->tls_env, tls ? "1" : NULL);
	login_exec_setenv("UTF8", utf8 ? "1" : NULL);
	unsetenv("HATO_TLS");
	execvp(mail_argv[0], mail_argv);
	log_warn("exec %s", mail_argv[0]);
	return 1;
}
