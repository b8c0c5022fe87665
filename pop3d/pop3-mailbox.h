/* The abstract mailbox the POP3 transaction state machine works on: filled by the Maildir code,
 * or by a test fixture. No I/O happens in pop3d's protocol core itself. */
#ifndef HATO_POP3_MAILBOX_H
#define HATO_POP3_MAILBOX_H

#include <stddef.h>
#include <stdint.h>

struct pop3_mailbox_msg {
	/* Octets as RETR sends them (CRLF form, see pop3_output_size), without stuffing. */
	uint64_t size;
	/* Unique-id listing string (RFC 1939 §7: 1..70 chars 0x21..0x7E), e.g. "UID12-1700000000". */
	const char *uidl;
};

/* Receives the stored bytes of a message, chunk by chunk. Returns 0 for more, 1 when it has
 * enough (TOP), -1 when the client is gone; the stream function stops on non-zero. */
typedef int pop3_mailbox_sink_fn(void *sink_ctx, const void *data, size_t len);

struct pop3_mailbox {
	unsigned int count;
	const struct pop3_mailbox_msg *msgs; /* count entries, in POP3 order (message n = msgs[n-1]) */
	/* Stream the stored bytes of msgs[idx] to sink until EOF or until sink returns non-zero.
	 * Returns 0, or -1 with *error_r (for the log) when the message cannot be read. */
	int (*stream)(void *ctx, unsigned int idx, pop3_mailbox_sink_fn *sink, void *sink_ctx,
		      const char **error_r);
	void *ctx;
};

#endif
