/* What a login program (pop3-login, imap-login) tells the shared login framework about its
 * protocol, and the framework's entry points for the parent P and the child L (DESIGN.md §2). */
#ifndef HATO_LOGIN_COMMON_H
#define HATO_LOGIN_COMMON_H

#include "login-proto.h"

#include <stddef.h>
#include <sys/types.h>

/* Seconds a client may stay idle before logging in. */
#define LOGIN_PREAUTH_TIMEOUT 60
/* How long a closing child keeps draining the client's input (login_child_linger). */
#define LOGIN_LINGER_MS 2000
/* Failed logins P accepts from one child before it stops answering (L enforces a lower,
 * configured limit; this one only bounds a compromised L). */
#define LOGIN_PARENT_MAX_FAILURES 10

struct login_service {
	const char *service;  /* authlib service name: "pop3", "imap" */
	const char *protocol; /* for Courier's LOGIN lines: "POP3", "IMAP" */
	const char *tls_env;  /* set to "1" for the mail program under TLS: "POP3_TLS" */
	/* The -ERR/NO line refusing this account (Courier's disablepop3 ...), or NULL. */
	const char *(*account_refusal)(const char *options, int tls_active);
};

/* P: serve the child on sock (a SOCK_SEQPACKET socketpair end) until it hands a connection
 * over after a successful login, then drop to the account and exec mail_argv (argv[0] the
 * program; an optional argv[1] is the default Maildir, Courier's "pop3d Maildir").
 * tls_implicit: the connection is TLS from its first byte (HATO_TLS=1). apop_timestamp: the
 * greeting's APOP timestamp, or NULL when APOP is off (APOP requests then fail). child: L's
 * pid; after a plain handoff P ends and reaps it, so the mail program inherits no child.
 * Returns the process exit code when no login happened (or exec failed). */
int login_parent_run(const struct login_service *svc, int sock, pid_t child, char **mail_argv,
		     int tls_implicit, const char *apop_timestamp);

/* P, before the fork: a fresh APOP greeting timestamp "<pid.time.random@host>" (RFC 1939 §7),
 * malloc'd. P keeps its own copy, so a child cannot choose the challenge it is asked for. */
char *login_apop_timestamp_new(void);

/* L: chroot into the empty directory (HATO_LOGIN_EMPTYDIR, else HATO_EMPTYDIR; created when
 * missing) and become the login user (HATO_LOGIN_USER, else HATO_MAILUSER). Not root: no change
 * (developer mode). Returns 0, or -1 with *error_r. */
int login_child_drop(const char **error_r);

/* L: the pre-auth idle timeout in seconds: HATO_LOGIN_TIMEOUT (1..3600, for tests), else
 * LOGIN_PREAUTH_TIMEOUT. Also installs the SIGALRM handler that ends the child; the child arms
 * alarm() with the result. */
unsigned int login_child_timeout(void);

/* L: end the client connection (fd 0/1, a socket) without losing the last answer: stop
 * sending, then read and discard what the client still sends for at most LOGIN_LINGER_MS or
 * until it closes. Closing with unread input makes the kernel send a RST, which can destroy
 * the answer to a pipelined QUIT (or a TLS close_notify) before the client has read it. */
void login_child_linger(void);

/* L: send one request frame to P and wait for its answer (CHALLENGE, OK or FAIL) into
 * *reply_r, whose fields point into rbuf (at least LOGIN_PROTO_HEADER + MAX_PAYLOAD octets).
 * Returns 0, or -1 when P is gone or answered garbage. */
int login_child_request(int sock, enum login_proto_type type, const char *const *fields,
			unsigned int nfields, uint8_t *rbuf, size_t rbuf_size,
			struct login_proto_msg *reply_r);
/* L: send one frame without waiting for an answer (AUTH_CANCEL). */
int login_child_send(int sock, enum login_proto_type type, const char *const *fields,
		     unsigned int nfields);
/* L: after OK, hand the client connection fd to P with the bytes the client pipelined after
 * its login command. Returns 0 or -1. */
int login_child_handoff(int sock, int fd, const char *pipelined, size_t len, int tls, int utf8);

#endif
