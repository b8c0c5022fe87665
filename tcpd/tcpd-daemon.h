/* hato-tcpd's process management: pid file, -stop / -restart, background start,
 * the shared stderr logger. */
#ifndef HATO_TCPD_DAEMON_H
#define HATO_TCPD_DAEMON_H

#include <sys/types.h>

/* The pid in a pid file, or -1 if it is missing, unreadable or names no live process. */
pid_t tcpd_daemon_read_pid(const char *path);
/* -stop: SIGTERM the running tcpd and wait (up to 30 s) until it is gone. -restart: SIGHUP.
 * Returns the exit status for main(). */
int tcpd_daemon_signal(const char *pidfile, int sig);
/* Go to the background (fork, setsid; the parent exits 0), write pidfile, point stdin and
 * stdout at /dev/null. Returns 0, or -1 with *error_r. */
int tcpd_daemon_start(const char *pidfile, const char **error_r);
/* Send our stderr (and so every child's) to a file opened for append. */
int tcpd_daemon_stderr_file(const char *path, const char **error_r);
/* Start prog (argv: prog, name) reading our stderr through a pipe; it is not our child
 * (double fork) so it never needs reaping and gets EOF when the last writer exits. */
int tcpd_daemon_stderr_logger(const char *prog, const char *name, const char **error_r);

#endif
