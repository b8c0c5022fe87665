/* Text decoding for SEARCH: RFC 2047 encoded words in header values, base64 and
 * quoted-printable bodies (RFC 2045 §6), and charsets converted to UTF-8 with iconv(3). */
#include "config.h"
#include "imap-search.h"
#include "imap-search-private.h"
#include "buf.h"
#include "mime-header.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Longest charset name looked up (the IANA names are far shorter). */
#define CHARSET_MAX 64

static bool is_utf8_compatible(const char *charset)
{
	return charset == NULL || strcasecmp(charset, "us-ascii") == 0 ||
	       strcasecmp(charset, "utf-8") == 0 || strcasecmp(charset, "utf8") == 0 ||
	       strcasecmp(charset, "ascii") == 0;
}

static iconv_t get_cd(struct imap_search_ctx *ctx, const char *charset)
{
	if (ctx->cd_name != NULL && strcasecmp(ctx->cd_name, charset) == 0)
		return ctx->cd;
	if (ctx->cd != (iconv_t)-1)
		iconv_close(ctx->cd);
	free(ctx->cd_name);
	/* A name iconv does not know is remembered too, so it is not looked up per message. */
	ctx->cd_name = strdup(charset);
	ctx->cd = iconv_open("UTF-8", charset);
	if (ctx->cd_name == NULL && ctx->cd != (iconv_t)-1) {
		iconv_close(ctx->cd);
		ctx->cd = (iconv_t)-1;
	}
	return ctx->cd;
}

/* Append in[0..len) converted from charset to UTF-8; bytes iconv cannot convert become '?',
 * and text in a charset it does not know is appended as it is. */
static void convert(struct imap_search_ctx *ctx, struct buf *out, const char *in, size_t len,
		    const char *charset)
{
	char *inp = (char *)in;
	size_t inleft = len;
	iconv_t cd;

	if (is_utf8_compatible(charset) || (cd = get_cd(ctx, charset)) == (iconv_t)-1) {
		buf_append(out, in, len);
		return;
	}
	iconv(cd, NULL, NULL, NULL, NULL);
	while (inleft > 0) {
		size_t room = inleft * 4 + 16, outleft = room;
		char *outp;
		size_t r;

		buf_reserve(out, room);
		outp = out->data + out->len;
		r = iconv(cd, &inp, &inleft, &outp, &outleft);
		out->len += room - outleft;
		out->data[out->len] = '\0';
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		if (errno != EILSEQ)
			break; /* EINVAL: an incomplete sequence at the end */
		buf_putc(out, '?');
		inp++;
		inleft--;
	}
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Characters outside the alphabet (line ends, '=') are skipped. */
static void decode_base64(struct buf *out, const char *in, size_t len)
{
	unsigned acc = 0;
	int bits = 0;

	buf_reserve(out, len / 4 * 3 + 3);
	for (size_t i = 0; i < len; i++) {
		int v = b64_value((unsigned char)in[i]);

		if (v < 0)
			continue;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_putc(out, (char)((acc >> bits) & 0xff));
		}
	}
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Quoted-printable; header true for the Q encoding of RFC 2047 ('_' is a space). */
static void decode_qp(struct buf *out, const char *in, size_t len, bool header)
{
	buf_reserve(out, len);
	for (size_t i = 0; i < len; i++) {
		char c = in[i];

		if (c == '=' && i + 2 < len && hex_value(in[i + 1]) >= 0 &&
		    hex_value(in[i + 2]) >= 0) {
			buf_putc(out, (char)(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2])));
			i += 2;
		} else if (c == '=' && i + 1 < len && in[i + 1] == '\n') {
			i++; /* soft line break */
		} else if (c == '=' && i + 2 < len && in[i + 1] == '\r' && in[i + 2] == '\n') {
			i += 2;
		} else if (c == '_' && header) {
			buf_putc(out, ' ');
		} else {
			buf_putc(out, c);
		}
	}
}

struct encoded_word {
	const char *charset;
	size_t charset_len;
	char encoding; /* 'B' or 'Q' */
	const char *text;
	size_t text_len;
	size_t end; /* offset after "?=" */
};

