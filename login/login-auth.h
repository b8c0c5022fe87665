/* How a login parent authenticates: one SASL or APOP exchange at a time, ending in an account
 * the parent looked up itself. One implementation today (login-auth-local.c: in process, over
 * authlib's auth chain and SASL sessions); an authdaemond client replaces that one file. */
#ifndef HATO_LOGIN_AUTH_H
#define HATO_LOGIN_AUTH_H

#include "account.h"
#include "buf.h"

struct login_auth;

enum login_auth_status {
	LOGIN_AUTH_CONTINUE, /* send the challenge, wait for the client's response */
	LOGIN_AUTH_OK,	     /* *acct_r is the account */
	LOGIN_AUTH_FAIL,     /* wrong credentials, unknown user or mechanism, bad encoding */
	LOGIN_AUTH_TEMPFAIL, /* the credential store failed */
};

/* service: "pop3" or "imap" (Courier's service names, for per-service secrets).
 * Returns NULL with *error_r when the configuration cannot be loaded. */
struct login_auth *login_auth_new(const char *service, const char **error_r);
void login_auth_free(struct login_auth *auth);

/* Start mech (any case). initial_b64: the initial response as sent ("=" for empty), NULL when
 * the client sent none. On CONTINUE challenge_b64 holds the base64 challenge. On OK *acct_r is
 * set (free with account_free) and challenge_b64 holds the mechanism's additional data with
 * success (SCRAM's "v=ServerSignature"), empty if none: POP3 and IMAP4rev1 have no place for it
 * in their OK, so the caller sends it as one more challenge and requires an empty response
 * (RFC 5034 §4, RFC 4422 §5). *reason_r says why for FAIL/TEMPFAIL (for the log only). */
enum login_auth_status login_auth_start(struct login_auth *auth, const char *mech,
					const char *initial_b64, struct buf *challenge_b64,
					struct account **acct_r, const char **reason_r);
/* The client's base64 response to the last challenge ("*" must be handled by the caller). */
enum login_auth_status login_auth_continue(struct login_auth *auth, const char *response_b64,
					   struct buf *challenge_b64, struct account **acct_r,
					   const char **reason_r);
/* Drop an exchange in progress (no-op if none). */
void login_auth_cancel(struct login_auth *auth);
/* APOP (RFC 1939 §7): digest_hex against the greeting's timestamp. */
enum login_auth_status login_auth_apop(struct login_auth *auth, const char *user,
				       const char *timestamp, const char *digest_hex,
				       struct account **acct_r, const char **reason_r);

#endif
