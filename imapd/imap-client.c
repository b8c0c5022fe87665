/* imapd's session loop: read, parse, dispatch, write (RFC 3501 §2.2, §7.5 continuation). */
#include "config.h"
#include "imap-client.h"
#include "imap-capability.h"
#include "imap-commands.h"
#include "imap-idle.h"
#include "imap-mailbox.h"
#include "imap-parser.h"
#include "arena.h"
#include "log.h"
#include "safe-io.h"

#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#define IMAP_CLIENT_IN 8192
/* Flush when this much output is pending (a big FETCH is sent in pieces). */
#define IMAP_CLIENT_OUT_FLUSH 65536
#define IMAP_CLIENT_ARENA 16384

int imap_client_flush(struct imap_client *client)
{
	if (client->out_failed)
		return -1;
	if (client->out.len > 0) {
		if (write_timeout(client->set->out_fd, client->out.data, client->out.len,
				  client->set->idle_timeout_ms) != 0)
			client->out_failed = true;
		else
			client->counters.sent += client->out.len;
	}
	buf_reset(&client->out);
	return client->out_failed ? -1 : 0;
}

void imap_client_write(struct imap_client *client, const void *data, size_t len)
{
	if (client->out_failed)
		return;
	buf_append(&client->out, data, len);
	if (client->out.len >= IMAP_CLIENT_OUT_FLUSH)
		(void)imap_client_flush(client);
}

void imap_client_untagged(struct imap_client *client, const char *fmt, ...)
{
	va_list ap;

	buf_puts(&client->out, "* ");
	va_start(ap, fmt);
	buf_vprintf(&client->out, fmt, ap);
	va_end(ap);
	imap_client_write(client, "\r\n", 2);
}

void imap_client_tagged(struct imap_client *client, const char *tag, const char *fmt, ...)
{
	va_list ap;

	buf_printf(&client->out, "%s ", tag);
	va_start(ap, fmt);
	buf_vprintf(&client->out, fmt, ap);
	va_end(ap);
	imap_client_write(client, "\r\n", 2);
}

void imap_client_unselect(struct imap_client *client)
{
	imap_mailbox_free(&client->mailbox);
	if (client->state == IMAP_STATE_SELECTED)
		client->state = IMAP_STATE_AUTH;
}

/* A syntax error: BAD with the parser's reason, or BYE and the end when the stream cannot be
 * resynchronised. */
static void parse_error(struct imap_client *client)
{
	const struct imap_parse_error *err = imap_parser_error(client->parser);

	if (err->fatal) {
		imap_client_untagged(client, "BYE %s", err->text);
		client->state = IMAP_STATE_LOGOUT;
		client->disconnect = true;
		return;
	}
	if (err->tag != NULL)
		imap_client_tagged(client, err->tag, "BAD %s", err->text);
	else
		imap_client_untagged(client, "BAD %s", err->text);
}

/* Run every complete command in in[0..len). */
static void handle_input(struct imap_client *client, const char *in, size_t len)
{
	size_t pos = 0, used;

	while (pos < len && client->state != IMAP_STATE_LOGOUT && !client->out_failed) {
		enum imap_parse_result r;

		if (client->idle != NULL) {
			pos += imap_idle_input(client, in + pos, len - pos);
			continue;
		}
		r = imap_parser_feed(client->parser, in + pos, len - pos, &used);
		pos += used;
		switch (r) {
		case IMAP_PARSE_NEED_MORE:
			break;
		case IMAP_PARSE_CONTINUE:
			imap_client_write(client, "+ OK\r\n", 6);
			(void)imap_client_flush(client);
			break;
		case IMAP_PARSE_OK:
			imap_commands_dispatch(client, imap_parser_command(client->parser));
			arena_reset(client->arena);
			break;
		case IMAP_PARSE_ERROR:
			parse_error(client);
			break;
		}
		if (r == IMAP_PARSE_NEED_MORE && used == 0)
			break;
	}
}

static void greet(struct imap_client *client)
{
	struct buf caps = BUF_INIT;

	imap_capability_write(&caps);
	imap_client_untagged(client, "PREAUTH [CAPABILITY %s] Hato IMAP ready.", buf_cstr(&caps));
	buf_free(&caps);
}

enum imap_client_end imap_client_run(const struct imap_client_settings *set,
				     struct imap_client_counters *counters_r)
{
	struct imap_client client;
	enum imap_client_end end = IMAP_CLIENT_DISCONNECTED;
	int fd = set->pipelined_fd >= 0 ? set->pipelined_fd : set->in_fd;
	char in[IMAP_CLIENT_IN];
	ssize_t n;

	memset(&client, 0, sizeof(client));
	client.set = set;
	client.state = IMAP_STATE_AUTH;
	client.parser = imap_parser_new(NULL);
	client.arena = arena_new(IMAP_CLIENT_ARENA);
	if (set->preauth)
		greet(&client);
	while (client.state != IMAP_STATE_LOGOUT) {
		if (imap_client_flush(&client) < 0)
			break;
		if (client.idle != NULL) {
			int r = imap_idle_wait(&client, fd);

			if (r < 0)
				break;
			n = r == 0 ? -2 : read_timeout(fd, in, sizeof(in), set->idle_timeout_ms);
		} else {
			n = read_timeout(fd, in, sizeof(in), set->idle_timeout_ms);
		}
		if (n == 0 && fd != set->in_fd) {
			fd = set->in_fd; /* the bytes handed on by imap-login are done */
			continue;
		}
		if (n == -2) {
			imap_client_untagged(&client, "BYE Idle timeout, closing connection.");
			end = IMAP_CLIENT_TIMEOUT;
			break;
		}
		if (n <= 0)
			break;
		client.counters.rcvd += (unsigned long)n;
		handle_input(&client, in, (size_t)n);
	}
	if (client.state == IMAP_STATE_LOGOUT && !client.disconnect &&
	    end == IMAP_CLIENT_DISCONNECTED)
		end = IMAP_CLIENT_LOGOUT;
	(void)imap_client_flush(&client);
	*counters_r = client.counters;
	imap_idle_free(&client);
	imap_mailbox_free(&client.mailbox);
	imap_parser_free(&client.parser);
	arena_free(client.arena);
	buf_free(&client.out);
	return end;
}
