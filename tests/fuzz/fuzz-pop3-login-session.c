/* Fuzz target for pop3d/pop3-login-session.c: random command sequences with a fake parent whose
 * answers come from the input too; checks CRLF framing, that nothing is executed after
 * STLS from the same packet, and the contract of the actions. */
#include "config.h"
#include "pop3-login-session.h"
#include "fuzz-pop3-input.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct pop3_login_settings settings[4] = {
	{ .tls_available = 1, .auth_mechs = "CRAM-MD5", .auth_mechs_tls = "PLAIN LOGIN",
	  .allow_user = 1 },
	{ .tls_available = 1, .tls_required = 1, .auth_mechs = "PLAIN", .allow_user = 1,
	  .max_failures = 5 },
	{ .auth_mechs = "PLAIN", .allow_user = 1, .apop_timestamp = "<1.2@h>" },
	{ .tls_active = 1, .auth_mechs_tls = "PLAIN" },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf in = BUF_INIT, out = BUF_INIT;
	struct pop3_parser *p;
	struct pop3_login_session *s;
	size_t pos = 0;
	unsigned int answer = 0;
	int running = 1;

	if (size < 2)
		return 0;
	s = pop3_login_session_new(&settings[data[0] % 4]);
	p = pop3_parser_new(0);
	fuzz_pop3_input(data + 1, size - 1, &in);
	pop3_login_session_greeting(s, &out);
	while (running && pos < in.len) {
		struct pop3_command cmd;
		struct pop3_login_action act;
		size_t used;
		enum pop3_parser_result r = pop3_parser_feed(p, in.data + pos, in.len - pos, &used, &cmd);
		enum pop3_login_action_kind k;

		pos += used;
		if (r == POP3_PARSER_NEED_MORE)
			continue;
		k = r == POP3_PARSER_COMMAND ? pop3_login_session_command(s, &cmd, &out, &act)
					     : pop3_login_session_parse_error(s, r, &out, &act);
		while (running) {
			/* The fake parent's answer: a byte of the input, cycling. */
			unsigned int pick = data[(answer++) % size];

			if (k != act.kind)
				abort();
			if (k == POP3_LOGIN_NONE || k == POP3_LOGIN_AUTH_CANCEL)
				break;
			if (k == POP3_LOGIN_QUIT || k == POP3_LOGIN_DISCONNECT) {
				running = 0;
				break;
			}
			if (k == POP3_LOGIN_START_TLS) {
				/* Everything after STLS in this stream arrived before the handshake. */
				pop3_parser_discard(p);
				pos = in.len;
				pop3_login_session_tls_started(s);
				break;
			}
			if ((k == POP3_LOGIN_USERPASS || k == POP3_LOGIN_APOP) &&
			    (act.user == NULL || act.pass == NULL))
				abort();
			if (k == POP3_LOGIN_AUTH_START && act.mech == NULL)
				abort();
			if ((k == POP3_LOGIN_AUTH_START || k == POP3_LOGIN_AUTH_CONTINUE) &&
			    pick % 5 == 0) {
				pop3_login_session_auth_challenge(s, "Y2hhbGxlbmdl", &out);
				break;
			}
			k = pop3_login_session_auth_result(s, (enum pop3_login_result)(pick % 4),
							   "-ERR refused", &out, &act);
			if (pop3_login_session_logged_in(s))
				running = 0;
		}
	}
	for (size_t i = 0; i < out.len; i++)
		if (out.data[i] == '\n' && (i == 0 || out.data[i - 1] != '\r'))
			abort();
	pop3_login_session_free(&s);
	pop3_parser_free(&p);
	buf_free(&in);
	buf_free(&out);
	return 0;
}
