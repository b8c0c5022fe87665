/* What pop3-login and imap-login share around their protocol code: the child's client
 * connection (plain fd 0/1 or TLS over them), its handoff to the parent, and the program's
 * main fork into parent P and child L (DESIGN.md §2). */
#ifndef HATO_LOGIN_CONN_H
#define HATO_LOGIN_CONN_H

#include "buf.h"
#include "login-common.h"

#include <sys/types.h>

struct tls_session;

/* The client connection as the child sees it: fd 0/1, or a TLS session over them. */
struct login_conn {
	struct tls_session *tls;
};

/* Read from the client; <= 0 at EOF or error. */
ssize_t login_conn_read(struct login_conn *c, void *buf, size_t n);
/* Send out (then emptied) to the client. Returns 0 or -1. */
int login_conn_write(struct login_conn *c, struct buf *out);
/* L after a successful login: hand the connection to P with the bytes the client pipelined
 * after its login command: the socket itself, or (TLS) a socketpair whose other end this
 * process keeps proxying until either side closes. Returns 0 or -1. */
int login_conn_handoff(struct login_conn *c, int sock, const char *rest, size_t len, int utf8);

/* P's answer to a login request, as L sees it. */
enum login_verdict {
	LOGIN_VERDICT_CHALLENGE, /* a SASL step: text is the base64 challenge */
	LOGIN_VERDICT_OK,
	LOGIN_VERDICT_FAILED,	 /* wrong credentials: text is P's reason, if any */
	LOGIN_VERDICT_REFUSED,	 /* the account may not use this service (disablepop3 ...) */
	LOGIN_VERDICT_TEMPFAIL,	 /* P or authdaemond could not decide; also P gone or garbage */
};

/* L: send one login request to P and classify its answer; *text_r is malloc'd or NULL. */
enum login_verdict login_child_ask(int sock, enum login_proto_type type, const char *const *fields,
				   unsigned int n, char **text_r);

/* The AUTH_START field for a SASL initial response: "" on the wire means none, so an empty one
 * (RFC 4954 "=") is sent as "=". */
const char *login_initial_response_field(const char *data);

/* Sleep, restarting after signals (the failure delay). */
void login_sleep_ms(unsigned int ms);

/* The login program's main after its own checks: fork L running child(sock, arg) (its return
 * is L's exit code) and run P with svc on the other end of a SOCK_SEQPACKET socketpair; P's
 * fd 0/1 become /dev/null, since only L holds the client until the handoff. Returns P's exit
 * code (see login_parent_run). */
int login_main(const struct login_service *svc, char **mail_argv, int tls_implicit,
	       const char *apop_timestamp, int (*child)(int sock, void *arg), void *arg);

#endif
