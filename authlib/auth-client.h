/* The client side of authdaemond's two sockets, for login programs and tools: Courier requests
 * on <dir>/socket (PRE, AUTH login/cram/apop, ENUMERATE) with Courier's read rules, and SASL
 * sessions on <dir>/auth-client (Dovecot's authentication client protocol). */
#ifndef HATO_AUTH_CLIENT_H
#define HATO_AUTH_CLIENT_H

#include "account.h"
#include "buf.h"

#include <stddef.h>

enum auth_client_status {
	AUTH_CLIENT_OK,
	AUTH_CLIENT_CONTINUE, /* Dovecot sessions only: a challenge to pass on */
	AUTH_CLIENT_FAIL,     /* "FAIL\n": wrong credentials or unknown user */
	AUTH_CLIENT_TEMPFAIL, /* no daemon, closed without a reply, timeout, malformed reply */
};

/* Courier's client timeouts: connect and write 10 s, the whole reply 30 s. */
#define AUTH_CLIENT_TIMEOUT_MS 30000
/* Bound on a reply (ENUMERATE of a large userdb included). */
#define AUTH_CLIENT_MAX_REPLY (16 * 1024 * 1024)

struct auth_client {
	char *dir;	/* the socket directory */
	char *rip;	/* sent as TCPREMOTEIP= with Courier requests, or NULL */
	int timeout_ms; /* for a whole reply */
};

/* dir: explicit directory, or NULL for env AUTHDAEMONVAR, else HATO_AUTHDAEMONVAR. rip: the
 * remote address to report, or NULL for env TCPREMOTEIP (none if unset). */
struct auth_client *auth_client_new(const char *dir, const char *rip);
void auth_client_free(struct auth_client *ac);

/* Send one Courier request (the whole bytes, metadata added here) and read the reply by
 * Courier's rules: OK when it ends in "\n.\n" or is exactly "OK\n" (PASSWD), FAIL on exactly
 * "FAIL\n",
 * TEMPFAIL on anything else (close without a reply, timeout, no daemon) with *error_r. */
enum auth_client_status auth_client_request(struct auth_client *ac, const void *req, size_t len,
					    struct buf *reply, const char **error_r);

/* PRE . service user: the account without a password check. */
enum auth_client_status auth_client_pre(struct auth_client *ac, const char *service,
					const char *user, struct account **acct_r,
					const char **error_r);
/* AUTH login: user and password. */
enum auth_client_status auth_client_login(struct auth_client *ac, const char *service,
					  const char *user, const char *password,
					  struct account **acct_r, const char **error_r);
/* AUTH cram-md5 / cram-sha1 / cram-sha256 (authtype): the raw challenge and the raw response
 * "user hexdigest" (base64-encoded here, as Courier's client does). */
enum auth_client_status auth_client_cram(struct auth_client *ac, const char *service,
					 const char *authtype, const char *challenge,
					 const char *response, struct account **acct_r,
					 const char **error_r);
/* AUTH apop (Hato): user, the greeting timestamp and the client's hex digest. */
enum auth_client_status auth_client_apop(struct auth_client *ac, const char *service,
					 const char *user, const char *timestamp,
					 const char *digest_hex, struct account **acct_r,
					 const char **error_r);
/* PASSWD service\tuser\told\tnew: OK on "OK\n". */
enum auth_client_status auth_client_passwd(struct auth_client *ac, const char *service,
					   const char *user, const char *oldpw, const char *newpw,
					   const char **error_r);
/* ENUMERATE: the raw reply ("# module\n\n" headers, account lines, ".\n"). */
enum auth_client_status auth_client_enumerate(struct auth_client *ac, struct buf *reply,
					      const char **error_r);

/* Parse an account record (NAME=value lines up to "."). OPTIONS lands in options (already
 * merged by the daemon). Returns 0, or -1 if HOME, GID or UID/USERNAME is missing. */
int auth_client_parse_account(const char *data, size_t len, struct account **acct_r);

/* A session on <dir>/auth-client. */
struct auth_client_session;

/* Connect, send VERSION and CPID, read the handshake up to DONE. NULL with *error_r. */
struct auth_client_session *auth_client_session_new(struct auth_client *ac, const char **error_r);
void auth_client_session_free(struct auth_client_session *s);
/* 1 if the server offered mech (any case). */
int auth_client_session_has_mech(const struct auth_client_session *s, const char *mech);

struct auth_client_reply {
	enum auth_client_status status;
	struct buf data; /* CONTINUE: the base64 challenge; OK: resp= (base64), if any */
	char *user;	 /* OK: user= */
	char *reason;	 /* FAIL: reason=, or NULL */
};
void auth_client_reply_clear(struct auth_client_reply *r);

/* AUTH with a new id: service required, rip/lip may be NULL, resp_b64 the initial response
 * (NULL: none; "" is sent as an empty resp=). Fills *reply (call auth_client_reply_clear).
 * Returns -1 with *error_r when the connection failed (treat as TEMPFAIL). */
int auth_client_session_auth(struct auth_client_session *s, const char *mech, const char *service,
			     const char *rip, const char *lip, int secured, const char *resp_b64,
			     struct auth_client_reply *reply, const char **error_r);
/* CONT for the exchange in progress. */
int auth_client_session_cont(struct auth_client_session *s, const char *data_b64,
			     struct auth_client_reply *reply, const char **error_r);

#endif
