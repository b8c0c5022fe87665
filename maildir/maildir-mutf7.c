/* Modified UTF-7 for IMAP mailbox names (RFC 3501 §5.1.3: base64 of UTF-16BE, ',' for '/'). */
#include "config.h"
#include "maildir-mutf7.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static int b64_value(char c)
{
	const char *p = c != '\0' ? strchr(b64, c) : NULL;

	return p == NULL ? -1 : (int)(p - b64);
}

/* Decode one UTF-8 sequence at *s; -1 when invalid. */
static int32_t utf8_next(const unsigned char **s)
{
	const unsigned char *p = *s;
	uint32_t c = p[0], min;
	int n;

	if (c < 0x80) {
		*s = p + 1;
		return (int32_t)c;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 1;
		c &= 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 2;
		c &= 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 3;
		c &= 0x07;
		min = 0x10000;
	} else {
		return -1;
	}
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*s = p + n + 1;
	return (int32_t)c;
}

int maildir_mutf7_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		if (utf8_next(&p) < 0)
			return 0;
	}
	return 1;
}

static void put_utf8(struct buf *out, uint32_t c)
{
	if (c < 0x80) {
		buf_putc(out, (char)c);
	} else if (c < 0x800) {
		buf_putc(out, (char)(0xc0 | (c >> 6)));
		buf_putc(out, (char)(0x80 | (c & 0x3f)));
	} else if (c < 0x10000) {
		buf_putc(out, (char)(0xe0 | (c >> 12)));
		buf_putc(out, (char)(0x80 | ((c >> 6) & 0x3f)));
		buf_putc(out, (char)(0x80 | (c & 0x3f)));
	} else {
		buf_putc(out, (char)(0xf0 | (c >> 18)));
		buf_putc(out, (char)(0x80 | ((c >> 12) & 0x3f)));
		buf_putc(out, (char)(0x80 | ((c >> 6) & 0x3f)));
		buf_putc(out, (char)(0x80 | (c & 0x3f)));
	}
}

/* Decode the base64 run at *pp (after '&') up to '-'. */
static int decode_shift(const char **pp, struct buf *out, const char **error_r)
{
	const char *p = *pp;
	uint32_t bits = 0, high = 0;
	int nbits = 0, units = 0, v;

	for (; *p != '-'; p++) {
		if ((v = b64_value(*p)) < 0) {
			*error_r = *p == '\0' ? "modified UTF-7: unterminated shift"
			                      : "modified UTF-7: bad base64 character";
			return -1;
		}
		bits = (bits << 6) | (uint32_t)v;
		nbits += 6;
		if (nbits < 16)
			continue;
		nbits -= 16;
		uint32_t u = (bits >> nbits) & 0xffff;
		bits &= (1u << nbits) - 1;
		units++;
		if (high != 0) {
			if (u < 0xdc00 || u > 0xdfff)
				goto bad_surrogate;
			put_utf8(out, 0x10000 + ((high - 0xd800) << 10) + (u - 0xdc00));
			high = 0;
		} else if (u >= 0xd800 && u <= 0xdbff) {
			high = u;
		} else if (u >= 0xdc00 && u <= 0xdfff) {
			goto bad_surrogate;
		} else if (u >= 0x20 && u <= 0x7e) {
			*error_r = "modified UTF-7: printable ASCII must not be encoded";
			return -1;
		} else if (u < 0x20 || u == 0x7f) {
			/* NUL would cut the name short; no folder name needs a control character. */
			*error_r = "modified UTF-7: control character";
			return -1;
		} else {
			put_utf8(out, u);
		}
	}
	if (high != 0)
		goto bad_surrogate;
	if (units == 0 || nbits >= 6 || bits != 0) {
		*error_r = "modified UTF-7: bad shift length or padding bits";
		return -1;
	}
	*pp = p + 1;
	return 0;
bad_surrogate:
	*error_r = "modified UTF-7: unpaired surrogate";
	return -1;
}

int maildir_mutf7_to_utf8(const char *in, struct buf *out, const char **error_r)
{
	const char *p = in;

	while (*p != '\0') {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c > 0x7e) {
			*error_r = "modified UTF-7: byte outside printable ASCII";
			return -1;
		}
		if (c != '&') {
			buf_putc(out, (char)c);
			p++;
		} else if (p[1] == '-') {
			buf_putc(out, '&');
			p += 2;
		} else {
			p++;
			if (decode_shift(&p, out, error_r) < 0)
				return -1;
			if (*p == '&' && p[1] != '-') {
				/* RFC 3501: no two adjacent shifts (they must be merged). */
				*error_r = "modified UTF-7: adjacent encoded runs";
				return -1;
			}
		}
	}
	return 0;
}

/* An open base64 run of the encoder: 16-bit units go in, base64 digits out as they fill. */
struct mutf7_run {
	uint32_t bits;
	int nbits;
	bool open;
};

static void run_unit(struct buf *out, struct mutf7_run *r, uint16_t u)
{
	if (!r->open) {
		buf_putc(out, '&');
		r->open = true;
	}
	r->bits = (r->bits << 16) | u;
	r->nbits += 16;
	while (r->nbits >= 6) {
		r->nbits -= 6;
		buf_putc(out, b64[(r->bits >> r->nbits) & 0x3f]);
	}
	r->bits &= (1u << r->nbits) - 1;
}

static void run_close(struct buf *out, struct mutf7_run *r)
{
	if (!r->open)
		return;
	if (r->nbits > 0)
		buf_putc(out, b64[(r->bits << (6 - r->nbits)) & 0x3f]);
	buf_putc(out, '-');
	*r = (struct mutf7_run){ 0 };
}

int maildir_mutf7_from_utf8(const char *in, struct buf *out, const char **error_r)
{
	const unsigned char *p = (const unsigned char *)in;
	struct mutf7_run run = { 0 };

	/* One run per stretch of non-ASCII, however long: splitting it would make adjacent
	 * shifts, which the decoder (RFC 3501) refuses. */
	while (*p != '\0') {
		int32_t c = utf8_next(&p);
		if (c < 0) {
			*error_r = "invalid UTF-8";
			return -1;
		}
		if (c >= 0x20 && c <= 0x7e) {
			run_close(out, &run);
			if (c == '&')
				buf_puts(out, "&-");
			else
				buf_putc(out, (char)c);
		} else if (c >= 0x10000) {
			c -= 0x10000;
			run_unit(out, &run, (uint16_t)(0xd800 + (c >> 10)));
			run_unit(out, &run, (uint16_t)(0xdc00 + (c & 0x3ff)));
		} else {
			run_unit(out, &run, (uint16_t)c);
		}
	}
	run_close(out, &run);
	return 0;
}
