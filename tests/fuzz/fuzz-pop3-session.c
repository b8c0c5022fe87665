/* Fuzz target for pop3d/pop3-session.c: random command sequences over a small mailbox; checks
 * that every output line ends in CRLF, counters match the bytes written and QUIT reports
 * valid deletions. */
#include "config.h"
#include "pop3-session.h"
#include "fuzz-pop3-input.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const bodies[] = { "A: 1\n\n.x\nb\n", "B: 2\r\n\r\nl\r\n", "", "C: 3\n\nend" };
static struct pop3_mailbox_msg msgs[4] = {
	{ 0, "UID1-1" }, { 0, "UID2-1" }, { 0, "UID3-1" }, { 0, "UID4-1" }
};
static size_t chunk;

static int stream(void *ctx, unsigned int idx, pop3_mailbox_sink_fn *sink, void *sink_ctx,
		  const char **error_r)
{
	size_t len = strlen(bodies[idx]);

	(void)ctx;
	(void)error_r;
	for (size_t pos = 0; pos < len; pos += chunk)
		if (sink(sink_ctx, bodies[idx] + pos, len - pos < chunk ? len - pos : chunk) != 0)
			break;
	return 0;
}

static int write_buf(void *ctx, const void *data, size_t len)
{
	buf_append(ctx, data, len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct pop3_mailbox mbox = { 4, msgs, stream, NULL };
	struct buf in = BUF_INIT, out = BUF_INIT;
	struct pop3_parser *p = pop3_parser_new(0);
	struct pop3_session *s;
	struct pop3_session_counters cnt;
	enum pop3_session_action a = POP3_SESSION_NONE;
	size_t pos = 0;

	for (int i = 0; i < 4; i++)
		msgs[i].size = pop3_output_size(bodies[i], strlen(bodies[i]));
	chunk = size > 0 ? (size_t)(data[size - 1] % 5) + 1 : 1;
	fuzz_pop3_input(data, size, &in);
	s = pop3_session_new(&mbox, write_buf, &out);
	pop3_session_begin(s);
	while (pos < in.len && a == POP3_SESSION_NONE) {
		struct pop3_command cmd;
		size_t used;
		enum pop3_parser_result r = pop3_parser_feed(p, in.data + pos, in.len - pos, &used, &cmd);

		pos += used;
		pop3_session_count_received(s, used);
		if (r == POP3_PARSER_COMMAND)
			a = pop3_session_command(s, &cmd);
		else if (r != POP3_PARSER_NEED_MORE)
			a = pop3_session_parse_error(s, r);
	}
	if (a == POP3_SESSION_QUIT) {
		const unsigned int *idx;
		unsigned int n = pop3_session_deletions(s, &idx);
		for (unsigned int i = 0; i < n; i++)
			if (idx[i] >= 4 || (i > 0 && idx[i] <= idx[i - 1]))
				abort();
		pop3_session_quit_done(s, 0);
	}
	pop3_session_get_counters(s, &cnt);
	if (cnt.sent != out.len || cnt.rcvd != pos)
		abort();
	for (size_t i = 0; i < out.len; i++)
		if (out.data[i] == '\n' && (i == 0 || out.data[i - 1] != '\r'))
			abort();
	if (out.len > 0 && out.data[out.len - 1] != '\n')
		abort();
	pop3_session_free(&s);
	pop3_parser_free(&p);
	buf_free(&in);
	buf_free(&out);
	return 0;
}
