/* POP3 TRANSACTION / UPDATE state machine (RFC 1939 §5-6) with Courier's response texts. */
#include "config.h"
#include "pop3-session.h"
#include "pop3-capa.h"
#include "buf.h"
#include "xalloc.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

enum session_state { STATE_TRANSACTION, STATE_UPDATE };

struct pop3_session {
	const struct pop3_mailbox *mbox;
	pop3_output_write_fn *write;
	void *write_ctx;
	enum session_state state;
	unsigned char *deleted;	/* one flag per message */
	unsigned int *deletions; /* filled at QUIT */
	unsigned int n_deletions;
	unsigned int bad_commands;
	int failed;		/* a write failed: the client is gone */
	int utf8;
	struct pop3_session_counters counters;
};

struct session_command {
	const char *name;
	enum pop3_session_action (*run)(struct pop3_session *s, const struct pop3_command *cmd);
};

static int session_write(void *ctx, const void *data, size_t len)
{
	struct pop3_session *s = ctx;

	if (s->failed)
		return -1;
	s->counters.sent += len;
	if (s->write(s->write_ctx, data, len) < 0) {
		s->failed = 1;
		return -1;
	}
	return 0;
}

static enum pop3_session_action reply_buf(struct pop3_session *s, const struct buf *b)
{
	session_write(s, b->data, b->len);
	return s->failed ? POP3_SESSION_DISCONNECT : POP3_SESSION_NONE;
}

static enum pop3_session_action reply(struct pop3_session *s, const char *text)
{
	session_write(s, text, strlen(text));
	return s->failed ? POP3_SESSION_DISCONNECT : POP3_SESSION_NONE;
}

/* Unknown or malformed input: answer, and give up on clients that only send garbage. */
static enum pop3_session_action bad_command(struct pop3_session *s, const char *text)
{
	if (++s->bad_commands > POP3_SESSION_MAX_BAD_COMMANDS) {
		reply(s, "-ERR Too many invalid commands.\r\n");
		return POP3_SESSION_DISCONNECT;
	}
	return reply(s, text);
}

/* Strict decimal: digits only, no sign, no overflow. */
static int parse_uint(const char *p, unsigned long *value_r)
{
	unsigned long v = 0;

	if (p == NULL || *p == '\0' || strlen(p) > 9)
		return -1;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	*value_r = v;
	return 0;
}

/* A message number that names a live message; answers the -ERR itself (Courier's text for a
 * missing, malformed, out-of-range or deleted number alike). */
static int msg_index(struct pop3_session *s, const struct pop3_command *cmd, unsigned int *idx_r)
{
	unsigned long n;

	if (cmd->argc < 1 || parse_uint(cmd->argv[0], &n) < 0 || n == 0 ||
	    n > s->mbox->count || s->deleted[n - 1]) {
		reply(s, "-ERR Invalid message number.\r\n");
		return -1;
	}
	*idx_r = (unsigned int)(n - 1);
	return 0;
}

static enum pop3_session_action cmd_stat(struct pop3_session *s, const struct pop3_command *cmd)
{
	struct buf b = BUF_INIT;
	unsigned int n = 0;
	uint64_t size = 0;
	enum pop3_session_action a;

	(void)cmd;
	for (unsigned int i = 0; i < s->mbox->count; i++) {
		if (s->deleted[i])
			continue;
		n++;
		size += s->mbox->msgs[i].size;
	}
	buf_printf(&b, "+OK %u %" PRIu64 "\r\n", n, size);
	a = reply_buf(s, &b);
	buf_free(&b);
	return a;
}

/* LIST and UIDL share their shape: one message, or all live messages. */
static enum pop3_session_action list_or_uidl(struct pop3_session *s,
					     const struct pop3_command *cmd, int uidl)
{
	struct buf b = BUF_INIT;
	enum pop3_session_action a;
	unsigned int idx;

	if (cmd->argc >= 1) {
		if (msg_index(s, cmd, &idx) < 0)
			return s->failed ? POP3_SESSION_DISCONNECT : POP3_SESSION_NONE;
		if (uidl)
			buf_printf(&b, "+OK %u %s\r\n", idx + 1, s->mbox->msgs[idx].uidl);
		else
			buf_printf(&b, "+OK %u %" PRIu64 "\r\n", idx + 1, s->mbox->msgs[idx].size);
		a = reply_buf(s, &b);
		buf_free(&b);
		return a;
	}
	buf_puts(&b, uidl ? "+OK\r\n" : "+OK POP3 clients that break here, they violate STD53.\r\n");
	for (unsigned int i = 0; i < s->mbox->count; i++) {
		if (s->deleted[i])
			continue;
		if (uidl)
			buf_printf(&b, "%u %s\r\n", i + 1, s->mbox->msgs[i].uidl);
		else
			buf_printf(&b, "%u %" PRIu64 "\r\n", i + 1, s->mbox->msgs[i].size);
		/* Bounded memory for huge mailboxes. */
		if (b.len > 16384) {
			session_write(s, b.data, b.len);
			buf_reset(&b);
		}
	}
	buf_puts(&b, ".\r\n");
	a = reply_buf(s, &b);
	buf_free(&b);
	return a;
}

