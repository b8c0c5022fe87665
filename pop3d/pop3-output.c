/* Streaming writer of POP3 multi-line message responses (RFC 1939 §3, §7 TOP). */
#include "config.h"
#include "pop3-output.h"

#include <string.h>

void pop3_output_init(struct pop3_output *o, long top_lines, pop3_output_write_fn *write,
		      void *ctx)
{
	memset(o, 0, sizeof(*o));
	o->write = write;
	o->ctx = ctx;
	o->top_lines = top_lines;
	o->in_headers = 1;
	o->at_line_start = 1;
}

static void flush(struct pop3_output *o)
{
	if (o->out_len == 0)
		return;
	if (!o->failed && o->write != NULL && o->write(o->ctx, o->out, o->out_len) < 0)
		o->failed = 1;
	o->wire += o->out_len;
	o->out_len = 0;
}

/* stuffing: the byte is transparency only and not part of the message octets. */
static void emit(struct pop3_output *o, char c, int stuffing)
{
	if (!stuffing)
		o->octets++;
	if (o->write == NULL) {
		o->wire++;
		return;
	}
	if (o->out_len == sizeof(o->out))
		flush(o);
	o->out[o->out_len++] = c;
}

/* A line just ended: advance the TOP state. */
static void end_line(struct pop3_output *o, int blank)
{
	if (o->top_lines == POP3_OUTPUT_ALL)
		return;
	if (o->in_headers) {
		if (blank) {
			o->in_headers = 0;
			if (o->top_lines == 0)
				o->done = 1;
		}
	} else if (--o->top_lines == 0) {
		o->done = 1;
	}
}

int pop3_output_feed(struct pop3_output *o, const void *data, size_t len)
{
	const char *d = data;

	for (size_t i = 0; i < len && !o->done && !o->failed; i++) {
		char c = d[i];

		if (c == '\n') {
			/* A line of only CR counts as blank: that is the CRLF form of "". */
			int blank = o->line_len == 0 || (o->line_len == 1 && o->prev_cr);

			if (!o->prev_cr)
				emit(o, '\r', 0);
			emit(o, '\n', 0);
			o->at_line_start = 1;
			o->prev_cr = 0;
			o->line_len = 0;
			end_line(o, blank);
			continue;
		}
		if (o->at_line_start && c == '.')
			emit(o, '.', 1);
		emit(o, c, 0);
		o->at_line_start = 0;
		o->prev_cr = c == '\r';
		o->line_len++;
	}
	if (o->failed)
		return -1;
	return o->done ? 1 : 0;
}

int pop3_output_finish(struct pop3_output *o)
{
	if (!o->done && !o->at_line_start) {
		if (!o->prev_cr)
			emit(o, '\r', 0);
		emit(o, '\n', 0);
		o->at_line_start = 1;
	}
	/* The terminator is framing, not message octets. */
	emit(o, '.', 1);
	emit(o, '\r', 1);
	emit(o, '\n', 1);
	flush(o);
	return o->failed ? -1 : 0;
}

uint64_t pop3_output_size(const void *data, size_t len)
{
	struct pop3_output o;

	pop3_output_init(&o, POP3_OUTPUT_ALL, NULL, NULL);
	pop3_output_feed(&o, data, len);
	pop3_output_finish(&o);
	return o.octets;
}
