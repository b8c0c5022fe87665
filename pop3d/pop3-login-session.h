/* The POP3 AUTHORIZATION state (RFC 1939 §4, 7; RFC 2449 CAPA; RFC 2595 STLS; RFC 5034 AUTH;
 * RFC 3206 response codes; RFC 6856 UTF8) as a pure state machine for the pre-auth login child:
 * parsed commands in, response bytes plus one action out. It never sees a password hash and
 * decides nothing about credentials: the caller relays the actions to the authenticating parent
 * and reports the outcome back with pop3_login_session_auth_result(). */
#ifndef HATO_POP3_LOGIN_SESSION_H
#define HATO_POP3_LOGIN_SESSION_H

#include "buf.h"
#include "pop3-parser.h"

/* Per-connection delay before answering a failed login: base_ms doubled for each further
 * failure, capped at max_ms (the growing per-IP part belongs to tcpd / the login parent). */
struct pop3_login_delay {
	unsigned int base_ms;
	unsigned int max_ms;
};
#define POP3_LOGIN_DELAY_DEFAULT { 2000, 15000 }
/* Milliseconds to wait after the failures-th failure (0 for failures == 0). */
unsigned int pop3_login_delay_ms(const struct pop3_login_delay *policy, unsigned int failures);

struct pop3_login_settings {
	int tls_active;		    /* implicit TLS (port 995): TLS from the first byte */
	int tls_available;	    /* STLS may be offered (plain port with a certificate) */
	int tls_required;	    /* POP3_TLS_REQUIRED: no login of any kind before TLS */
	const char *auth_mechs;	    /* POP3AUTH: space-separated SASL mechanisms, NULL/"" = none */
	const char *auth_mechs_tls; /* POP3AUTH_TLS: used instead of POP3AUTH under TLS if non-empty */
	int allow_user;		    /* USER/PASS offered at all */
	const char *apop_timestamp; /* "<...>" for the greeting when APOP is enabled, else NULL */
	unsigned int max_failures;  /* failed logins per connection (0 = 3) */
	struct pop3_login_delay delay;
};

enum pop3_login_action_kind {
	POP3_LOGIN_NONE,	  /* send the output, read the next command */
	/* Send the output ("+OK Begin SSL/TLS negotiation now."), then DISCARD every byte already
	 * received (pop3_parser_discard + the caller's own buffer), run the TLS handshake and call
	 * pop3_login_session_tls_started(). */
	POP3_LOGIN_START_TLS,
	POP3_LOGIN_AUTH_START,	  /* ask the parent to start SASL mech with optional initial data */
	POP3_LOGIN_AUTH_CONTINUE, /* relay the client's SASL response line (data) to the parent */
	POP3_LOGIN_AUTH_CANCEL,	  /* the client aborted SASL: tell the parent to drop the request */
	POP3_LOGIN_USERPASS,	  /* verify user + pass */
	POP3_LOGIN_APOP,	  /* verify user + digest against the greeting timestamp */
	POP3_LOGIN_QUIT,	  /* send the output and close */
	POP3_LOGIN_DISCONNECT,	  /* send the output and close */
};

/* After AUTH_START, AUTH_CONTINUE, USERPASS and APOP the session waits for
 * pop3_login_session_auth_challenge() or _auth_result(); meanwhile the caller must not parse
 * further input, so that bytes pipelined after a successful login stay unconsumed and can be
 * handed on to pop3d. Strings point into the session and stay valid until its next call; secrets
 * are zeroed then. */
struct pop3_login_action {
	enum pop3_login_action_kind kind;
	const char *mech; /* AUTH_START: upper-cased mechanism name */
	/* AUTH_START: initial response as sent (base64; "" for "=", NULL when absent);
	 * AUTH_CONTINUE: the client's base64 line. */
	const char *data;
	const char *user; /* USERPASS, APOP */
	const char *pass; /* USERPASS: the password; APOP: the digest in lower-case hex */
};

enum pop3_login_result {
	POP3_LOGIN_OK,
	POP3_LOGIN_FAILED,   /* wrong credentials or unknown user */
	POP3_LOGIN_TEMPFAIL, /* the auth service is unavailable */
	POP3_LOGIN_REFUSED,  /* the account may not use POP3 here (see pop3_login_account_refusal) */
};

/* After this many unknown or malformed commands before login, disconnect. */
#define POP3_LOGIN_MAX_BAD_COMMANDS 10

struct pop3_login_session;

/* settings (and the strings in it) must outlive the session. */
struct pop3_login_session *pop3_login_session_new(const struct pop3_login_settings *settings);
void pop3_login_session_free(struct pop3_login_session **session);

/* Append the greeting: "+OK Hello there." plus " <timestamp>" only when APOP is enabled. */
void pop3_login_session_greeting(struct pop3_login_session *session, struct buf *out);

/* Handle one parsed line (a command, or a SASL response while a SASL exchange waits for one).
 * Appends the response to out and fills *action_r; returns action_r->kind. */
enum pop3_login_action_kind pop3_login_session_command(struct pop3_login_session *session,
						       const struct pop3_command *cmd,
						       struct buf *out,
						       struct pop3_login_action *action_r);

/* Answer a line the parser refused (TOO_LONG / INVALID); aborts a SASL exchange in progress. */
enum pop3_login_action_kind pop3_login_session_parse_error(struct pop3_login_session *session,
							   enum pop3_parser_result result,
							   struct buf *out,
							   struct pop3_login_action *action_r);

/* The parent sent a SASL challenge (base64, possibly ""): appends "+ <b64>" (RFC 5034 §4). */
void pop3_login_session_auth_challenge(struct pop3_login_session *session, const char *b64,
				       struct buf *out);

/* The outcome of the pending login. refusal: the -ERR line (without CRLF) for REFUSED.
 * FAILED appends "-ERR [AUTH] Login failed." (after pop3_login_session_delay_ms() the caller
 * must wait before sending it), or after max_failures "-ERR [AUTH] Too many failures." with
 * DISCONNECT; TEMPFAIL appends "-ERR [SYS/TEMP] ..." with DISCONNECT; OK appends nothing:
 * pop3d greets the user. */
enum pop3_login_action_kind pop3_login_session_auth_result(struct pop3_login_session *session,
							   enum pop3_login_result result,
							   const char *refusal, struct buf *out,
							   struct pop3_login_action *action_r);

/* The STLS handshake completed: the session now offers the TLS mechanisms and forgets any USER. */
void pop3_login_session_tls_started(struct pop3_login_session *session);

/* Milliseconds to wait before sending the output of the last failed login (0 otherwise). */
unsigned int pop3_login_session_delay_ms(const struct pop3_login_session *session);

int pop3_login_session_logged_in(const struct pop3_login_session *session);
int pop3_login_session_tls_active(const struct pop3_login_session *session);
/* 1 after UTF8 (RFC 6856): pass UTF8=1 on to pop3d. */
int pop3_login_session_utf8(const struct pop3_login_session *session);

/* Courier's per-account options (§4.5): for an options string such as
 * "disablepop3=1,disableinsecurepop3=1" return the refusal line (without CRLF) for a login over
 * TLS (tls_active) or not, or NULL when POP3 is allowed. */
const char *pop3_login_account_refusal(const char *options, int tls_active);

#endif
