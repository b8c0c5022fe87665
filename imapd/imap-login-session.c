/* IMAP not-authenticated state machine for the login child (RFC 3501, 2595, 2971, 4959, 5161,
 * 5530). */
#include "config.h"
#include "imap-login-session.h"
#include "imap-login-capa.h"
#include "imap-capability.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum login_state {
	STATE_NOT_AUTH,
	STATE_WAIT_AUTH,  /* a login request is with the parent */
	STATE_SASL_REPLY, /* a challenge was sent: the next line is the client's response */
	STATE_WAIT_TLS,	  /* STARTTLS answered: handshake pending */
	STATE_LOGGED_IN,
	STATE_CLOSED,
};

struct imap_login_session {
	const struct imap_login_settings *set;
	enum login_state state;
	bool tls_active;
	unsigned int failures;
	unsigned int bad_commands;
	unsigned int delay_ms;
	struct buf tag;	   /* tag of the pending LOGIN / AUTHENTICATE */
	struct buf user;
	struct buf secret; /* password or SASL data of the pending request */
	struct buf mech;
};

struct login_command {
	const char *name;
	enum imap_login_action_kind (*run)(struct imap_login_session *s,
					   const struct imap_command *cmd, struct buf *out,
					   struct imap_login_action *act);
};

unsigned int imap_login_delay_ms(const struct imap_login_delay *policy, unsigned int failures)
{
	unsigned long d;

	if (failures == 0)
		return 0;
	d = policy->base_ms;
	for (unsigned int i = 1; i < failures && d < policy->max_ms; i++)
		d *= 2;
	return d > policy->max_ms ? policy->max_ms : (unsigned int)d;
}

/* Any login (LOGIN, AUTHENTICATE) is possible in the current TLS state. */
static bool login_allowed(const struct imap_login_session *s)
{
	return s->tls_active || !s->set->tls_required;
}

static void capa_state(const struct imap_login_session *s, struct imap_login_capa_state *st)
{
	st->tls_active = s->tls_active;
	st->starttls = s->set->tls_available && !s->tls_active;
	st->logindisabled = !login_allowed(s);
}

void imap_login_session_capability(const struct imap_login_session *s, struct buf *out)
{
	struct imap_login_capa_state st;

	capa_state(s, &st);
	imap_login_capa_build(out, s->set->capability, s->set->capability_tls, &st);
}

static enum imap_login_action_kind act_kind(struct imap_login_action *act,
					    enum imap_login_action_kind kind)
{
	act->kind = kind;
	return kind;
}

static enum imap_login_action_kind tagged(struct buf *out, const char *tag, const char *text,
					  struct imap_login_action *act)
{
	buf_printf(out, "%s %s\r\n", tag, text);
	return act_kind(act, IMAP_LOGIN_NONE);
}

/* A BAD answer; too many of them end the connection (a client that does not speak IMAP). */
static enum imap_login_action_kind bad(struct imap_login_session *s, const char *tag,
				       const char *text, struct buf *out,
				       struct imap_login_action *act)
{
	buf_printf(out, "%s BAD %s\r\n", tag != NULL ? tag : "*", text);
	if (++s->bad_commands >= IMAP_LOGIN_MAX_BAD_COMMANDS) {
		buf_puts(out, "* BYE Too many invalid commands.\r\n");
		s->state = STATE_CLOSED;
		return act_kind(act, IMAP_LOGIN_DISCONNECT);
	}
	return act_kind(act, IMAP_LOGIN_NONE);
}

static enum imap_login_action_kind privacy_required(const struct imap_command *cmd,
						    struct buf *out,
						    struct imap_login_action *act)
{
	/* Courier's text with RFC 5530's code. */
	return tagged(out, cmd->tag, "NO [PRIVACYREQUIRED] STARTTLS required", act);
}

static enum imap_login_action_kind cmd_capability(struct imap_login_session *s,
						  const struct imap_command *cmd, struct buf *out,
						  struct imap_login_action *act)
{
	if (cmd->count != 0)
		return bad(s, cmd->tag, "CAPABILITY takes no arguments.", out, act);
	buf_puts(out, "* CAPABILITY ");
	imap_login_session_capability(s, out);
	buf_puts(out, "\r\n");
	return tagged(out, cmd->tag, "OK CAPABILITY completed", act);
}

static enum imap_login_action_kind cmd_noop(struct imap_login_session *s,
					    const struct imap_command *cmd, struct buf *out,
					    struct imap_login_action *act)
{
	if (cmd->count != 0)
		return bad(s, cmd->tag, "NOOP takes no arguments.", out, act);
	return tagged(out, cmd->tag, "OK NOOP completed", act);
}

