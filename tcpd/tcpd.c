/* hato-tcpd: the couriertcpd-compatible listener (courier-formats §3, DESIGN.md §2).
 * Accepts on its ports, applies the access file and the connection limits in the parent
 * (no fork for a refused client), forks and execs the login program with the socket on
 * fds 0 and 1 and couriertcpd's environment. SIGTERM ends children, SIGHUP reopens the
 * access file, SIGCHLD is reaped at once. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "tcpd-access.h"
#include "tcpd-accessdb.h"
#include "tcpd-child.h"
#include "tcpd-daemon.h"
#include "tcpd-options.h"
#include "tcpd-ports.h"
#include "tcpd-setup.h"
#include "tcpd-slots.h"

#define MAX_LISTENERS (2 * TCPD_PORTS_MAX)
#define STOP_TIMEOUT_MS 10000 /* children get this long after SIGTERM, then SIGKILL */
#define ACCEPT_BATCH 16

static volatile sig_atomic_t got_term, got_hup, got_chld;
static int sig_pipe[2] = { -1, -1 };

struct tcpd {
	struct tcpd_setup setup;
	struct tcpd_listener listener[MAX_LISTENERS];
	int nlisteners;
	struct tcpd_slots *slots;
	struct tcpd_accessdb *db;
	time_t last_warn, last_alert;
};

static void on_signal(int sig)
{
	int saved = errno;

	if (sig == SIGTERM || sig == SIGINT)
		got_term = 1;
	else if (sig == SIGHUP)
		got_hup = 1;
	else if (sig == SIGCHLD)
		got_chld = 1;
	(void)write(sig_pipe[1], "", 1);
	errno = saved;
}

