/* Pid files, background start and stderr plumbing for hato-tcpd. */
#include "config.h"
#include "tcpd-daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

pid_t tcpd_daemon_read_pid(const char *path)
{
	FILE *f = fopen(path, "r");
	long pid = -1;

	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld", &pid) != 1 || pid <= 1)
		pid = -1;
	fclose(f);
	if (pid > 1 && kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		pid = -1;
	return (pid_t)pid;
}

int tcpd_daemon_signal(const char *pidfile, int sig)
{
	pid_t pid = tcpd_daemon_read_pid(pidfile);

	if (pid < 0) {
		fprintf(stderr, "%s: not running\n", pidfile);
		return sig == SIGTERM ? 0 : 1;
	}
	if (kill(pid, sig) < 0) {
		fprintf(stderr, "kill %ld: %s\n", (long)pid, strerror(errno));
		return 1;
	}
	if (sig != SIGTERM)
		return 0;
	for (int i = 0; i < 300; i++) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		if (kill(pid, 0) < 0 && errno == ESRCH)
			return 0;
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "%ld did not stop within 30 seconds\n", (long)pid);
	return 1;
}

int tcpd_daemon_start(const char *pidfile, const char **error_r)
{
	pid_t pid = tcpd_daemon_read_pid(pidfile);
	FILE *f;
	int null;

	if (pid > 0) {
		*error_r = "already running (pid file names a live process)";
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		*error_r = strerror(errno);
		return -1;
	}
	if (pid > 0)
		_exit(0);
	(void)setsid();
	f = fopen(pidfile, "w");
	if (f == NULL || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0) {
		*error_r = strerror(errno);
		return -1;
	}
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		(void)dup2(null, 0);
		(void)dup2(null, 1);
		if (null > 2)
			close(null);
	}
	return 0;
}

int tcpd_daemon_stderr_file(const char *path, const char **error_r)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0 || dup2(fd, 2) < 0) {
		*error_r = strerror(errno);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (fd != 2)
		close(fd);
	return 0;
}

int tcpd_daemon_stderr_logger(const char *prog, const char *name, const char **error_r)
{
	int p[2], status;
	pid_t pid;

	if (pipe(p) < 0) {
		*error_r = strerror(errno);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		*error_r = strerror(errno);
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		signal(SIGHUP, SIG_IGN);
		signal(SIGTERM, SIG_DFL);
		if (dup2(p[0], 0) < 0 || null < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
			_exit(1);
		close(p[0]);
		close(p[1]);
		if (fork() != 0)
			_exit(0);
		execl(prog, prog, name, (char *)NULL);
		_exit(1);
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (dup2(p[1], 2) < 0) {
		*error_r = strerror(errno);
		close(p[1]);
		return -1;
	}
	close(p[1]);
	return 0;
}