static enum imap_login_action_kind cmd_logout(struct imap_login_session *s,
					      const struct imap_command *cmd, struct buf *out,
					      struct imap_login_action *act)
{
	if (cmd->count != 0)
		return bad(s, cmd->tag, "LOGOUT takes no arguments.", out, act);
	buf_puts(out, "* BYE Hato IMAP server logging out\r\n");
	buf_printf(out, "%s OK LOGOUT completed\r\n", cmd->tag);
	s->state = STATE_CLOSED;
	return act_kind(act, IMAP_LOGIN_LOGOUT);
}

static enum imap_login_action_kind cmd_starttls(struct imap_login_session *s,
						const struct imap_command *cmd, struct buf *out,
						struct imap_login_action *act)
{
	if (cmd->count != 0)
		return bad(s, cmd->tag, "STARTTLS takes no arguments.", out, act);
	if (s->tls_active)
		return bad(s, cmd->tag, "TLS is already active.", out, act);
	if (!s->set->tls_available)
		return bad(s, cmd->tag, "STARTTLS not available.", out, act);
	buf_printf(out, "%s OK Begin SSL/TLS negotiation now.\r\n", cmd->tag);
	s->state = STATE_WAIT_TLS;
	return act_kind(act, IMAP_LOGIN_START_TLS);
}

static enum imap_login_action_kind cmd_id(struct imap_login_session *s,
					  const struct imap_command *cmd, struct buf *out,
					  struct imap_login_action *act)
{
	/* RFC 2971: id ::= "ID" SP id_params_list, a parenthesised list or NIL. The client's
	 * fields are not logged: they are free text from a stranger. */
	if (cmd->count != 1 || (cmd->args[0].type != IMAP_ARG_LIST &&
				cmd->args[0].type != IMAP_ARG_NIL))
		return bad(s, cmd->tag, "Invalid ID arguments.", out, act);
	buf_puts(out, "* ID (\"name\" \"Hato\")\r\n");
	return tagged(out, cmd->tag, "OK ID completed", act);
}

static enum imap_login_action_kind cmd_enable(struct imap_login_session *s,
					      const struct imap_command *cmd, struct buf *out,
					      struct imap_login_action *act)
{
	/* RFC 5161 §3.1: ENABLE is only valid in the authenticated state (Dovecot: BAD). */
	return bad(s, cmd->tag, "ENABLE is only valid after login.", out, act);
}

static void remember_tag(struct imap_login_session *s, const char *tag)
{
	buf_reset(&s->tag);
	buf_puts(&s->tag, tag);
}

static enum imap_login_action_kind cmd_login(struct imap_login_session *s,
					     const struct imap_command *cmd, struct buf *out,
					     struct imap_login_action *act)
{
	const char *user, *pass;

	if (cmd->count != 2 || imap_arg_get_astring(&cmd->args[0], &user) < 0 ||
	    imap_arg_get_astring(&cmd->args[1], &pass) < 0)
		return bad(s, cmd->tag, "Invalid LOGIN arguments.", out, act);
	if (!login_allowed(s))
		return privacy_required(cmd, out, act);
	remember_tag(s, cmd->tag);
	buf_free_secure(&s->user);
	buf_puts(&s->user, user);
	buf_puts(&s->secret, pass);
	act->user = buf_cstr(&s->user);
	act->pass = buf_cstr(&s->secret);
	s->state = STATE_WAIT_AUTH;
	return act_kind(act, IMAP_LOGIN_LOGIN);
}

static enum imap_login_action_kind cmd_authenticate(struct imap_login_session *s,
						    const struct imap_command *cmd,
						    struct buf *out, struct imap_login_action *act)
{
	struct imap_login_capa_state st;
	const char *mech, *ir = NULL;

