/* POP3 AUTHORIZATION state machine for the login child (RFC 1939, 2449, 2595, 3206, 5034, 6856). */
#include "config.h"
#include "pop3-login-session.h"
#include "pop3-capa.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum login_state {
	STATE_AUTHORIZATION,
	STATE_WAIT_AUTH,  /* a login request is with the parent */
	STATE_SASL_REPLY, /* a challenge was sent: the next line is the client's response */
	STATE_WAIT_TLS,	  /* STLS answered: handshake pending */
	STATE_LOGGED_IN,
	STATE_CLOSED,
};

struct pop3_login_session {
	const struct pop3_login_settings *set;
	enum login_state state;
	int tls_active;
	int utf8;
	unsigned int failures;
	unsigned int bad_commands;
	unsigned int delay_ms;
	struct buf user;   /* from USER, kept until PASS */
	struct buf secret; /* password, digest or SASL data of the pending request */
	struct buf mech;
};

struct login_command {
	const char *name;
	enum pop3_login_action_kind (*run)(struct pop3_login_session *s,
					   const struct pop3_command *cmd, struct buf *out,
					   struct pop3_login_action *act);
};

unsigned int pop3_login_delay_ms(const struct pop3_login_delay *policy, unsigned int failures)
{
	unsigned long d;

	if (failures == 0)
		return 0;
	d = policy->base_ms;
	for (unsigned int i = 1; i < failures && d < policy->max_ms; i++)
		d *= 2;
	return d > policy->max_ms ? policy->max_ms : (unsigned int)d;
}

/* Any login (USER, PASS, APOP, AUTH) is possible in the current TLS state. */
static int login_allowed(const struct pop3_login_session *s)
{
	return s->tls_active || !s->set->tls_required;
}

/* The mechanisms advertised, and therefore accepted, right now. */
static const char *mechs_now(const struct pop3_login_session *s)
{
	const struct pop3_login_settings *set = s->set;

	if (!login_allowed(s))
		return NULL;
	if (s->tls_active && set->auth_mechs_tls != NULL && *set->auth_mechs_tls != '\0')
		return set->auth_mechs_tls;
	return set->auth_mechs;
}

static int mech_listed(const char *list, const char *mech)
{
	size_t mlen = strlen(mech);

	while (list != NULL && *list != '\0') {
		size_t len;

		while (*list == ' ')
			list++;
		len = strcspn(list, " ");
		if (len > 0 && len == mlen && strncasecmp(list, mech, len) == 0)
			return 1;
		list += len;
	}
	return 0;
}

static int user_allowed(const struct pop3_login_session *s)
{
	return s->set->allow_user && login_allowed(s);
}

static enum pop3_login_action_kind act_none(struct pop3_login_action *act,
					    enum pop3_login_action_kind kind)
{
	act->kind = kind;
	return kind;
}

static enum pop3_login_action_kind bad_command(struct pop3_login_session *s, struct buf *out,
					       struct pop3_login_action *act, const char *text)
{
	if (++s->bad_commands > POP3_LOGIN_MAX_BAD_COMMANDS) {
		buf_puts(out, "-ERR Too many invalid commands.\r\n");
		s->state = STATE_CLOSED;
		return act_none(act, POP3_LOGIN_DISCONNECT);
	}
	buf_puts(out, text);
	return act_none(act, POP3_LOGIN_NONE);
}

static enum pop3_login_action_kind tls_required(struct buf *out, struct pop3_login_action *act)
{
	buf_puts(out, "-ERR [AUTH] TLS required to log in.\r\n");
	return act_none(act, POP3_LOGIN_NONE);
}

static enum pop3_login_action_kind cmd_quit(struct pop3_login_session *s,
					    const struct pop3_command *cmd, struct buf *out,
					    struct pop3_login_action *act)
{
	(void)cmd;
	buf_puts(out, "+OK Better luck next time.\r\n");
	s->state = STATE_CLOSED;
	return act_none(act, POP3_LOGIN_QUIT);
}

static enum pop3_login_action_kind cmd_capa(struct pop3_login_session *s,
					    const struct pop3_command *cmd, struct buf *out,
					    struct pop3_login_action *act)
{
	(void)cmd;
	pop3_capa_build(out, mechs_now(s), s->set->tls_available && !s->tls_active,
			user_allowed(s));
	return act_none(act, POP3_LOGIN_NONE);
}

