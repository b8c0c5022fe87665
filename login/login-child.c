/* The login child's side of the framework: its privilege drop and the relay to the parent. */
#include "login-common.h"

#include "fdpass.h"
#include "log.h"
#include "privs.h"
#include "xalloc.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *login_child_env(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : def;
}

int login_child_drop(const char **error_r)
{
	const char *user = login_child_env("HATO_LOGIN_USER", HATO_MAILUSER);
	const char *dir = login_child_env("HATO_LOGIN_EMPTYDIR", HATO_EMPTYDIR);
	struct privs_target t = { 0 };

	if (getuid() != 0 && geteuid() != 0)
		return 0;
	if (privs_lookup_user(user, &t.uid, &t.gid, error_r) < 0)
		return -1;
	/* Root-owned and empty: the child can neither write there nor find anything to read. */
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		*error_r = "cannot create the empty chroot directory";
		return -1;
	}
	t.user = NULL;
	t.chroot = dir;
	return privs_drop(&t, error_r);
}

static void login_child_alarm(int sig)
{
	(void)sig;
	_exit(1);
}

unsigned int login_child_timeout(void)
{
	const char *v = getenv("HATO_LOGIN_TIMEOUT");
	struct sigaction sa;
	sigset_t set;
	unsigned long n;
	char *end;

	/* tcpd may pass SIGALRM on ignored or blocked; the timeout must not depend on that. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = login_child_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_UNBLOCK, &set, NULL);

	if (v == NULL || *v == '\0')
		return LOGIN_PREAUTH_TIMEOUT;
	n = strtoul(v, &end, 10);
	return *end == '\0' && n >= 1 && n <= 3600 ? (unsigned int)n : LOGIN_PREAUTH_TIMEOUT;
}

int login_child_send(int sock, enum login_proto_type type, const char *const *fields,
		     unsigned int nfields)
{
	struct buf b = BUF_INIT;
	ssize_t n;

	login_proto_encode(&b, type, fields, nfields);
	do
		n = send(sock, b.data, b.len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	buf_free_secure(&b);
	return n < 0 ? -1 : 0;
}

int login_child_request(int sock, enum login_proto_type type, const char *const *fields,
			unsigned int nfields, uint8_t *rbuf, size_t rbuf_size,
			struct login_proto_msg *reply_r)
{
	const char *error;
	size_t used;
	ssize_t n;

	if (login_child_send(sock, type, fields, nfields) < 0)
		return -1;
	do
		n = recv(sock, rbuf, rbuf_size, 0);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return -1;
	if (login_proto_decode(rbuf, (size_t)n, reply_r, &used, &error) != 1 ||
	    used != (size_t)n || reply_r->type < LOGIN_MSG_CHALLENGE) {
		log_warnx("login child: bad answer from the parent");
		return -1;
	}
	return 0;
}

int login_child_handoff(int sock, int fd, const char *pipelined, size_t len, int tls, int utf8)
{
	struct buf b = BUF_INIT;
	char *copy = xstrndup(pipelined, len);
	const char *fields[3] = { copy, tls ? "1" : "0", utf8 ? "1" : "0" };
	int ret;

	/* A NUL in pipelined input would be cut here; the mail program's parser refuses such a
	 * line anyway, so nothing valid is lost. */
	login_proto_encode(&b, LOGIN_MSG_HANDOFF, fields, 3);
	ret = fd_send(sock, fd, b.data, b.len);
	buf_free_secure(&b);
	secure_zero(copy, len);
	free(copy);
	return ret;
}

static long login_child_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void login_child_linger(void)
{
	long deadline = login_child_now_ms() + LOGIN_LINGER_MS;
	char junk[4096];

	alarm(0);
	if (shutdown(1, SHUT_WR) < 0)
		return; /* not a socket (tests, pipes): nothing to linger on */
	for (;;) {
		struct pollfd pfd = { .fd = 0, .events = POLLIN };
		long left = deadline - login_child_now_ms();
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return;
		n = read(0, junk, sizeof(junk));
		if (n <= 0 && !(n < 0 && errno == EINTR))
			return;
	}
}