	if (cmd->count < 1 || cmd->count > 2 || imap_arg_get_atom(&cmd->args[0], &mech) < 0 ||
	    (cmd->count == 2 && imap_arg_get_atom(&cmd->args[1], &ir) < 0))
		return bad(s, cmd->tag, "Invalid AUTHENTICATE arguments.", out, act);
	if (!login_allowed(s))
		return privacy_required(cmd, out, act);
	/* Unlike Courier, a mechanism not advertised in this state is refused (e.g. PLAIN
	 * before STARTTLS when only IMAP_CAPABILITY_TLS lists it). */
	capa_state(s, &st);
	if (!imap_login_capa_has_mech(s->set->capability, s->set->capability_tls, &st, mech))
		return tagged(out, cmd->tag, "NO Unsupported authentication mechanism.", act);
	remember_tag(s, cmd->tag);
	for (const char *p = mech; *p != '\0'; p++)
		buf_putc(&s->mech, (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p));
	act->mech = buf_cstr(&s->mech);
	if (ir != NULL) {
		/* RFC 4959 §3: "=" is an empty initial response. */
		if (strcmp(ir, "=") != 0)
			buf_puts(&s->secret, ir);
		act->data = buf_cstr(&s->secret);
	}
	s->state = STATE_WAIT_AUTH;
	return act_kind(act, IMAP_LOGIN_AUTH_START);
}

static const struct login_command commands[] = {
	{ "AUTHENTICATE", cmd_authenticate },
	{ "CAPABILITY", cmd_capability },
	{ "ENABLE", cmd_enable },
	{ "ID", cmd_id },
	{ "LOGIN", cmd_login },
	{ "LOGOUT", cmd_logout },
	{ "NOOP", cmd_noop },
	{ "STARTTLS", cmd_starttls },
};

struct imap_login_session *imap_login_session_new(const struct imap_login_settings *settings)
{
	struct imap_login_session *s = xcalloc(1, sizeof(*s));

	s->set = settings;
	s->tls_active = settings->tls_active;
	return s;
}

/* Called on entry to every operation: the previous action's secrets are no longer needed. */
static void forget_request(struct imap_login_session *s, struct imap_login_action *act)
{
	buf_free_secure(&s->secret);
	buf_free_secure(&s->user);
	buf_free(&s->mech);
	s->delay_ms = 0;
	if (act != NULL)
		memset(act, 0, sizeof(*act));
}

void imap_login_session_free(struct imap_login_session **session)
{
	struct imap_login_session *s = *session;

	if (s == NULL)
		return;
	forget_request(s, NULL);
	buf_free(&s->tag);
	free(s);
	*session = NULL;
}

void imap_login_session_greeting(struct imap_login_session *s, struct buf *out)
{
	buf_puts(out, "* OK [CAPABILITY ");
	imap_login_session_capability(s, out);
	buf_puts(out, "] Hato IMAP ready.\r\n");
}

enum imap_login_action_kind imap_login_session_command(struct imap_login_session *s,
						       const struct imap_command *cmd,
						       struct buf *out,
						       struct imap_login_action *act)
{
	forget_request(s, act);
	if (s->state != STATE_NOT_AUTH) {
		/* The caller broke the contract (a command while waiting): fail closed. */
		s->state = STATE_CLOSED;
		return act_kind(act, IMAP_LOGIN_DISCONNECT);
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcasecmp(cmd->name, commands[i].name) == 0)
			return commands[i].run(s, cmd, out, act);
	/* Courier answers NO here; RFC 3501 §7.1.3: an unknown command is BAD. */
	return bad(s, cmd->tag, "Unknown command.", out, act);
}

enum imap_login_action_kind imap_login_session_parse_error(struct imap_login_session *s,
							   const struct imap_parse_error *error,
							   struct buf *out,
							   struct imap_login_action *act)
{
	forget_request(s, act);
	if (s->state != STATE_NOT_AUTH) {
		s->state = STATE_CLOSED;
		return act_kind(act, IMAP_LOGIN_DISCONNECT);
	}
	if (error->fatal) {
		buf_printf(out, "* BYE %s\r\n", error->text);
		s->state = STATE_CLOSED;
		return act_kind(act, IMAP_LOGIN_DISCONNECT);
	}
	return bad(s, error->tag, error->text, out, act);
}

void imap_login_session_literal_continue(struct buf *out)
{
	buf_puts(out, "+ OK\r\n");
}

bool imap_login_session_wants_line(const struct imap_login_session *s)
{
	return s->state == STATE_SASL_REPLY;
}

enum imap_login_action_kind imap_login_session_sasl_line(struct imap_login_session *s,
							 const char *line, size_t len, bool too_long,
							 struct buf *out,
							 struct imap_login_action *act)
{
	forget_request(s, act);
	if (s->state != STATE_SASL_REPLY) {
		s->state = STATE_CLOSED;
		return act_kind(act, IMAP_LOGIN_DISCONNECT);
	}
	s->state = STATE_NOT_AUTH;
	if (too_long) {
		buf_printf(out, "%s BAD SASL response too long.\r\n", buf_cstr(&s->tag));
		return act_kind(act, IMAP_LOGIN_AUTH_CANCEL);
	}
	if (len == 1 && line[0] == '*') {
		/* RFC 3501 §6.2.2: a cancelled exchange is answered with BAD. */
		buf_printf(out, "%s BAD Authentication canceled.\r\n", buf_cstr(&s->tag));
		return act_kind(act, IMAP_LOGIN_AUTH_CANCEL);
	}
	buf_append(&s->secret, line, len);
	act->data = buf_cstr(&s->secret);
	s->state = STATE_WAIT_AUTH;
	return act_kind(act, IMAP_LOGIN_AUTH_CONTINUE);
}