static enum pop3_login_action_kind cmd_utf8(struct pop3_login_session *s,
					    const struct pop3_command *cmd, struct buf *out,
					    struct pop3_login_action *act)
{
	(void)cmd;
	s->utf8 = 1;
	buf_puts(out, "+OK UTF8 enabled\r\n");
	return act_none(act, POP3_LOGIN_NONE);
}

static enum pop3_login_action_kind cmd_stls(struct pop3_login_session *s,
					    const struct pop3_command *cmd, struct buf *out,
					    struct pop3_login_action *act)
{
	(void)cmd;
	if (!s->set->tls_available || s->tls_active) {
		buf_puts(out, "-ERR TLS support not available.\r\n");
		return act_none(act, POP3_LOGIN_NONE);
	}
	/* RFC 2595 §4: nothing learnt before the handshake survives it. */
	buf_free_secure(&s->user);
	buf_puts(out, "+OK Begin SSL/TLS negotiation now.\r\n");
	s->state = STATE_WAIT_TLS;
	return act_none(act, POP3_LOGIN_START_TLS);
}

static enum pop3_login_action_kind cmd_user(struct pop3_login_session *s,
					    const struct pop3_command *cmd, struct buf *out,
					    struct pop3_login_action *act)
{
	if (!login_allowed(s))
		return tls_required(out, act);
	if (!s->set->allow_user) {
		buf_puts(out, "-ERR [AUTH] USER/PASS login is disabled.\r\n");
		return act_none(act, POP3_LOGIN_NONE);
	}
	if (cmd->argc < 1)
		return bad_command(s, out, act, "-ERR Invalid command.\r\n");
	buf_free_secure(&s->user);
	buf_puts(&s->user, cmd->argv[0]);
	buf_puts(out, "+OK Password required.\r\n");
	return act_none(act, POP3_LOGIN_NONE);
}

static enum pop3_login_action_kind cmd_pass(struct pop3_login_session *s,
					    const struct pop3_command *cmd, struct buf *out,
					    struct pop3_login_action *act)
{
	if (!login_allowed(s))
		return tls_required(out, act);
	if (s->user.len == 0 || !s->set->allow_user) {
		buf_puts(out, "-ERR USER/PASS required.\r\n");
		return act_none(act, POP3_LOGIN_NONE);
	}
	/* The whole rest of the line: passwords may contain spaces. */
	buf_puts(&s->secret, cmd->rest);
	act->user = buf_cstr(&s->user);
	act->pass = buf_cstr(&s->secret);
	s->state = STATE_WAIT_AUTH;
	return act_none(act, POP3_LOGIN_USERPASS);
}

static int is_hex32(const char *p)
{
	size_t n = strlen(p);

	return n == 32 && strspn(p, "0123456789abcdefABCDEF") == n;
}

static enum pop3_login_action_kind cmd_apop(struct pop3_login_session *s,
					    const struct pop3_command *cmd, struct buf *out,
					    struct pop3_login_action *act)
{
	if (s->set->apop_timestamp == NULL)
		return bad_command(s, out, act, "-ERR Invalid command.\r\n");
	if (!login_allowed(s))
		return tls_required(out, act);
	if (cmd->argc != 2 || !is_hex32(cmd->argv[1]))
		return bad_command(s, out, act, "-ERR Invalid command.\r\n");
	buf_free_secure(&s->user);
	buf_puts(&s->user, cmd->argv[0]);
	for (const char *p = cmd->argv[1]; *p != '\0'; p++)
		buf_putc(&s->secret, (char)(*p >= 'A' && *p <= 'F' ? *p - 'A' + 'a' : *p));
	act->user = buf_cstr(&s->user);
	act->pass = buf_cstr(&s->secret);
	s->state = STATE_WAIT_AUTH;
	return act_none(act, POP3_LOGIN_APOP);
}

static enum pop3_login_action_kind cmd_auth(struct pop3_login_session *s,
					    const struct pop3_command *cmd, struct buf *out,
					    struct pop3_login_action *act)
{
	const char *mechs = mechs_now(s);

