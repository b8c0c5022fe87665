/* IMAP ENVELOPE (RFC 3501 §7.4.2) from an RFC 5322 header block. */
#include "config.h"
#include "mime-envelope.h"
#include "mime-address.h"
#include "mime-header.h"
#include "imap-quote.h"
#include "buf.h"

#include <string.h>
#include <strings.h>

#define MAX_ADDRESSES 1000

enum env_field { ENV_DATE, ENV_SUBJECT, ENV_FROM, ENV_SENDER, ENV_REPLY_TO, ENV_TO, ENV_CC,
		 ENV_BCC, ENV_IN_REPLY_TO, ENV_MESSAGE_ID, ENV_COUNT };

static const struct {
	const char *name;
	int is_address;
} env_fields[ENV_COUNT] = {
	[ENV_DATE] = { "Date", 0 },         [ENV_SUBJECT] = { "Subject", 0 },
	[ENV_FROM] = { "From", 1 },         [ENV_SENDER] = { "Sender", 1 },
	[ENV_REPLY_TO] = { "Reply-To", 1 }, [ENV_TO] = { "To", 1 },
	[ENV_CC] = { "Cc", 1 },             [ENV_BCC] = { "Bcc", 1 },
	[ENV_IN_REPLY_TO] = { "In-Reply-To", 0 }, [ENV_MESSAGE_ID] = { "Message-ID", 0 },
};

void mime_envelope_write(struct buf *out, struct arena *arena, const char *header, size_t len)
{
	struct mime_header_field found[ENV_COUNT];
	int have[ENV_COUNT] = { 0 };
	struct mime_header_iter it;
	struct mime_header_field f;
	struct mime_address *addrs[ENV_COUNT] = { NULL };
	struct buf tmp = BUF_INIT;

	mime_header_iter_init(&it, header, len);
	while (mime_header_next(&it, &f)) {
		for (int i = 0; i < ENV_COUNT; i++) {
			if (!have[i] && strlen(env_fields[i].name) == f.name_len &&
			    strncasecmp(f.name, env_fields[i].name, f.name_len) == 0) {
				found[i] = f;
				have[i] = 1;
			}
		}
	}
	for (int i = 0; i < ENV_COUNT; i++) {
		if (have[i] && env_fields[i].is_address)
			addrs[i] = mime_address_parse(arena, found[i].value, found[i].value_len,
						      MAX_ADDRESSES);
	}
	/* RFC 3501: the server defaults Sender and Reply-To to From. */
	if (addrs[ENV_SENDER] == NULL)
		addrs[ENV_SENDER] = addrs[ENV_FROM];
	if (addrs[ENV_REPLY_TO] == NULL)
		addrs[ENV_REPLY_TO] = addrs[ENV_FROM];

	buf_putc(out, '(');
	for (int i = 0; i < ENV_COUNT; i++) {
		if (i > 0)
			buf_putc(out, ' ');
		if (env_fields[i].is_address) {
			mime_address_write_imap(out, addrs[i]);
		} else if (!have[i]) {
			buf_puts(out, "NIL");
		} else {
			buf_reset(&tmp);
			mime_header_unfold(&tmp, found[i].value, found[i].value_len);
			imap_quote_string(out, buf_cstr(&tmp), tmp.len, false);
		}
	}
	buf_putc(out, ')');
	buf_free(&tmp);
}