void imap_login_session_auth_challenge(struct imap_login_session *s, const char *b64,
				       struct buf *out)
{
	forget_request(s, NULL);
	if (s->state != STATE_WAIT_AUTH)
		return;
	buf_printf(out, "+ %s\r\n", b64);
	s->state = STATE_SASL_REPLY;
}

enum imap_login_action_kind imap_login_session_auth_result(struct imap_login_session *s,
							   enum imap_login_result result,
							   const char *refusal, struct buf *out,
							   struct imap_login_action *act)
{
	unsigned int max = s->set->max_failures == 0 ? 3 : s->set->max_failures;
	const char *tag = buf_cstr(&s->tag);

	forget_request(s, act);
	if (s->state != STATE_WAIT_AUTH && s->state != STATE_SASL_REPLY) {
		s->state = STATE_CLOSED;
		return act_kind(act, IMAP_LOGIN_DISCONNECT);
	}
	switch (result) {
	case IMAP_LOGIN_OK:
		/* RFC 3501 §6.2.3: the list imapd advertises from now on, so that a client (mbsync)
		 * sees NAMESPACE without another CAPABILITY round trip. */
		buf_printf(out, "%s OK [CAPABILITY ", tag);
		imap_capability_write(out);
		buf_puts(out, "] LOGIN Ok.\r\n");
		s->state = STATE_LOGGED_IN;
		return act_kind(act, IMAP_LOGIN_NONE);
	case IMAP_LOGIN_FAILED:
		s->failures++;
		s->delay_ms = imap_login_delay_ms(&s->set->delay, s->failures);
		buf_printf(out, "%s NO [AUTHENTICATIONFAILED] Login failed.\r\n", tag);
		if (s->failures >= max) {
			buf_puts(out, "* BYE Too many login failures.\r\n");
			s->state = STATE_CLOSED;
			return act_kind(act, IMAP_LOGIN_DISCONNECT);
		}
		s->state = STATE_NOT_AUTH;
		return act_kind(act, IMAP_LOGIN_NONE);
	case IMAP_LOGIN_TEMPFAIL:
		buf_puts(out, "* BYE [UNAVAILABLE] Temporary problem, please try again later\r\n");
		break;
	case IMAP_LOGIN_REFUSED:
		buf_printf(out, "%s %s\r\n", tag,
			   refusal != NULL ? refusal : "NO [AUTHENTICATIONFAILED] Login failed.");
		break;
	}
	s->state = STATE_CLOSED;
	return act_kind(act, IMAP_LOGIN_DISCONNECT);
}

void imap_login_session_tls_started(struct imap_login_session *s)
{
	s->tls_active = true;
	if (s->state == STATE_WAIT_TLS)
		s->state = STATE_NOT_AUTH;
}

void imap_login_session_timeout(struct buf *out)
{
	buf_puts(out, "* BYE Disconnected for inactivity.\r\n");
}

unsigned int imap_login_session_delay_ms(const struct imap_login_session *s)
{
	return s->delay_ms;
}

bool imap_login_session_logged_in(const struct imap_login_session *s)
{
	return s->state == STATE_LOGGED_IN;
}

bool imap_login_session_tls_active(const struct imap_login_session *s)
{
	return s->tls_active;
}

/* Courier's auth_getoption(): "name=value" pairs separated by commas; a value counts as set
 * when atoi() of it is non-zero. */
static bool option_set(const char *options, const char *name)
{
	size_t nlen = strlen(name);
	const char *p = options;

	while (p != NULL && *p != '\0') {
		size_t len = strcspn(p, ",");

		if (len > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=')
			return atoi(p + nlen + 1) != 0;
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

const char *imap_login_account_refusal(const char *options, int tls_active)
{
	if (option_set(options, "disableimap"))
		return "NO IMAP access disabled for this account.";
	if (!tls_active && option_set(options, "disableinsecureimap"))
		return "NO IMAP access disabled via insecure connection.";
	return NULL;
}