	if (cmd->argc == 0) {
		/* Not in RFC 5034, but clients (Outlook) send a bare AUTH to list mechanisms. */
		buf_puts(out, "+OK\r\n");
		for (const char *p = mechs; p != NULL && *p != '\0';) {
			size_t len;

			while (*p == ' ')
				p++;
			len = strcspn(p, " ");
			if (len > 0) {
				buf_append(out, p, len);
				buf_puts(out, "\r\n");
			}
			p += len;
		}
		buf_puts(out, ".\r\n");
		return act_none(act, POP3_LOGIN_NONE);
	}
	if (!login_allowed(s))
		return tls_required(out, act);
	/* Unlike Courier, a mechanism not advertised in this state is refused (e.g. PLAIN
	 * before STLS when only POP3AUTH_TLS lists it). */
	if (!mech_listed(mechs, cmd->argv[0])) {
		buf_puts(out, "-ERR [AUTH] Unsupported authentication mechanism.\r\n");
		return act_none(act, POP3_LOGIN_NONE);
	}
	for (const char *p = cmd->argv[0]; *p != '\0'; p++)
		buf_putc(&s->mech, (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p));
	act->mech = buf_cstr(&s->mech);
	if (cmd->argc >= 2) {
		/* RFC 5034 §4: "=" is an empty initial response. */
		if (strcmp(cmd->argv[1], "=") != 0)
			buf_puts(&s->secret, cmd->argv[1]);
		act->data = buf_cstr(&s->secret);
	}
	s->state = STATE_WAIT_AUTH;
	return act_none(act, POP3_LOGIN_AUTH_START);
}

static const struct login_command commands[] = {
	{ "APOP", cmd_apop }, { "AUTH", cmd_auth }, { "CAPA", cmd_capa }, { "PASS", cmd_pass },
	{ "QUIT", cmd_quit }, { "STLS", cmd_stls }, { "USER", cmd_user }, { "UTF8", cmd_utf8 },
};

struct pop3_login_session *pop3_login_session_new(const struct pop3_login_settings *settings)
{
	struct pop3_login_session *s = xcalloc(1, sizeof(*s));

	s->set = settings;
	s->tls_active = settings->tls_active;
	return s;
}

/* Called on entry to every operation: the previous action's secrets are no longer needed. */
static void forget_request(struct pop3_login_session *s, struct pop3_login_action *act)
{
	buf_free_secure(&s->secret);
	buf_free(&s->mech);
	s->delay_ms = 0;
	if (act != NULL)
		memset(act, 0, sizeof(*act));
}

void pop3_login_session_free(struct pop3_login_session **session)
{
	struct pop3_login_session *s = *session;

	if (s == NULL)
		return;
	forget_request(s, NULL);
	buf_free_secure(&s->user);
	free(s);
	*session = NULL;
}

void pop3_login_session_greeting(struct pop3_login_session *s, struct buf *out)
{
	if (s->set->apop_timestamp != NULL)
		buf_printf(out, "+OK Hello there. %s\r\n", s->set->apop_timestamp);
	else
		buf_puts(out, "+OK Hello there.\r\n");
}

/* The client's line answering a SASL challenge (RFC 5034 §4). */
static enum pop3_login_action_kind sasl_reply(struct pop3_login_session *s,
					      const struct pop3_command *cmd, struct buf *out,
					      struct pop3_login_action *act)
{
	if (cmd->line_len == 1 && cmd->line[0] == '*') {
		buf_puts(out, "-ERR [AUTH] Authentication canceled.\r\n");
		s->state = STATE_AUTHORIZATION;
		return act_none(act, POP3_LOGIN_AUTH_CANCEL);
	}
	buf_append(&s->secret, cmd->line, cmd->line_len);
	act->data = buf_cstr(&s->secret);
	s->state = STATE_WAIT_AUTH;
	return act_none(act, POP3_LOGIN_AUTH_CONTINUE);
}

enum pop3_login_action_kind pop3_login_session_command(struct pop3_login_session *s,
						       const struct pop3_command *cmd,
						       struct buf *out,
						       struct pop3_login_action *act)
{
	forget_request(s, act);
	switch (s->state) {
	case STATE_AUTHORIZATION:
		break;
	case STATE_SASL_REPLY:
		return sasl_reply(s, cmd, out, act);
	default:
		/* The caller broke the contract (input while waiting): fail closed. */
		s->state = STATE_CLOSED;
		return act_none(act, POP3_LOGIN_DISCONNECT);
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(cmd->name, commands[i].name) == 0)
			return commands[i].run(s, cmd, out, act);
	return bad_command(s, out, act, "-ERR Invalid command.\r\n");
}

