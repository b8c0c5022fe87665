/* The login programs' shared connection handling and process split (login-conn.h). */
#include "config.h"
#include "login-conn.h"
#include "log.h"
#include "safe-io.h"
#include "tls.h"

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

ssize_t login_conn_read(struct login_conn *c, void *buf, size_t n)
{
	if (c->tls != NULL)
		return tls_read(c->tls, buf, n);
	return read_retry(0, buf, n);
}

int login_conn_write(struct login_conn *c, struct buf *out)
{
	int ret = 0;

	if (out->len > 0)
		ret = c->tls != NULL ? tls_write(c->tls, out->data, out->len)
				     : write_full(1, out->data, out->len);
	buf_reset(out);
	return ret;
}

int login_conn_handoff(struct login_conn *c, int sock, const char *rest, size_t len, int utf8)
{
	int sp[2], ret;

	alarm(0);
	if (c->tls == NULL)
		return login_child_handoff(sock, 0, rest, len, 0, utf8);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0)
		return -1;
	ret = login_child_handoff(sock, sp[1], rest, len, 1, utf8);
	close(sp[1]);
	close(sock);
	if (ret == 0)
		ret = tls_proxy(c->tls, sp[0]);
	close(sp[0]);
	return ret;
}

enum login_verdict login_child_ask(int sock, enum login_proto_type type, const char *const *fields,
				   unsigned int n, char **text_r)
{
	static uint8_t rbuf[LOGIN_PROTO_HEADER + LOGIN_PROTO_MAX_PAYLOAD];
	struct login_proto_msg m;

	*text_r = NULL;
	if (login_child_request(sock, type, fields, n, rbuf, sizeof(rbuf), &m) < 0)
		return LOGIN_VERDICT_TEMPFAIL;
	if (m.type == LOGIN_MSG_CHALLENGE) {
		*text_r = login_proto_field_dup(&m.fields[0]);
		return LOGIN_VERDICT_CHALLENGE;
	}
	if (m.type == LOGIN_MSG_OK)
		return LOGIN_VERDICT_OK;
	*text_r = login_proto_field_dup(&m.fields[1]);
	return login_proto_field_is(&m.fields[0], "temp")      ? LOGIN_VERDICT_TEMPFAIL
	       : login_proto_field_is(&m.fields[0], "refused") ? LOGIN_VERDICT_REFUSED
							       : LOGIN_VERDICT_FAILED;
}

const char *login_initial_response_field(const char *data)
{
	if (data == NULL)
		return "";
	return *data == '\0' ? "=" : data;
}

void login_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int login_main(const struct login_service *svc, char **mail_argv, int tls_implicit,
	       const char *apop_timestamp, int (*child)(int sock, void *arg), void *arg)
{
	int sp[2], status, devnull, ret;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp) < 0)
		fatal("socketpair");
	pid = fork();
	if (pid < 0)
		fatal("fork");
	if (pid == 0) {
		close(sp[0]);
		_exit(child(sp[1], arg));
	}
	close(sp[1]);
	devnull = open("/dev/null", O_RDWR);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0)
		fatal("/dev/null");
	if (devnull > 2)
		close(devnull);
	ret = login_parent_run(svc, sp[0], pid, mail_argv, tls_implicit, apop_timestamp);
	close(sp[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return ret;
}