static enum pop3_session_action cmd_list(struct pop3_session *s, const struct pop3_command *cmd)
{
	return list_or_uidl(s, cmd, 0);
}

static enum pop3_session_action cmd_uidl(struct pop3_session *s, const struct pop3_command *cmd)
{
	return list_or_uidl(s, cmd, 1);
}

struct send_ctx {
	struct pop3_session *s;
	struct pop3_output out;
	const char *status; /* the +OK line, sent with the first byte so an unreadable file can
			     * still be answered with -ERR */
	int started;
};

static void send_start(struct send_ctx *c)
{
	if (!c->started) {
		c->started = 1;
		session_write(c->s, c->status, strlen(c->status));
	}
}

static int send_sink(void *ctx, const void *data, size_t len)
{
	struct send_ctx *c = ctx;

	send_start(c);
	return pop3_output_feed(&c->out, data, len);
}

/* RETR (top_lines = POP3_OUTPUT_ALL) and TOP. */
static enum pop3_session_action send_message(struct pop3_session *s, unsigned int idx,
					     long top_lines)
{
	struct send_ctx c;
	struct buf status = BUF_INIT;
	const char *error = NULL;
	int r;

	memset(&c, 0, sizeof(c));
	c.s = s;
	if (top_lines == POP3_OUTPUT_ALL)
		buf_printf(&status, "+OK %" PRIu64 " octets follow.\r\n", s->mbox->msgs[idx].size);
	else
		buf_puts(&status, "+OK headers follow.\r\n");
	c.status = buf_cstr(&status);
	pop3_output_init(&c.out, top_lines, session_write, s);
	r = s->mbox->stream(s->mbox->ctx, idx, send_sink, &c, &error);
	if (r < 0 && !c.started && !s->failed) {
		buf_free(&status);
		return reply(s, "-ERR Can't open the message file - it's gone!\r\n");
	}
	send_start(&c);
	buf_free(&status);
	/* A read error in the middle of a message cannot be reported in-band: drop the client,
	 * as Courier does, rather than send a truncated message that looks complete. */
	if (r < 0 || s->failed)
		return POP3_SESSION_DISCONNECT;
	if (pop3_output_finish(&c.out) < 0)
		return POP3_SESSION_DISCONNECT;
	if (top_lines == POP3_OUTPUT_ALL)
		s->counters.retr += (unsigned long)c.out.octets;
	else
		s->counters.top += (unsigned long)c.out.octets;
	return POP3_SESSION_NONE;
}

static enum pop3_session_action cmd_retr(struct pop3_session *s, const struct pop3_command *cmd)
{
	unsigned int idx;

	if (msg_index(s, cmd, &idx) < 0)
		return s->failed ? POP3_SESSION_DISCONNECT : POP3_SESSION_NONE;
	return send_message(s, idx, POP3_OUTPUT_ALL);
}

static enum pop3_session_action cmd_top(struct pop3_session *s, const struct pop3_command *cmd)
{
	unsigned int idx;
	unsigned long lines;

	if (msg_index(s, cmd, &idx) < 0)
		return s->failed ? POP3_SESSION_DISCONNECT : POP3_SESSION_NONE;
	if (cmd->argc < 2 || parse_uint(cmd->argv[1], &lines) < 0)
		return bad_command(s, "-ERR Invalid command.\r\n");
	return send_message(s, idx, (long)lines);
}

static enum pop3_session_action cmd_dele(struct pop3_session *s, const struct pop3_command *cmd)
{
	unsigned int idx;

	if (msg_index(s, cmd, &idx) < 0)
		return s->failed ? POP3_SESSION_DISCONNECT : POP3_SESSION_NONE;
	s->deleted[idx] = 1;
	return reply(s, "+OK Deleted.\r\n");
}

