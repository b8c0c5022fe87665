/* userdb-test-cram-md5: compute an RFC 2195 CRAM-MD5 response by hand, with the dialogue of
 * Courier's helper script (reference courier-formats §1.9). */
#include "config.h"

#include "buf.h"
#include "xalloc.h"

#include <nettle/base64.h>
#include <nettle/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One line from stdin without its "\n" ("" at end of input), as Perl's <STDIN> + chomp. */
static char *read_line(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);
	if (n < 0) {
		free(line);
		return xstrdup("");
	}
	if (n > 0 && line[n - 1] == '\n')
		line[n - 1] = '\0';
	return line;
}

#define B64_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

/* Decode leniently like MIME::Base64: characters outside the alphabet are skipped, '=' ends. */
static void base64_decode_lenient(const char *in, struct buf *out)
{
	struct buf clean = BUF_INIT;
	struct base64_decode_ctx ctx;

	for (; *in != '\0' && *in != '='; in++) {
		if (strchr(B64_ALPHABET, *in) != NULL)
			buf_putc(&clean, *in);
	}
	if (clean.len % 4 == 1)
		buf_truncate(&clean, clean.len - 1);
	buf_reserve(out, BASE64_DECODE_LENGTH(clean.len));
	size_t n = BASE64_DECODE_LENGTH(clean.len);
	base64_decode_init(&ctx);
	if (base64_decode_update(&ctx, &n, (uint8_t *)out->data, clean.len, buf_cstr(&clean)) != 1)
		n = 0;
	out->len = n;
	out->data[n] = '\0';
	buf_free(&clean);
}

/* MIME::Base64's encode_base64: lines of at most 76 characters, each ended by "\n". */
static void base64_encode_lines(const uint8_t *in, size_t len, struct buf *out)
{
	char enc[BASE64_ENCODE_RAW_LENGTH(57)];
	while (len > 0) {
		size_t chunk = len > 57 ? 57 : len;
		base64_encode_raw(enc, chunk, in);
		buf_append(out, enc, BASE64_ENCODE_RAW_LENGTH(chunk));
		buf_putc(out, '\n');
		in += chunk;
		len -= chunk;
	}
}

int main(void)
{
	struct hmac_md5_ctx hmac;
	uint8_t digest[MD5_DIGEST_SIZE];
	struct buf challenge = BUF_INIT, reply = BUF_INIT, out = BUF_INIT;

	printf("Username? ");
	fflush(stdout);
	char *user = read_line();
	printf("Password? ");
	fflush(stdout);
	char *password = read_line();
	printf("Send: AUTH CRAM-MD5 (or for imap, A AUTHENTICATE CRAM-MD5)\n");
	printf("Paste the challenge here:\n+ ");
	fflush(stdout);
	char *line = read_line();
	const char *p = line;
	if (*p == '+')
		p++;
	while (*p == ' ')
		p++;
	base64_decode_lenient(p, &challenge);

	/* nettle hashes a key longer than the block first, as RFC 2104 and the script do. */
	hmac_md5_set_key(&hmac, strlen(password), (const uint8_t *)password);
	hmac_md5_update(&hmac, challenge.len, (const uint8_t *)buf_cstr(&challenge));
	hmac_md5_digest(&hmac, sizeof(digest), digest);
	secure_zero(&hmac, sizeof(hmac));
	secure_zero(password, strlen(password));

	buf_printf(&reply, "%s ", user);
	for (size_t i = 0; i < sizeof(digest); i++)
		buf_printf(&reply, "%02x", digest[i]);
	base64_encode_lines((const uint8_t *)reply.data, reply.len, &out);
	printf("Send this response:\n%s\n", buf_cstr(&out));

	buf_free(&challenge);
	buf_free_secure(&reply);
	buf_free(&out);
	free(user);
	free(password);
	free(line);
	return fflush(stdout) != 0 ? 1 : 0;
}
