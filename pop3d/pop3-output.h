/* Sends a stored message as a POP3 multi-line response (RFC 1939 §3): CRLF line ends, byte-stuffed
 * leading dots, ".\r\n" terminator, optionally only headers + n body lines (TOP). Streaming, no I/O
 * of its own: bytes go to a caller-supplied write function. */
#ifndef HATO_POP3_OUTPUT_H
#define HATO_POP3_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

/* Returns 0 on success, -1 when the peer is gone (the transfer stops). */
typedef int pop3_output_write_fn(void *ctx, const void *data, size_t len);

#define POP3_OUTPUT_ALL (-1L)

struct pop3_output {
	pop3_output_write_fn *write; /* NULL: count only (see pop3_output_size) */
	void *ctx;
	long top_lines;		/* POP3_OUTPUT_ALL or body lines still wanted after the headers */
	int in_headers;
	int at_line_start;
	int prev_cr;
	int done;		/* TOP reached its limit: later input is ignored */
	int failed;
	size_t line_len;	/* bytes of the current line so far */
	uint64_t octets;	/* message octets in CRLF form, without stuffing or terminator */
	uint64_t wire;		/* every byte handed to write */
	size_t out_len;
	char out[4096];
};

/* Start a message. top_lines: POP3_OUTPUT_ALL for RETR, or n >= 0 for TOP (all header lines,
 * the blank line, then the first n body lines). write may be NULL to only count octets. */
void pop3_output_init(struct pop3_output *o, long top_lines, pop3_output_write_fn *write,
		      void *ctx);

/* Feed the next chunk of the stored message (any split; a line may span chunks; bare LF or
 * CRLF line ends). Returns 0 to ask for more, 1 when TOP has all it needs (the caller may stop
 * reading), -1 if a write failed. */
int pop3_output_feed(struct pop3_output *o, const void *data, size_t len);

/* End the message: a CRLF if the last line had no line end, then ".\r\n"; flush.
 * Returns 0, or -1 if a write failed. */
int pop3_output_finish(struct pop3_output *o);

/* Size of a whole stored message as RETR sends it (what LIST, STAT and "octets follow" report):
 * CRLF line ends, a final CRLF added to an unterminated last line, no stuffing, no terminator. */
uint64_t pop3_output_size(const void *data, size_t len);

#endif
