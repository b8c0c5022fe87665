/* pop3d's client I/O loop (see pop3d-io.h). */
#include "config.h"
#include "pop3d-io.h"
#include "pop3-parser.h"
#include "safe-io.h"

#include <string.h>
#include <unistd.h>

#define POP3D_IO_OUT 16384
#define POP3D_IO_IN 4096

struct pop3d_io {
	const struct pop3d_io_settings *set;
	int failed;
	size_t out_len;
	char out[POP3D_IO_OUT];
};

static int io_flush(struct pop3d_io *io)
{
	if (io->failed)
		return -1;
	if (io->out_len > 0 &&
	    write_timeout(io->set->out_fd, io->out, io->out_len, io->set->idle_timeout_ms) != 0)
		io->failed = 1;
	io->out_len = 0;
	return io->failed ? -1 : 0;
}

/* The session's write function: responses are collected and sent when the buffer fills or
 * before the next read, so a pipelined batch is answered in few packets. */
static int io_write(void *ctx, const void *data, size_t len)
{
	struct pop3d_io *io = ctx;
	const char *p = data;

	while (len > 0) {
		if (io->failed)
			return -1;
		if (io->out_len == sizeof(io->out) && io_flush(io) < 0)
			return -1;
		size_t n = sizeof(io->out) - io->out_len;
		if (n > len)
			n = len;
		memcpy(io->out + io->out_len, p, n);
		io->out_len += n;
		p += n;
		len -= n;
	}
	return 0;
}

/* Execute every complete line in in[0..len). Returns the action that ends the session, or
 * POP3_SESSION_NONE when more input is needed. */
static enum pop3_session_action run_lines(struct pop3_session *session, struct pop3_parser *parser,
					  const char *in, size_t len)
{
	enum pop3_session_action act = POP3_SESSION_NONE;
	struct pop3_command cmd;
	size_t pos = 0, used;

	while (pos < len && act == POP3_SESSION_NONE) {
		enum pop3_parser_result r = pop3_parser_feed(parser, in + pos, len - pos, &used,
							     &cmd);
		pos += used;
		switch (r) {
		case POP3_PARSER_NEED_MORE:
			break;
		case POP3_PARSER_COMMAND:
			act = pop3_session_command(session, &cmd);
			break;
		case POP3_PARSER_TOO_LONG:
		case POP3_PARSER_INVALID:
			act = pop3_session_parse_error(session, r);
			break;
		}
		if (r == POP3_PARSER_NEED_MORE && used == 0)
			break;
	}
	return act;
}

enum pop3d_io_end pop3d_io_run(const struct pop3d_io_settings *set, const struct pop3_mailbox *mbox,
			       pop3d_io_delete_fn *del, void *del_ctx,
			       struct pop3_session_counters *counters_r)
{
	static struct pop3d_io io; /* one session per process; too big for the stack */
	struct pop3_session *session;
	struct pop3_parser *parser = pop3_parser_new(0);
	enum pop3d_io_end end = POP3D_IO_DISCONNECTED;
	enum pop3_session_action act;
	int fd = set->pipelined_fd >= 0 ? set->pipelined_fd : set->in_fd;
	char in[POP3D_IO_IN];
	ssize_t n;

	memset(&io, 0, sizeof(io));
	io.set = set;
	session = pop3_session_new(mbox, io_write, &io);
	act = pop3_session_begin(session);
	while (act == POP3_SESSION_NONE) {
		if (io_flush(&io) < 0) {
			act = POP3_SESSION_DISCONNECT;
			break;
		}
		n = read_timeout(fd, in, sizeof(in), set->idle_timeout_ms);
		if (n == 0 && fd != set->in_fd) {
			fd = set->in_fd; /* the handed-on bytes are done: now the client itself */
			continue;
		}
		if (n == -2) {
			end = POP3D_IO_TIMEOUT;
			break;
		}
		if (n <= 0)
			break;
		pop3_session_count_received(session, (size_t)n);
		act = run_lines(session, parser, in, (size_t)n);
	}
	if (act == POP3_SESSION_QUIT) {
		const unsigned int *idx;
		unsigned int ndel = pop3_session_deletions(session, &idx);

		pop3_session_quit_done(session, ndel > 0 ? del(del_ctx, idx, ndel) : 0);
		end = POP3D_IO_LOGOUT;
	}
	io_flush(&io);
	pop3_session_get_counters(session, counters_r);
	pop3_session_free(&session);
	pop3_parser_free(&parser);
	return end;
}
