/* The IMAP not-authenticated state (RFC 3501 §6.1-6.2; RFC 2595/8314 STARTTLS; RFC 4959 SASL-IR;
 * RFC 2971 ID; RFC 5161 ENABLE; RFC 5530 response codes) as a pure state machine for the
 * pre-auth login child: parsed commands in (imap-parser.h), response bytes plus one action out.
 * It never sees a password hash and decides nothing about credentials: the caller relays the
 * actions to the authenticating parent and reports the outcome with
 * imap_login_session_auth_result(). The twin of pop3d/pop3-login-session.h. */
#ifndef HATO_IMAP_LOGIN_SESSION_H
#define HATO_IMAP_LOGIN_SESSION_H

#include "buf.h"
#include "imap-parser.h"

#include <stdbool.h>

/* Per-connection delay before answering a failed login: base_ms doubled for each further
 * failure, capped at max_ms. */
struct imap_login_delay {
	unsigned int base_ms;
	unsigned int max_ms;
};
#define IMAP_LOGIN_DELAY_DEFAULT { 2000, 15000 }
/* Milliseconds to wait after the failures-th failure (0 for failures == 0). */
unsigned int imap_login_delay_ms(const struct imap_login_delay *policy, unsigned int failures);

struct imap_login_settings {
	bool tls_active;	    /* implicit TLS (port 993): TLS from the first byte */
	bool tls_available;	    /* STARTTLS may be offered (plain port with a certificate) */
	bool tls_required;	    /* IMAP_TLS_REQUIRED: no login of any kind before TLS */
	const char *capability;	    /* IMAP_CAPABILITY (NULL/"" = "IMAP4rev1") */
	const char *capability_tls; /* IMAP_CAPABILITY_TLS: used under TLS if non-empty */
	unsigned int max_failures;  /* failed logins per connection (0 = 3) */
	struct imap_login_delay delay;
};

enum imap_login_action_kind {
	IMAP_LOGIN_NONE, /* send the output, read the next command */
	/* Send the output ("<tag> OK Begin SSL/TLS negotiation now."), then DISCARD every byte
	 * already received (a new parser and the caller's own buffer), run the TLS handshake and
	 * call imap_login_session_tls_started(). */
	IMAP_LOGIN_START_TLS,
	IMAP_LOGIN_AUTH_START,	  /* ask the parent to start SASL mech with optional initial data */
	IMAP_LOGIN_AUTH_CONTINUE, /* relay the client's SASL response line (data) to the parent */
	IMAP_LOGIN_AUTH_CANCEL,	  /* the client aborted SASL: tell the parent to drop the request */
	IMAP_LOGIN_LOGIN,	  /* verify user + pass (LOGIN command) */
	IMAP_LOGIN_LOGOUT,	  /* send the output and close */
	IMAP_LOGIN_DISCONNECT,	  /* send the output and close */
};

/* After AUTH_START, AUTH_CONTINUE and LOGIN the session waits for
 * imap_login_session_auth_challenge() or _auth_result(); meanwhile the caller must not feed
 * further input, so that bytes pipelined after a successful login stay unconsumed and are
 * handed on to imapd. Strings point into the session and stay valid until its next call;
 * secrets are zeroed then. */
struct imap_login_action {
	enum imap_login_action_kind kind;
	const char *mech; /* AUTH_START: upper-cased mechanism name */
	/* AUTH_START: initial response as sent (base64; "" for "=", NULL when absent);
	 * AUTH_CONTINUE: the client's base64 line. */
	const char *data;
	const char *user; /* LOGIN */
	const char *pass; /* LOGIN */
};

enum imap_login_result {
	IMAP_LOGIN_OK,
	IMAP_LOGIN_FAILED,   /* wrong credentials, unknown user, bad SASL data */
	IMAP_LOGIN_TEMPFAIL, /* the auth service is unavailable */
	IMAP_LOGIN_REFUSED,  /* the account may not use IMAP here (imap_login_account_refusal) */
};

/* After this many BAD commands before login, "* BYE" and disconnect. */
#define IMAP_LOGIN_MAX_BAD_COMMANDS 10
/* Longest SASL response line accepted (without CRLF). */
#define IMAP_LOGIN_MAX_SASL_LINE 8192

