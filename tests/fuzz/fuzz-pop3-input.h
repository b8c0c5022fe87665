/* Shared by the POP3 state-machine fuzz targets: turns fuzz bytes into a client byte stream,
 * either verbatim or as a sequence of well-formed-looking commands, so the state machines see
 * deep command sequences and not only parse errors. */
#ifndef HATO_FUZZ_POP3_INPUT_H
#define HATO_FUZZ_POP3_INPUT_H

#include "buf.h"

#include <stddef.h>
#include <stdint.h>

static const char *const fuzz_pop3_words[] = {
	"USER bob", "PASS secret", "PASS x", "APOP mrose c4c9334bac560ecc979e58001b3e22fb",
	"AUTH", "AUTH PLAIN", "AUTH PLAIN AGJvYgBzZWNyZXQ=", "AUTH CRAM-MD5", "AUTH LOGIN =", "*",
	"STLS", "CAPA", "UTF8", "QUIT", "NOOP", "RSET", "STAT", "LIST", "UIDL", "RETR", "TOP",
	"DELE", "", "LANG", "TOP 1", "USER",
};

/* data[0] odd: token mode (pairs of bytes: word, number argument); else verbatim. */
static void fuzz_pop3_input(const uint8_t *data, size_t size, struct buf *out)
{
	if (size == 0)
		return;
	if ((data[0] & 1) == 0) {
		buf_append(out, data + 1, size - 1);
		return;
	}
	for (size_t i = 1; i + 1 < size; i += 2) {
		size_t n = sizeof(fuzz_pop3_words) / sizeof(fuzz_pop3_words[0]);
		buf_puts(out, fuzz_pop3_words[data[i] % n]);
		if (data[i + 1] & 0x80)
			buf_printf(out, " %u", data[i + 1] & 0x07);
		if (data[i + 1] & 0x40)
			buf_printf(out, " %u", (data[i + 1] >> 3) & 0x07);
		buf_puts(out, (data[i + 1] & 0x20) ? "\n" : "\r\n");
	}
}

#endif
