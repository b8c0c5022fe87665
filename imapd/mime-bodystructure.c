/* IMAP BODY / BODYSTRUCTURE (RFC 3501 §7.4.2, §9 body grammar) from a mime_parse tree. */
#include "config.h"
#include "mime-bodystructure.h"
#include "mime-envelope.h"
#include "mime-parse.h"
#include "imap-quote.h"
#include "buf.h"

#include <string.h>
#include <strings.h>

static void nstr(struct buf *out, const char *s)
{
	imap_quote_nstring(out, s, s == NULL ? 0 : strlen(s), false);
}

/* With default_charset (text parts), a missing charset parameter is added as us-ascii, the
 * RFC 2045 §5.2 default, at the end of the list as Dovecot does. */
static void write_params(struct buf *out, const struct mime_param *params, unsigned int n,
			 bool default_charset)
{
	for (unsigned int i = 0; i < n && default_charset; i++) {
		if (strcasecmp(params[i].name, "charset") == 0)
			default_charset = false;
	}
	if (n == 0 && !default_charset) {
		buf_puts(out, "NIL");
		return;
	}
	buf_putc(out, '(');
	for (unsigned int i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(out, ' ');
		nstr(out, params[i].name);
		buf_putc(out, ' ');
		nstr(out, params[i].value);
	}
	if (default_charset)
		buf_puts(out, n > 0 ? " \"charset\" \"us-ascii\"" : "\"charset\" \"us-ascii\"");
	buf_putc(out, ')');
}

/* body-fld-dsp SP body-fld-lang SP body-fld-loc */
static void write_dsp_lang_loc(struct buf *out, const struct mime_part *p)
{
	if (p->disposition == NULL) {
		buf_puts(out, "NIL");
	} else {
		buf_putc(out, '(');
		nstr(out, p->disposition);
		buf_putc(out, ' ');
		write_params(out, p->disposition_params, p->disposition_param_count, false);
		buf_putc(out, ')');
	}
	buf_putc(out, ' ');
	if (p->language_count == 0) {
		buf_puts(out, "NIL");
	} else {
		buf_putc(out, '(');
		for (unsigned int i = 0; i < p->language_count; i++) {
			if (i > 0)
				buf_putc(out, ' ');
			nstr(out, p->languages[i]);
		}
		buf_putc(out, ')');
	}
	buf_putc(out, ' ');
	nstr(out, p->location);
}

static void write_part(struct buf *out, struct arena *arena, const struct mime_part *p,
		       const char *data, bool extended);

static void write_multipart(struct buf *out, struct arena *arena, const struct mime_part *p,
			    const char *data, bool extended)
{
	buf_putc(out, '(');
	if (p->children == NULL) {
		/* A multipart needs at least one part: an empty text/plain, as Dovecot writes. */
		buf_puts(out, "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0");
		if (extended)
			buf_puts(out, " NIL NIL NIL NIL");
		buf_putc(out, ')');
	}
	for (const struct mime_part *c = p->children; c != NULL; c = c->next)
		write_part(out, arena, c, data, extended);
	buf_putc(out, ' ');
	nstr(out, p->subtype);
	if (extended) {
		buf_putc(out, ' ');
		write_params(out, p->params, p->param_count, false);
		buf_putc(out, ' ');
		write_dsp_lang_loc(out, p);
	}
	buf_putc(out, ')');
}

static void write_part(struct buf *out, struct arena *arena, const struct mime_part *p,
		       const char *data, bool extended)
{
	bool text;

	if (p->multipart) {
		write_multipart(out, arena, p, data, extended);
		return;
	}
	buf_putc(out, '(');
	if (p->type == NULL) {
		buf_puts(out, "\"text\" \"plain\" (\"charset\" \"us-ascii\")");
		text = true;
	} else {
		nstr(out, p->type);
		buf_putc(out, ' ');
		nstr(out, p->subtype);
		text = strcasecmp(p->type, "text") == 0;
		buf_putc(out, ' ');
		write_params(out, p->params, p->param_count, text);
	}
	buf_putc(out, ' ');
	nstr(out, p->id);
	buf_putc(out, ' ');
	nstr(out, p->description);
	buf_putc(out, ' ');
	nstr(out, p->encoding != NULL ? p->encoding : "7bit");
	buf_printf(out, " %zu", p->body_size);
	if (p->rfc822) {
		const struct mime_part *m = p->message;

		buf_putc(out, ' ');
		mime_envelope_write(out, arena, data + m->header_offset,
				    m->body_offset - m->header_offset);
		buf_putc(out, ' ');
		write_part(out, arena, m, data, extended);
		buf_printf(out, " %u", p->body_lines);
	} else if (text) {
		buf_printf(out, " %u", p->body_lines);
	}
	if (extended) {
		buf_putc(out, ' ');
		nstr(out, p->md5);
		buf_putc(out, ' ');
		write_dsp_lang_loc(out, p);
	}
	buf_putc(out, ')');
}

void mime_bodystructure_write(struct buf *out, struct arena *arena, const struct mime_part *part,
			      const char *data, bool extended)
{
	write_part(out, arena, part, data, extended);
}
