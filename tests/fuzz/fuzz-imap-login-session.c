/* Fuzz target for imapd/imap-login-session.c: byte 0 picks the settings, the rest is client
 * input, split into packets at 0xff bytes, with a fake parent whose answers come from the input
 * too. Checks CRLF framing of the output, that nothing from the packet carrying STARTTLS is
 * executed, and the contract of the actions. */
#include "config.h"
#include "imap-login-session.h"
#include "imap-parser.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct imap_login_settings settings[4] = {
	{ .tls_available = true, .capability = "IMAP4rev1 AUTH=CRAM-MD5 IDLE SORT",
	  .capability_tls = "IMAP4rev1 AUTH=PLAIN AUTH=CRAM-MD5" },
	{ .tls_available = true, .tls_required = true, .capability = "IMAP4rev1 AUTH=PLAIN",
	  .max_failures = 5 },
	{ .capability = "IMAP4rev1 AUTH=PLAIN AUTH=LOGIN" },
	{ .tls_active = true, .capability_tls = "IMAP4rev1 AUTH=PLAIN" },
};

static void check_framing(const struct buf *out)
{
	/* Every response ends with CRLF and carries no bare CR or LF. */
	for (size_t i = 0; i < out->len; i++) {
		if (out->data[i] == '\n' && (i == 0 || out->data[i - 1] != '\r'))
			abort();
		if (out->data[i] == '\r' && (i + 1 >= out->len || out->data[i + 1] != '\n'))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imap_parser_limits limits = { .max_line = 1024, .max_literal = 256,
					     .max_append_literal = 256 };
	struct buf out = BUF_INIT;
	struct imap_parser *p;
	struct imap_login_session *s;
	const uint8_t *in, *end;
	unsigned int answer = 0;
	int running = 1;

	if (size < 2)
		return 0;
	s = imap_login_session_new(&settings[data[0] % 4]);
	p = imap_parser_new(&limits);
	imap_login_session_greeting(s, &out);
	in = data + 1;
	end = data + size;
	while (running && in < end) {
		const uint8_t *pkt_end = memchr(in, 0xff, (size_t)(end - in));
		size_t len = pkt_end != NULL ? (size_t)(pkt_end - in) : (size_t)(end - in);
		size_t pos = 0;

		while (running && pos < len) {
			struct imap_login_action act;
			enum imap_login_action_kind k;

			if (imap_login_session_wants_line(s)) {
				const uint8_t *lf = memchr(in + pos, '\n', len - pos);
				size_t l = lf != NULL ? (size_t)(lf - (in + pos)) : len - pos;

				k = imap_login_session_sasl_line(s, (const char *)in + pos, l,
								 l > 100, &out, &act);
				pos += l + (lf != NULL);
			} else {
				size_t used;
				enum imap_parse_result r =
					imap_parser_feed(p, in + pos, len - pos, &used);

				pos += used;
				if (r == IMAP_PARSE_NEED_MORE)
					break;
				if (r == IMAP_PARSE_CONTINUE) {
					imap_login_session_literal_continue(&out);
					continue;
				}
				k = r == IMAP_PARSE_OK
					    ? imap_login_session_command(s, imap_parser_command(p),
									 &out, &act)
					    : imap_login_session_parse_error(s, imap_parser_error(p),
									     &out, &act);
			}
			while (running) {
				unsigned int pick = data[(answer++) % size];

				if (k != act.kind)
					abort();
				if (k == IMAP_LOGIN_NONE || k == IMAP_LOGIN_AUTH_CANCEL)
					break;
				if (k == IMAP_LOGIN_LOGOUT || k == IMAP_LOGIN_DISCONNECT) {
					running = 0;
					break;
				}
				if (k == IMAP_LOGIN_START_TLS) {
					/* The rest of this packet is discarded, never parsed. */
					imap_parser_free(&p);
					p = imap_parser_new(&limits);
					imap_login_session_tls_started(s);
					if (!imap_login_session_tls_active(s))
						abort();
					pos = len;
					break;
				}
				if (k == IMAP_LOGIN_AUTH_START && act.mech == NULL)
					abort();
				if (k == IMAP_LOGIN_LOGIN && (act.user == NULL || act.pass == NULL))
					abort();
				if ((k == IMAP_LOGIN_AUTH_START || k == IMAP_LOGIN_AUTH_CONTINUE) &&
				    pick % 4 == 0) {
					imap_login_session_auth_challenge(s, "Y2hhbA==", &out);
					if (!imap_login_session_wants_line(s))
						abort();
					break;
				}
				k = imap_login_session_auth_result(s, (enum imap_login_result)(pick % 4),
								   "NO refused", &out, &act);
				if (imap_login_session_logged_in(s))
					running = 0;
			}
		}
		in += len + (pkt_end != NULL);
	}
	check_framing(&out);
	buf_free(&out);
	imap_parser_free(&p);
	imap_login_session_free(&s);
	return 0;
}