enum pop3_login_action_kind pop3_login_session_parse_error(struct pop3_login_session *s,
							   enum pop3_parser_result result,
							   struct buf *out,
							   struct pop3_login_action *act)
{
	const char *text = result == POP3_PARSER_TOO_LONG ? "-ERR Line too long\r\n"
							  : "-ERR Invalid command.\r\n";

	forget_request(s, act);
	if (s->state == STATE_SASL_REPLY) {
		buf_puts(out, text);
		s->state = STATE_AUTHORIZATION;
		return act_none(act, POP3_LOGIN_AUTH_CANCEL);
	}
	if (s->state != STATE_AUTHORIZATION) {
		s->state = STATE_CLOSED;
		return act_none(act, POP3_LOGIN_DISCONNECT);
	}
	return bad_command(s, out, act, text);
}

void pop3_login_session_auth_challenge(struct pop3_login_session *s, const char *b64,
				       struct buf *out)
{
	forget_request(s, NULL);
	if (s->state != STATE_WAIT_AUTH)
		return;
	buf_printf(out, "+ %s\r\n", b64);
	s->state = STATE_SASL_REPLY;
}

enum pop3_login_action_kind pop3_login_session_auth_result(struct pop3_login_session *s,
							   enum pop3_login_result result,
							   const char *refusal, struct buf *out,
							   struct pop3_login_action *act)
{
	unsigned int max = s->set->max_failures == 0 ? 3 : s->set->max_failures;

	forget_request(s, act);
	/* RFC 1939: after a failed PASS the client starts again with USER. */
	buf_free_secure(&s->user);
	if (s->state != STATE_WAIT_AUTH && s->state != STATE_SASL_REPLY) {
		s->state = STATE_CLOSED;
		return act_none(act, POP3_LOGIN_DISCONNECT);
	}
	switch (result) {
	case POP3_LOGIN_OK:
		s->state = STATE_LOGGED_IN;
		return act_none(act, POP3_LOGIN_NONE);
	case POP3_LOGIN_FAILED:
		s->failures++;
		s->delay_ms = pop3_login_delay_ms(&s->set->delay, s->failures);
		if (s->failures >= max) {
			buf_puts(out, "-ERR [AUTH] Too many failures.\r\n");
			s->state = STATE_CLOSED;
			return act_none(act, POP3_LOGIN_DISCONNECT);
		}
		buf_puts(out, "-ERR [AUTH] Login failed.\r\n");
		s->state = STATE_AUTHORIZATION;
		return act_none(act, POP3_LOGIN_NONE);
	case POP3_LOGIN_TEMPFAIL:
		buf_puts(out, "-ERR [SYS/TEMP] Temporary problem, please try again later\r\n");
		break;
	case POP3_LOGIN_REFUSED:
		buf_printf(out, "%s\r\n", refusal != NULL ? refusal : "-ERR [AUTH] Login failed.");
		break;
	}
	s->state = STATE_CLOSED;
	return act_none(act, POP3_LOGIN_DISCONNECT);
}

void pop3_login_session_tls_started(struct pop3_login_session *s)
{
	s->tls_active = 1;
	buf_free_secure(&s->user);
	if (s->state == STATE_WAIT_TLS)
		s->state = STATE_AUTHORIZATION;
}

unsigned int pop3_login_session_delay_ms(const struct pop3_login_session *s)
{
	return s->delay_ms;
}

int pop3_login_session_logged_in(const struct pop3_login_session *s)
{
	return s->state == STATE_LOGGED_IN;
}

int pop3_login_session_tls_active(const struct pop3_login_session *s)
{
	return s->tls_active;
}

int pop3_login_session_utf8(const struct pop3_login_session *s)
{
	return s->utf8;
}

/* Courier's auth_getoption(): "name=value" pairs separated by commas; a value counts as set
 * when atoi() of it is non-zero. */
static int option_set(const char *options, const char *name)
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
	return 0;
}

const char *pop3_login_account_refusal(const char *options, int tls_active)
{
	if (option_set(options, "disablepop3"))
		return "-ERR POP3 access disabled for this account.";
	if (!tls_active && option_set(options, "disableinsecurepop3"))
		return "-ERR POP3 access disabled via insecure connection.";
	return NULL;
}
