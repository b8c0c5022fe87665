/* authdaemond: answers Courier's authdaemon protocol on <dir>/socket (one request per
 * connection) and Dovecot's auth client protocol on <dir>/auth-client (SASL exchanges) from the
 * configured backends, in a single poll() loop with bounded requests, timeouts and a growing
 * per-IP delay before failure replies. SIGHUP rereads authdaemonrc; SIGTERM removes the sockets
 * and exits. */
#include "config.h"
#include "auth-chain.h"
#include "authd-courier.h"
#include "authd-dovecot.h"
#include "authd-faildelay.h"
#include "conffile.h"
#include "log.h"
#include "proto-courier.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 128
#define REQUEST_TIMEOUT_MS 10000
#define IDLE_TIMEOUT_MS (10 * 60 * 1000) /* auth-client connections are long-lived */

struct conn {
	int fd;
	struct buf in, out;
	uint64_t deadline;
	uint64_t reply_at; /* 0 = not answered yet */
	size_t written;
	int draining; /* reply sent: discard input until EOF, so unread bytes cause no reset */
	struct authd_dovecot_conn *dc; /* NULL on the Courier socket */
};

struct daemon {
	const char *rcfile;
	struct conffile *cf;
	struct auth_chain *chain;
	const char *defoptions;
	uint64_t faildelay_ms;
	int listen_fd, dovecot_fd;
	unsigned long cuid;
	char hostname[256];
	struct conn conns[MAX_CONNS];
	size_t nconns;
};

static volatile sig_atomic_t stopping, reloading;

static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

static void on_hup(int sig)
{
	(void)sig;
	reloading = 1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Bind <dir>/socket via socket.tmp + rename, mode 0777: the directory gates access. */
static int listen_unix(const char *dir, const char *name)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char tmp[sizeof(sun.sun_path)], final[sizeof(sun.sun_path)];
	int fd;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/%s.tmp", dir, name) >= sizeof(tmp) ||
	    (size_t)snprintf(final, sizeof(final), "%s/%s", dir, name) >= sizeof(final))
		fatalx("socket path too long: %s/%s", dir, name);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fatal("socket");
	unlink(tmp);
	memcpy(sun.sun_path, tmp, strlen(tmp) + 1);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		fatal("bind %s", tmp);
	if (chmod(tmp, 0777) < 0 || rename(tmp, final) < 0)
		fatal("install %s", final);
	if (listen(fd, 64) < 0)
		fatal("listen %s", final);
	return fd;
}

static void conn_close(struct daemon *d, size_t i)
{
	struct conn *c = &d->conns[i];

	close(c->fd);
	if (c->dc != NULL)
		authd_dovecot_conn_free(c->dc);
	buf_free_secure(&c->in);
	buf_free(&c->out);
	d->conns[i] = d->conns[--d->nconns];
}

/* Parse what has arrived; answer once a whole request is in. Returns -1 to close now. */
static int conn_request(struct daemon *d, struct conn *c)
{
	struct proto_courier_request req;
	const char *error = NULL, *logline = "";
	enum authd_outcome o;

	switch (proto_courier_parse(c->in.data, c->in.len, &req, &error)) {
	case PROTO_COURIER_NEED_MORE:
		return 0;
	case PROTO_COURIER_BAD:
		log_warnx("bad request: %s", error);
		buf_puts(&c->out, "FAIL\n");
		c->reply_at = now_ms();
		return 0;
	case PROTO_COURIER_DONE:
		break;
	}
	o = authd_courier_answer(d->chain, d->defoptions, &req, &c->out, &logline);
	if (o == AUTHD_TEMPFAIL) {
		log_warnx("temporary failure: %s", logline != NULL ? logline : "");
		proto_courier_request_clear(&req);
		return -1;
	}
	c->reply_at = now_ms();
	if (req.cmd == PROTO_COURIER_PASSWD) {
		log_info("password change %s for %s, ip=[%s]: %s",
			 o == AUTHD_REPLY ? "succeeded" : "failed", req.user,
			 req.remote_ip != NULL ? req.remote_ip : "", logline);
		if (o == AUTHD_AUTHFAIL)
			c->reply_at +=
				authd_faildelay_fail(req.remote_ip, c->reply_at, d->faildelay_ms);
	} else if (o == AUTHD_AUTHFAIL) {
		log_info("authentication failed, ip=[%s]: %s",
			 req.remote_ip != NULL ? req.remote_ip : "", logline);
		c->reply_at += authd_faildelay_fail(req.remote_ip, c->reply_at, d->faildelay_ms);
	}
	proto_courier_request_clear(&req);
	return 0;
}