static void signals_init(void)
{
	struct sigaction sa;

	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		fatal("pipe");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void signals_reset_child(void)
{
	sigset_t none;

	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void reopen_access(struct tcpd *t)
{
	const char *error;

	if (t->setup.opt.access == NULL)
		return;
	tcpd_accessdb_close(t->db);
	t->db = tcpd_accessdb_open(t->setup.opt.access, &error);
	if (t->db == NULL)
		log_warnx("%s: %s", t->setup.opt.access, error);
}

static void reap(struct tcpd *t)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		(void)tcpd_slots_remove(t->slots, pid);
}

/* One protocol line to a client we will not serve; never blocks (the socket buffer of a
 * fresh connection is empty). */
static void refuse(int fd, const char *line)
{
	char buf[1024];
	int n;

	if (line != NULL && *line != '\0') {
		n = snprintf(buf, sizeof(buf), "%s\r\n", line);
		if (n > 0 && (size_t)n < sizeof(buf))
			(void)send(fd, buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
	}
	close(fd);
}

static char *access_value(struct tcpd *t, const struct sockaddr *sa, int port)
{
	char key[TCPD_ACCESS_KEY_MAX];

	if (t->db == NULL || tcpd_access_key(sa, key, sizeof(key)) < 0)
		return NULL;
	return tcpd_access_lookup(key, port, tcpd_accessdb_fetch, t->db);
}

/* -accesslocal: the local ip.port may deny (silently, as couriertcpd). */
static int local_denied(struct tcpd *t, int fd)
{
	struct sockaddr_storage local;
	socklen_t len = sizeof(local);
	struct tcpd_access_vars ignored = { { NULL }, 0 };
	char *value;
	int port, denied;

	if (!t->setup.opt.accesslocal ||
	    getsockname(fd, (struct sockaddr *)&local, &len) < 0)
		return 0;
	port = local.ss_family == AF_INET ? ntohs(((struct sockaddr_in *)&local)->sin_port)
					  : ntohs(((struct sockaddr_in6 *)&local)->sin6_port);
	value = access_value(t, (struct sockaddr *)&local, port);
	if (value == NULL)
		return 0;
	denied = tcpd_access_parse(value, &ignored) == TCPD_ACCESS_DENY;
	tcpd_access_vars_free(&ignored);
	free(value);
	return denied;
}

static void warn_load(struct tcpd *t)
{
	unsigned int used = tcpd_slots_used(t->slots), max = tcpd_slots_max(t->slots);
	time_t now = time(NULL);

	if (used >= max) {
		if (now - t->last_alert >= 60) {
			t->last_alert = now;
			log_warnx("ALERT: %u maximum active connections.", max);
		}
	} else if (used >= t->setup.warn && now - t->last_warn >= 60) {
		t->last_warn = now;
		log_warnx("%u active connections.", used);
	}
}

static void spawn(struct tcpd *t, int fd, const struct tcpd_listener *l,
		  const struct tcpd_addr *addr, const struct tcpd_access_vars *vars)
{
	sigset_t all, old;
	pid_t pid;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid = fork();
	if (pid == 0) {
		struct tcpd_child c = {
			.sock = fd,
			.tls = l->tls,
			.nodnslookup = t->setup.opt.nodnslookup,
			.stderr_to_socket = t->setup.opt.stderr_to != NULL &&
					    strcmp(t->setup.opt.stderr_to, "socket") == 0,
			.vars = vars,
			.argv = t->setup.argv,
		};
		/* Own process group: SIGTERM at shutdown reaches whatever the login forks. */
		(void)setpgid(0, 0);
		signals_reset_child();
		tcpd_child_exec(&c);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		log_warn("fork");
		close(fd);
		return;
	}
	(void)setpgid(pid, pid);
	(void)tcpd_slots_add(t->slots, pid, addr);
	close(fd);
	warn_load(t);
}

static void handle_connection(struct tcpd *t, int fd, const struct tcpd_listener *l,
			      const struct sockaddr *peer)
{
	struct tcpd_access_vars vars = { { NULL }, 0 };
	struct tcpd_addr addr;
	char ip[64];
	char *value;
	const char *v;
	long maxperip = t->setup.maxperip;

	if (tcpd_addr_from_sockaddr(peer, &addr) < 0 ||
	    tcpd_child_format_ip(peer, ip, sizeof(ip)) < 0) {
		close(fd);
		return;
	}
	value = access_value(t, peer, 0);
	if (value != NULL && tcpd_access_parse(value, &vars) == TCPD_ACCESS_DENY) {
		log_warnx("Access denied for %s", ip);
		refuse(fd, t->setup.denymsg);
		goto out;
	}
	if (local_denied(t, fd)) {
		close(fd);
		goto out;
	}
	if ((v = tcpd_access_vars_get(&vars, "MAXCPERIP")) != NULL && atol(v) > 0)
		maxperip = atol(v);
	if (tcpd_slots_count_ip(t->slots, &addr) >= (unsigned long)maxperip) {
		log_warnx("ALERT: Maximum connection limit reached for %s", ip);
		refuse(fd, t->setup.overlimit);
		goto out;
	}
	if (tcpd_slots_count_c(t->slots, &addr) >= (unsigned long)t->setup.maxperc) {
		log_warnx("ALERT: Maximum connection limit reached for the network of %s", ip);
		refuse(fd, t->setup.overlimit);
		goto out;
	}
	spawn(t, fd, l, &addr, &vars);
out:
	tcpd_access_vars_free(&vars);
	free(value);
}

static void accept_on(struct tcpd *t, const struct tcpd_listener *l)
{
	for (int i = 0; i < ACCEPT_BATCH; i++) {
		struct sockaddr_storage peer;
		socklen_t len = sizeof(peer);
		int fd;

		if (tcpd_slots_used(t->slots) >= tcpd_slots_max(t->slots))
			return; /* -maxprocs: leave the rest in the backlog until a child ends */
		fd = accept4(l->fd, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("accept");
			return;
		}
		/* The servers write whole answers from their own buffers: Nagle would only hold
		 * back the tail of each one until the client's delayed ACK (up to 40 ms a RETR). */
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
		handle_connection(t, fd, l, (struct sockaddr *)&peer);
	}
}

static void drain_sig_pipe(void)
{
	char buf[64];

	while (read(sig_pipe[0], buf, sizeof(buf)) > 0)
		;
}

static void kill_child(pid_t pid, void *ctx)
{
	int sig = *(int *)ctx;

	(void)kill(-pid, sig);
	(void)kill(pid, sig);
}

static void shutdown_children(struct tcpd *t)
{
	struct timespec start, now;
	int sig = SIGTERM;

	for (int i = 0; i < t->nlisteners; i++)
		close(t->listener[i].fd);
	t->nlisteners = 0;
	tcpd_slots_foreach(t->slots, kill_child, &sig);
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (tcpd_slots_used(t->slots) > 0) {
		struct pollfd pfd = { sig_pipe[0], POLLIN, 0 };
		long elapsed;

		reap(t);
		if (tcpd_slots_used(t->slots) == 0)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		elapsed = (now.tv_sec - start.tv_sec) * 1000 +
			  (now.tv_nsec - start.tv_nsec) / 1000000;
		if (elapsed >= STOP_TIMEOUT_MS) {
			sig = SIGKILL;
			tcpd_slots_foreach(t->slots, kill_child, &sig);
			while (tcpd_slots_used(t->slots) > 0) {
				pid_t pid = waitpid(-1, NULL, 0);
				if (pid < 0 && errno != EINTR)
					break;
				if (pid > 0)
					(void)tcpd_slots_remove(t->slots, pid);
			}
			break;
		}
		(void)poll(&pfd, 1, 100);
		drain_sig_pipe();
	}
}

static void run(struct tcpd *t)
{
	struct pollfd pfd[MAX_LISTENERS + 1];

	while (!got_term) {
		int full = tcpd_slots_used(t->slots) >= tcpd_slots_max(t->slots);
		int n = 0;

		pfd[n++] = (struct pollfd){ sig_pipe[0], POLLIN, 0 };
		for (int i = 0; !full && i < t->nlisteners; i++)
			pfd[n++] = (struct pollfd){ t->listener[i].fd, POLLIN, 0 };
		if (poll(pfd, (nfds_t)n, -1) < 0 && errno != EINTR)
			fatal("poll");
		if (pfd[0].revents != 0)
			drain_sig_pipe();
		if (got_chld) {
			got_chld = 0;
			reap(t);
		}
		if (got_hup) {
			got_hup = 0;
			log_info("SIGHUP: reopening the access file");
			reopen_access(t);
		}
		for (int i = 1; !got_term && i < n; i++) {
			if (pfd[i].revents != 0)
				accept_on(t, &t->listener[i - 1]);
		}
	}
	shutdown_children(t);
}

/* Make sure 0, 1 and 2 are open, so no socket we accept lands there. */
static void sanitize_std_fds(void)
{
	int fd;

	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
}

int main(int argc, char **argv)
{
	struct tcpd t;
	const char *error;

	memset(&t, 0, sizeof(t));
	sanitize_std_fds();
	log_init("hato-tcpd", LOG_TARGET_STDERR);
	if (tcpd_setup(&t.setup, argc, argv, &error) < 0) {
		fprintf(stderr, "%s\n", error);
		return 1;
	}
	if (t.setup.opt.stop)
		return tcpd_daemon_signal(t.setup.opt.pid, SIGTERM);
	if (t.setup.opt.restart)
		return tcpd_daemon_signal(t.setup.opt.pid, SIGHUP);
	if (t.setup.opt.noidentlookup)
		log_warnx("-noidentlookup is obsolete and ignored");
	t.nlisteners = tcpd_ports_bind(&t.setup.ports, (int)t.setup.opt.listen, t.listener,
				       MAX_LISTENERS, &error);
	if (t.nlisteners < 0)
		fatalx("%s", error);
	if (t.setup.opt.pid != NULL && tcpd_daemon_start(t.setup.opt.pid, &error) < 0)
		fatalx("%s: %s", t.setup.opt.pid, error);
	if (tcpd_setup_drop_privileges(&t.setup, &error) < 0)
		fatalx("%s", error);
	if (t.setup.opt.stderrlogger != NULL) {
		const char *name = t.setup.opt.stderrloggername;
		if (name == NULL || *name == '\0') {
			name = strrchr(t.setup.argv[0], '/');
			name = name != NULL ? name + 1 : t.setup.argv[0];
		}
		if (tcpd_daemon_stderr_logger(t.setup.opt.stderrlogger, name, &error) < 0)
			fatalx("-stderrlogger: %s", error);
	} else if (t.setup.opt.stderr_to != NULL && strcmp(t.setup.opt.stderr_to, "socket") != 0) {
		if (tcpd_daemon_stderr_file(t.setup.opt.stderr_to, &error) < 0)
			fatalx("%s: %s", t.setup.opt.stderr_to, error);
	}
	reopen_access(&t);
	t.slots = tcpd_slots_new((unsigned int)t.setup.maxprocs);
	signals_init();
	run(&t);
	if (t.setup.opt.pid != NULL)
		(void)unlink(t.setup.opt.pid);
	tcpd_accessdb_close(t.db);
	tcpd_slots_free(t.slots);
	tcpd_setup_deinit(&t.setup);
	return 0;
}
