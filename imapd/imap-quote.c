/* Writing IMAP atoms, quoted strings, literals and NIL (RFC 3501 §4.3, §9). */
#include "config.h"
#include "imap-quote.h"
#include "buf.h"

#include <string.h>
#include <strings.h>

static bool is_atom_char(unsigned char c)
{
	/* ATOM-CHAR: CHAR except atom-specials "(" ")" "{" SP CTL "%" "*" DQUOTE "\" "]". */
	return c > 0x20 && c < 0x7f && strchr("(){%*\"\\]", c) == NULL;
}

bool imap_quote_can_quote(const char *str, size_t len, bool utf8)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)str[i];

		if (c == '\0' || c == '\r' || c == '\n' || (c >= 0x80 && !utf8))
			return false;
	}
	return true;
}

void imap_quote_string(struct buf *out, const char *str, size_t len, bool utf8)
{
	if (!imap_quote_can_quote(str, len, utf8)) {
		buf_printf(out, "{%zu}\r\n", len);
		buf_append(out, str, len);
		return;
	}
	buf_reserve(out, len + 2);
	buf_putc(out, '"');
	for (size_t i = 0; i < len; i++) {
		if (str[i] == '"' || str[i] == '\\')
			buf_putc(out, '\\');
		buf_putc(out, str[i]);
	}
	buf_putc(out, '"');
}

void imap_quote_nstring(struct buf *out, const char *str, size_t len, bool utf8)
{
	if (str == NULL)
		buf_puts(out, "NIL");
	else
		imap_quote_string(out, str, len, utf8);
}

void imap_quote_astring(struct buf *out, const char *str, size_t len)
{
	bool atom = len > 0 && !(len == 3 && strncasecmp(str, "NIL", 3) == 0);

	for (size_t i = 0; atom && i < len; i++)
		atom = is_atom_char((unsigned char)str[i]);
	if (atom)
		buf_append(out, str, len);
	else
		imap_quote_string(out, str, len, false);
}