static enum pop3_session_action cmd_noop(struct pop3_session *s, const struct pop3_command *cmd)
{
	(void)cmd;
	return reply(s, "+OK Yup.\r\n");
}

static enum pop3_session_action cmd_rset(struct pop3_session *s, const struct pop3_command *cmd)
{
	(void)cmd;
	memset(s->deleted, 0, s->mbox->count);
	return reply(s, "+OK Resurrected.\r\n");
}

static enum pop3_session_action cmd_capa(struct pop3_session *s, const struct pop3_command *cmd)
{
	struct buf b = BUF_INIT;
	enum pop3_session_action a;

	(void)cmd;
	pop3_capa_build(&b, NULL, 0, 0);
	a = reply_buf(s, &b);
	buf_free(&b);
	return a;
}

static enum pop3_session_action cmd_utf8(struct pop3_session *s, const struct pop3_command *cmd)
{
	(void)cmd;
	/* RFC 6856 allows UTF8 only before login; Courier accepts it here too (Outlook sends it
	 * late), and so do we. */
	s->utf8 = 1;
	return reply(s, "+OK UTF8 enabled\r\n");
}

static enum pop3_session_action cmd_quit(struct pop3_session *s, const struct pop3_command *cmd)
{
	(void)cmd;
	s->state = STATE_UPDATE;
	s->n_deletions = 0;
	for (unsigned int i = 0; i < s->mbox->count; i++)
		if (s->deleted[i])
			s->deletions[s->n_deletions++] = i;
	return POP3_SESSION_QUIT;
}

static const struct session_command commands[] = {
	{ "CAPA", cmd_capa }, { "DELE", cmd_dele }, { "LIST", cmd_list }, { "NOOP", cmd_noop },
	{ "QUIT", cmd_quit }, { "RETR", cmd_retr }, { "RSET", cmd_rset }, { "STAT", cmd_stat },
	{ "TOP", cmd_top },   { "UIDL", cmd_uidl }, { "UTF8", cmd_utf8 },
};

struct pop3_session *pop3_session_new(const struct pop3_mailbox *mbox, pop3_output_write_fn *write,
				      void *write_ctx)
{
	struct pop3_session *s = xcalloc(1, sizeof(*s));

	s->mbox = mbox;
	s->write = write;
	s->write_ctx = write_ctx;
	s->deleted = xcalloc(mbox->count + 1, 1);
	s->deletions = xcalloc(mbox->count + 1, sizeof(*s->deletions));
	return s;
}

void pop3_session_free(struct pop3_session **session)
{
	struct pop3_session *s = *session;

	if (s == NULL)
		return;
	free(s->deleted);
	free(s->deletions);
	free(s);
	*session = NULL;
}

enum pop3_session_action pop3_session_begin(struct pop3_session *s)
{
	return reply(s, "+OK logged in.\r\n");
}

enum pop3_session_action pop3_session_command(struct pop3_session *s,
					      const struct pop3_command *cmd)
{
	if (s->state != STATE_TRANSACTION || s->failed)
		return POP3_SESSION_DISCONNECT;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(cmd->name, commands[i].name) == 0)
			return commands[i].run(s, cmd);
	return bad_command(s, "-ERR Invalid command.\r\n");
}

enum pop3_session_action pop3_session_parse_error(struct pop3_session *s,
						  enum pop3_parser_result result)
{
	if (s->state != STATE_TRANSACTION || s->failed)
		return POP3_SESSION_DISCONNECT;
	if (result == POP3_PARSER_TOO_LONG)
		return bad_command(s, "-ERR Line too long\r\n");
	return bad_command(s, "-ERR Invalid command.\r\n");
}

void pop3_session_count_received(struct pop3_session *s, size_t n)
{
	s->counters.rcvd += n;
}

unsigned int pop3_session_deletions(const struct pop3_session *s, const unsigned int **idx_r)
{
	*idx_r = s->deletions;
	return s->state == STATE_UPDATE ? s->n_deletions : 0;
}

void pop3_session_quit_done(struct pop3_session *s, unsigned int failed)
{
	if (failed == 0)
		reply(s, "+OK Bye-bye.\r\n");
	else
		reply(s, "-ERR Some deleted messages were not removed.\r\n");
}

void pop3_session_get_counters(const struct pop3_session *s,
			       struct pop3_session_counters *counters_r)
{
	*counters_r = s->counters;
}

int pop3_session_utf8(const struct pop3_session *s)
{
	return s->utf8;
}