struct imap_login_session;

/* settings (and the strings in it) must outlive the session. */
struct imap_login_session *imap_login_session_new(const struct imap_login_settings *settings);
void imap_login_session_free(struct imap_login_session **session);

/* The capability list for the current state (no "* CAPABILITY" prefix, no CRLF). */
void imap_login_session_capability(const struct imap_login_session *session, struct buf *out);

/* Append "* OK [CAPABILITY ...] Hato IMAP ready.\r\n". */
void imap_login_session_greeting(struct imap_login_session *session, struct buf *out);

/* Handle one parsed command. Appends the response to out and fills *action_r; returns
 * action_r->kind. Must not be called while imap_login_session_wants_line() is true. */
enum imap_login_action_kind imap_login_session_command(struct imap_login_session *session,
						       const struct imap_command *cmd,
						       struct buf *out,
						       struct imap_login_action *action_r);

/* Answer a command the parser refused: "<tag> BAD ..." or "* BAD ..."; a fatal error gets
 * "* BYE ..." and DISCONNECT. */
enum imap_login_action_kind imap_login_session_parse_error(struct imap_login_session *session,
							   const struct imap_parse_error *error,
							   struct buf *out,
							   struct imap_login_action *action_r);

/* Append the continuation for an accepted synchronising literal (IMAP_PARSE_CONTINUE). */
void imap_login_session_literal_continue(struct buf *out);

/* True while a SASL challenge was sent: the next input line (up to LF) is the client's
 * response, not a command; pass it to imap_login_session_sasl_line(). */
bool imap_login_session_wants_line(const struct imap_login_session *session);

/* The client's SASL response line, without CR LF. "*" cancels (BAD, RFC 3501 §6.2.2).
 * too_long: the line exceeded IMAP_LOGIN_MAX_SASL_LINE (the exchange is aborted with BAD; the
 * caller drops the rest of the line). */
enum imap_login_action_kind imap_login_session_sasl_line(struct imap_login_session *session,
							 const char *line, size_t len, bool too_long,
							 struct buf *out,
							 struct imap_login_action *action_r);

/* The parent sent a SASL challenge (base64, possibly ""): appends "+ <b64>\r\n". */
void imap_login_session_auth_challenge(struct imap_login_session *session, const char *b64,
				       struct buf *out);

/* The outcome of the pending login. OK appends "<tag> OK [CAPABILITY <imapd's list>] LOGIN Ok."
 * (Courier's text with the post-login capabilities, imap_capability_write()): imapd, started
 * after the handoff, sends no greeting. FAILED appends
 * "<tag> NO [AUTHENTICATIONFAILED] Login failed." (after imap_login_session_delay_ms() the
 * caller must wait before sending it), after max_failures also "* BYE Too many login
 * failures." with DISCONNECT; TEMPFAIL appends "* BYE [UNAVAILABLE] Temporary problem, please
 * try again later" with DISCONNECT; REFUSED appends "<tag> <refusal>" with DISCONNECT. */
enum imap_login_action_kind imap_login_session_auth_result(struct imap_login_session *session,
							   enum imap_login_result result,
							   const char *refusal, struct buf *out,
							   struct imap_login_action *action_r);

/* The STARTTLS handshake completed: the session offers the TLS capabilities. */
void imap_login_session_tls_started(struct imap_login_session *session);

/* Append the idle-timeout goodbye: "* BYE Disconnected for inactivity.\r\n". */
void imap_login_session_timeout(struct buf *out);

/* Milliseconds to wait before sending the output of the last failed login (0 otherwise). */
unsigned int imap_login_session_delay_ms(const struct imap_login_session *session);

bool imap_login_session_logged_in(const struct imap_login_session *session);
bool imap_login_session_tls_active(const struct imap_login_session *session);

/* Courier's per-account options (§4.5): for an options string such as
 * "disableimap=1,disableinsecureimap=1" return the refusal (without tag and CRLF) for a login
 * over TLS (tls_active) or not, or NULL when IMAP is allowed. */
const char *imap_login_account_refusal(const char *options, int tls_active);

#endif