/* An encoded word "=?charset?B?text?=" starting at s[i]. */
static bool parse_encoded_word(const char *s, size_t i, size_t n, struct encoded_word *ew)
{
	size_t p = i + 2, q;

	if (i + 2 > n || s[i] != '=' || s[i + 1] != '?')
		return false;
	for (q = p; q < n && s[q] != '?' && s[q] != ' ' && s[q] != '\t'; q++)
		;
	if (q == p || q + 3 >= n || s[q] != '?' || s[q + 2] != '?')
		return false;
	ew->charset = s + p;
	ew->charset_len = q - p;
	ew->encoding = (char)(s[q + 1] & ~0x20);
	if (ew->encoding != 'B' && ew->encoding != 'Q')
		return false;
	p = q + 3;
	for (q = p; q < n && s[q] != '?' && s[q] != ' ' && s[q] != '\t'; q++)
		;
	if (q + 1 >= n || s[q] != '?' || s[q + 1] != '=')
		return false;
	ew->text = s + p;
	ew->text_len = q - p;
	ew->end = q + 2;
	return true;
}

static void decode_word(struct imap_search_ctx *ctx, struct buf *out,
			const struct encoded_word *ew)
{
	char charset[CHARSET_MAX + 1];
	size_t clen = ew->charset_len;
	const char *star = memchr(ew->charset, '*', clen); /* RFC 2231 language suffix */

	if (star != NULL)
		clen = (size_t)(star - ew->charset);
	if (clen > CHARSET_MAX) {
		buf_append(out, ew->text, ew->text_len);
		return;
	}
	memcpy(charset, ew->charset, clen);
	charset[clen] = '\0';
	buf_reset(&ctx->dec);
	if (ew->encoding == 'B')
		decode_base64(&ctx->dec, ew->text, ew->text_len);
	else
		decode_qp(&ctx->dec, ew->text, ew->text_len, true);
	convert(ctx, out, ctx->dec.data != NULL ? ctx->dec.data : "", ctx->dec.len, charset);
}

void imap_search_decode_header(struct imap_search_ctx *ctx, struct buf *out, const char *value,
			       size_t len)
{
	const char *s;
	size_t n, i = 0;
	bool after_word = false;
	struct encoded_word ew;

	buf_reset(&ctx->tmp);
	mime_header_unfold(&ctx->tmp, value, len);
	s = buf_cstr(&ctx->tmp);
	n = ctx->tmp.len;
	while (i < n) {
		if (after_word && (s[i] == ' ' || s[i] == '\t')) {
			size_t j = i;

			while (j < n && (s[j] == ' ' || s[j] == '\t'))
				j++;
			/* RFC 2047 §6.2: space between two encoded words is not text. */
			if (!parse_encoded_word(s, j, n, &ew))
				buf_append(out, s + i, j - i);
			i = j;
			after_word = false;
			continue;
		}
		if (parse_encoded_word(s, i, n, &ew)) {
			decode_word(ctx, out, &ew);
			i = ew.end;
			after_word = true;
			continue;
		}
		buf_putc(out, s[i++]);
		after_word = false;
	}
}

void imap_search_decode_body(struct imap_search_ctx *ctx, struct buf *out, const char *data,
			     size_t len, const char *encoding, const char *charset)
{
	const char *text = data;
	size_t text_len = len;

	if (encoding != NULL && strcasecmp(encoding, "base64") == 0) {
		buf_reset(&ctx->dec);
		decode_base64(&ctx->dec, data, len);
		text = buf_cstr(&ctx->dec);
		text_len = ctx->dec.len;
	} else if (encoding != NULL && strcasecmp(encoding, "quoted-printable") == 0) {
		buf_reset(&ctx->dec);
		decode_qp(&ctx->dec, data, len, false);
		text = buf_cstr(&ctx->dec);
		text_len = ctx->dec.len;
	}
	if (charset != NULL && strlen(charset) > CHARSET_MAX)
		charset = "unknown-charset";
	convert(ctx, out, text, text_len, charset);
}