/* auth-client: handle every complete line; replies go out once reply_at has passed. */
static int dovecot_io(struct daemon *d, struct conn *c, short revents)
{
	uint64_t now = now_ms();

	if ((revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
		char tmp[4096];
		ssize_t n = read(c->fd, tmp, sizeof(tmp));
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			return -1;
		if (n > 0)
			buf_append(&c->in, tmp, (size_t)n);
		secure_zero(tmp, sizeof(tmp));
		char *nl;
		while ((nl = memchr(c->in.data, '\n', c->in.len)) != NULL) {
			size_t len = (size_t)(nl - c->in.data);
			int failed = 0;
			char *rip = NULL;
			if (authd_dovecot_line(c->dc, c->in.data, len, &c->out, &failed, &rip) < 0) {
				log_warnx("auth-client: protocol error, closing");
				free(rip);
				return -1;
			}
			buf_consume(&c->in, len + 1);
			if (c->reply_at < now)
				c->reply_at = now;
			if (failed) {
				log_info("authentication failed, ip=[%s]", rip != NULL ? rip : "");
				c->reply_at = now + authd_faildelay_fail(rip, now, d->faildelay_ms);
			}
			free(rip);
		}
		if (c->in.len > 16384 + 1)
			return -1;
		c->deadline = now + IDLE_TIMEOUT_MS;
	}
	if (c->written < c->out.len && c->reply_at <= now) {
		ssize_t n = write(c->fd, c->out.data + c->written, c->out.len - c->written);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		c->written += (size_t)n;
		if (c->written == c->out.len) {
			buf_reset(&c->out);
			c->written = 0;
		}
	}
	return 0;
}

/* Returns -1 when the connection is finished or broken. */
static int conn_io(struct daemon *d, struct conn *c, short revents)
{
	if (c->dc != NULL)
		return dovecot_io(d, c, revents);
	if (c->draining) {
		char tmp[4096];
		ssize_t n = read(c->fd, tmp, sizeof(tmp));
		return n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR)) ? 0 : -1;
	}
	if (c->reply_at == 0 && (revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
		char tmp[4096];
		ssize_t n = read(c->fd, tmp, sizeof(tmp));
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		if (n == 0)
			return -1; /* EOF before a whole request: close silently */
		buf_append(&c->in, tmp, (size_t)n);
		secure_zero(tmp, (size_t)n);
		if (conn_request(d, c) < 0)
			return -1;
	}
	if (c->reply_at != 0 && now_ms() >= c->reply_at) {
		ssize_t n = write(c->fd, c->out.data + c->written, c->out.len - c->written);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		c->written += (size_t)n;
		if (c->written == c->out.len) {
			/* One request per connection: end our side, then drain what the client
			 * still sends (Cyrus SASL's extra newline) for at most a second. */
			shutdown(c->fd, SHUT_WR);
			c->draining = 1;
			if (c->deadline > now_ms() + 1000)
				c->deadline = now_ms() + 1000;
		}
	}
	return 0;
}

static void accept_all(struct daemon *d, int lfd)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		if (d->nconns == MAX_CONNS) {
			close(fd); /* overloaded: the client sees a temporary failure */
			continue;
		}
		struct conn *c = &d->conns[d->nconns++];
		memset(c, 0, sizeof(*c));
		c->fd = fd;
		c->deadline = now_ms() + REQUEST_TIMEOUT_MS;
		if (lfd == d->dovecot_fd) {
			c->dc = authd_dovecot_conn_new(d->chain, d->hostname);
			authd_dovecot_handshake(&c->out, (unsigned long)getpid(), ++d->cuid);
			c->reply_at = now_ms();
			c->deadline = now_ms() + IDLE_TIMEOUT_MS;
		}
	}
}

/* Read authdaemonrc and build the backend chain, replacing the running ones (freed after the
 * swap: callers close what still points at the old chain first). On failure nothing changes:
 * returns -1 with the reason logged. */
static int configure(struct daemon *d)
{
	struct conffile *cf = conffile_new();
	const char *error, *warning;
	struct auth_chain *chain;

	if (access(d->rcfile, F_OK) == 0 && conffile_load(cf, d->rcfile, &error) < 0) {
		log_warnx("%s", error);
		conffile_free(cf);
		return -1;
	}
	chain = auth_chain_new(conffile_get_default(cf, "authmodulelist", "authuserdb authshadow"),
			       cf, &warning, &error);
	if (chain == NULL) {
		log_warnx("authmodulelist: %s", error);
		conffile_free(cf);
		return -1;
	}
	if (warning != NULL)
		log_warnx("%s", warning);
	auth_chain_free(d->chain);
	if (d->cf != NULL)
		conffile_free(d->cf);
	d->chain = chain;
	d->cf = cf;
	d->defoptions = conffile_get_default(cf, "DEFAULTOPTIONS", "");
	d->faildelay_ms = (uint64_t)conffile_get_long(cf, "AUTHFAILDELAY", 1000);
	return 0;
}

/* SIGHUP: reread authdaemonrc (modules, userdb path, DEFAULTOPTIONS, AUTHFAILDELAY; not the
 * socket directory). auth-client connections hold SASL state bound to the old chain, so they
 * are closed first (clients reconnect, as after Courier's restart of its children); a
 * Courier-socket request is answered in one step and keeps no chain. */
static void reload(struct daemon *d)
{
	for (size_t i = d->nconns; i-- > 0;)
		if (d->conns[i].dc != NULL)
			conn_close(d, i);
	if (configure(d) < 0)
		log_warnx("SIGHUP: %s not reloaded, keeping the running configuration", d->rcfile);
	else
		log_info("SIGHUP: reread %s", d->rcfile);
}

static void run(struct daemon *d)
{
	struct pollfd pfd[MAX_CONNS + 2];

	while (!stopping) {
		uint64_t now, wake;
		if (reloading) {
			reloading = 0;
			reload(d);
		}
		now = now_ms();
		wake = now + 1000;
		pfd[0] = (struct pollfd){ .fd = d->listen_fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = d->dovecot_fd, .events = POLLIN };
		for (size_t i = 0; i < d->nconns; i++) {
			struct conn *c = &d->conns[i];
			short ev = c->draining || c->reply_at == 0 ? POLLIN
				   : c->reply_at <= now		   ? POLLOUT
								   : 0;
			if (c->dc != NULL)
				ev = POLLIN | (c->written < c->out.len && c->reply_at <= now
						       ? POLLOUT
						       : 0);
			pfd[i + 2] = (struct pollfd){ .fd = c->fd, .events = ev };
			if (c->reply_at > now && c->reply_at < wake)
				wake = c->reply_at;
			if (c->deadline < wake)
				wake = c->deadline;
		}
		int timeout = wake > now ? (int)(wake - now) : 0;
		if (poll(pfd, d->nconns + 2, timeout) < 0 && errno != EINTR)
			fatal("poll");
		now = now_ms();
		/* Walk backwards: conn_close moves the last connection into the freed slot. */
		for (size_t i = d->nconns; i-- > 0;) {
			struct conn *c = &d->conns[i];
			short re = pfd[i + 2].revents;
			if (c->deadline <= now || conn_io(d, c, re) < 0)
				conn_close(d, i);
		}
		if (pfd[0].revents & POLLIN)
			accept_all(d, d->listen_fd);
		if (pfd[1].revents & POLLIN)
			accept_all(d, d->dovecot_fd);
	}
}

static void usage(void)
{
	fprintf(stderr, "Usage: authdaemond [-e] [-f authdaemonrc] [-d authdaemonvar]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *rcfile = HATO_CONFDIR "/authdaemonrc";
	struct daemon d = { 0 };
	char *dir = NULL, *paths[2];
	int opt, to_stderr = 0;

	while ((opt = getopt(argc, argv, "ef:d:")) != -1) {
		switch (opt) {
		case 'e':
			to_stderr = 1;
			break;
		case 'f':
			rcfile = optarg;
			break;
		case 'd':
			dir = xstrdup(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	log_init("authdaemond", to_stderr ? LOG_TARGET_STDERR : LOG_TARGET_SYSLOG);
	d.rcfile = rcfile;
	if (configure(&d) < 0)
		fatalx("cannot start without a configuration");
	if (dir == NULL)
		dir = xstrdup(conffile_get_default(d.cf, "authdaemonvar", HATO_AUTHDAEMONVAR));
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	signal(SIGHUP, on_hup);
	if (gethostname(d.hostname, sizeof(d.hostname) - 1) < 0 || d.hostname[0] == '\0')
		strcpy(d.hostname, "cram");
	d.listen_fd = listen_unix(dir, "socket");
	d.dovecot_fd = listen_unix(dir, "auth-client");
	paths[0] = xasprintf("%s/socket", dir);
	paths[1] = xasprintf("%s/auth-client", dir);
	log_info("listening on %s and %s", paths[0], paths[1]);
	run(&d);
	/* Stopped: no socket file is left for clients to hang on. */
	for (size_t i = 0; i < 2; i++) {
		(void)unlink(paths[i]);
		free(paths[i]);
	}
	close(d.listen_fd);
	close(d.dovecot_fd);
	log_info("stopped");
	while (d.nconns > 0)
		conn_close(&d, d.nconns - 1);
	auth_chain_free(d.chain);
	conffile_free(d.cf);
	free(dir);
	return 0;
}
