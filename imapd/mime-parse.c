/* MIME part tree of a message in memory (RFC 2045 §5-6, RFC 2046 §5, RFC 2183, RFC 3282):
 * Content-* fields, multipart boundaries with nesting, message/rfc822 parts, CRLF sizes. */
#include "config.h"
#include "mime-parse.h"
#include "mime-header.h"
#include "arena.h"
#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_MAX_DEPTH 50
#define DEFAULT_MAX_PARTS 10000
#define MAX_PARAMS 64
#define MAX_LANGUAGES 32

struct ctx {
	struct arena *arena;
	const char *data;
	unsigned int max_depth, max_parts, parts;
	struct buf tmp;
};

/* ---- RFC 2045 §5.1 tokens and parameters ---- */

struct lex {
	const char *p;
	size_t pos, len;
};

static bool token_char(unsigned char c)
{
	return c > 0x20 && c != 0x7f && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

static const char *lex_token(struct ctx *c, struct lex *l)
{
	size_t start;

	l->pos = mime_skip_cfws(l->p, l->pos, l->len);
	start = l->pos;
	while (l->pos < l->len && token_char((unsigned char)l->p[l->pos]))
		l->pos++;
	if (l->pos == start)
		return NULL;
	return arena_strndup(c->arena, l->p + start, l->pos - start);
}

static const char *lex_value(struct ctx *c, struct lex *l)
{
	struct buf v = BUF_INIT;
	const char *s;

	l->pos = mime_skip_cfws(l->p, l->pos, l->len);
	if (l->pos >= l->len || l->p[l->pos] != '"')
		return lex_token(c, l);
	for (l->pos++; l->pos < l->len && l->p[l->pos] != '"'; l->pos++) {
		if (l->p[l->pos] == '\\' && l->pos + 1 < l->len)
			l->pos++;
		buf_putc(&v, l->p[l->pos]);
	}
	if (l->pos < l->len)
		l->pos++;
	s = arena_strndup(c->arena, buf_cstr(&v), v.len);
	buf_free(&v);
	return s;
}

/* ";" name "=" value pairs until the end; garbage between them is skipped. */
static void parse_params(struct ctx *c, struct lex *l, struct mime_param **params_r,
			 unsigned int *count_r)
{
	struct mime_param tmp[MAX_PARAMS];
	unsigned int n = 0;

	for (;;) {
		const char *name, *value;

		l->pos = mime_skip_cfws(l->p, l->pos, l->len);
		while (l->pos < l->len && l->p[l->pos] != ';')
			l->pos++;
		if (l->pos >= l->len)
			break;
		l->pos++;
		name = lex_token(c, l);
		l->pos = mime_skip_cfws(l->p, l->pos, l->len);
		if (name == NULL || l->pos >= l->len || l->p[l->pos] != '=')
			continue;
		l->pos++;
		value = lex_value(c, l);
		if (value == NULL || n == MAX_PARAMS)
			continue;
		tmp[n].name = name;
		tmp[n].value = value;
		n++;
	}
	*count_r = n;
	*params_r = NULL;
	if (n > 0) {
		*params_r = arena_alloc(c->arena, n * sizeof(tmp[0]));
		memcpy(*params_r, tmp, n * sizeof(tmp[0]));
	}
}

static const char *param_get(const struct mime_part *p, const char *name)
{
	for (unsigned int i = 0; i < p->param_count; i++) {
		if (strcasecmp(p->params[i].name, name) == 0)
			return p->params[i].value;
	}
	return NULL;
}

/* ---- Content-* fields ---- */

static void parse_content_type(struct ctx *c, struct mime_part *p, const char *v, size_t len)
{
	struct lex l = { v, 0, len };
	const char *type = lex_token(c, &l), *subtype;

	l.pos = mime_skip_cfws(l.p, l.pos, l.len);
	if (type == NULL || l.pos >= l.len || v[l.pos] != '/')
		return; /* invalid: keep the default */
	l.pos++;
	subtype = lex_token(c, &l);
	if (subtype == NULL)
		return;
	p->type = type;
	p->subtype = subtype;
	parse_params(c, &l, &p->params, &p->param_count);
}

static void parse_disposition(struct ctx *c, struct mime_part *p, const char *v, size_t len)
{
	struct lex l = { v, 0, len };

	p->disposition = lex_token(c, &l);
	if (p->disposition != NULL)
		parse_params(c, &l, &p->disposition_params, &p->disposition_param_count);
}

static void parse_language(struct ctx *c, struct mime_part *p, const char *v, size_t len)
{
	struct lex l = { v, 0, len };
	const char *tmp[MAX_LANGUAGES];
	unsigned int n = 0;

	while (l.pos < l.len) {
		const char *t = lex_token(c, &l);

		if (t != NULL && n < MAX_LANGUAGES)
			tmp[n++] = t;
		l.pos = mime_skip_cfws(l.p, l.pos, l.len);
		if (t == NULL && l.pos < l.len)
			l.pos++; /* the comma, or garbage */
	}
	if (n == 0)
		return;
	p->languages = arena_alloc(c->arena, n * sizeof(tmp[0]));
	memcpy(p->languages, tmp, n * sizeof(tmp[0]));
	p->language_count = n;
}

static const char *unfolded(struct ctx *c, const char *v, size_t len)
{
	buf_reset(&c->tmp);
	mime_header_unfold(&c->tmp, v, len);
	return arena_strndup(c->arena, buf_cstr(&c->tmp), c->tmp.len);
}

static void parse_content_fields(struct ctx *c, struct mime_part *p)
{
	struct mime_header_iter it;
	struct mime_header_field f;

	mime_header_iter_init(&it, c->data + p->header_offset, p->body_offset - p->header_offset);
	while (mime_header_next(&it, &f)) {
		const char *v;

		if (f.name_len < 8 || strncasecmp(f.name, "Content-", 8) != 0)
			continue;
		/* The first occurrence of each field counts (as Dovecot). */
		v = unfolded(c, f.value, f.value_len);
#define IS(s) (f.name_len == sizeof(s) - 1 && strncasecmp(f.name, s, f.name_len) == 0)
		if (IS("Content-Type") && p->type == NULL)
			parse_content_type(c, p, v, strlen(v));
		else if (IS("Content-Transfer-Encoding") && p->encoding == NULL) {
			struct lex l = { v, 0, strlen(v) };
			p->encoding = lex_token(c, &l);
		} else if (IS("Content-Disposition") && p->disposition == NULL)
			parse_disposition(c, p, v, strlen(v));
		else if (IS("Content-Language") && p->languages == NULL)
			parse_language(c, p, v, strlen(v));
		else if (IS("Content-ID") && p->id == NULL)
			p->id = v;
		else if (IS("Content-Description") && p->description == NULL)
			p->description = v;
		else if (IS("Content-MD5") && p->md5 == NULL)
			p->md5 = v;
		else if (IS("Content-Location") && p->location == NULL)
			p->location = v;
#undef IS
	}
}

/* ---- structure ---- */

static struct mime_part *parse_part(struct ctx *c, struct mime_part *parent, size_t start,
				    size_t end, bool digest_child, unsigned int depth);

/* Does the line [ls, le) (LF excluded) delimit with boundary b? 1: delimiter, 2: close. */
static int delimiter(const char *d, size_t ls, size_t le, const char *b, size_t blen)
{
	size_t i;

	if (le - ls < blen + 2 || d[ls] != '-' || d[ls + 1] != '-' ||
	    memcmp(d + ls + 2, b, blen) != 0)
		return 0;
	i = ls + 2 + blen;
	int close = le - i >= 2 && d[i] == '-' && d[i + 1] == '-';
	if (close)
		i += 2;
	/* transport padding only */
	for (; i < le; i++) {
		if (d[i] != ' ' && d[i] != '\t' && d[i] != '\r')
			return 0;
	}
	return close ? 2 : 1;
}

static void add_child(struct ctx *c, struct mime_part *p, struct mime_part ***tail, size_t start,
		      size_t end, bool digest, unsigned int depth)
{
	struct mime_part *child;

	if (c->parts >= c->max_parts)
		return;
	if (end < start)
		end = start;
	child = parse_part(c, p, start, end, digest, depth + 1);
	**tail = child;
	*tail = &child->next;
	p->child_count++;
}

static void parse_multipart(struct ctx *c, struct mime_part *p, const char *boundary,
			    unsigned int depth)
{
	const char *d = c->data;
	size_t blen = strlen(boundary), pos = p->body_offset, child_start = 0;
	bool in_part = false, digest = strcasecmp(p->subtype, "digest") == 0;
	struct mime_part **tail = &p->children;

	while (pos < p->end_offset) {
		const char *lf = memchr(d + pos, '\n', p->end_offset - pos);
		size_t le = lf == NULL ? p->end_offset : (size_t)(lf - d);
		size_t next = lf == NULL ? p->end_offset : le + 1;
		int kind = delimiter(d, pos, le, boundary, blen);

		if (kind != 0) {
			if (in_part) {
				/* The line break before the delimiter belongs to the delimiter. */
				size_t end = pos;

				if (end > child_start && d[end - 1] == '\n')
					end--;
				if (end > child_start && d[end - 1] == '\r')
					end--;
				add_child(c, p, &tail, child_start, end, digest, depth);
			}
			if (kind == 2) {
				in_part = false;
				break;
			}
			in_part = true;
			child_start = next;
		}
		pos = next;
	}
	if (in_part) /* unterminated: the last part runs to the end */
		add_child(c, p, &tail, child_start, p->end_offset, digest, depth);
}

static struct mime_part *parse_part(struct ctx *c, struct mime_part *parent, size_t start,
				    size_t end, bool digest_child, unsigned int depth)
{
	struct mime_part *p = arena_zalloc(c->arena, sizeof(*p));
	const char *boundary;

	c->parts++;
	p->parent = parent;
	p->header_offset = start;
	p->body_offset = start + mime_header_length(c->data + start, end - start);
	p->end_offset = end;
	p->header_size = mime_crlf_size(c->data + start, p->body_offset - start, &p->header_lines);
	p->body_size = mime_crlf_size(c->data + p->body_offset, end - p->body_offset,
				      &p->body_lines);
	parse_content_fields(c, p);
	if (p->type == NULL && digest_child) {
		p->type = "message";
		p->subtype = "rfc822";
	}
	if (p->type == NULL || depth >= c->max_depth)
		return p;
	boundary = param_get(p, "boundary");
	if (strcasecmp(p->type, "multipart") == 0 && boundary != NULL && boundary[0] != '\0') {
		p->multipart = true;
		parse_multipart(c, p, boundary, depth);
	} else if (strcasecmp(p->type, "message") == 0 &&
		   (strcasecmp(p->subtype, "rfc822") == 0 ||
		    strcasecmp(p->subtype, "global") == 0) &&
		   (p->encoding == NULL || strcasecmp(p->encoding, "7bit") == 0 ||
		    strcasecmp(p->encoding, "8bit") == 0 || strcasecmp(p->encoding, "binary") == 0) &&
		   c->parts < c->max_parts) {
		p->rfc822 = true;
		p->message = parse_part(c, p, p->body_offset, end, false, depth + 1);
	}
	return p;
}

struct mime_part *mime_parse(struct arena *arena, const char *data, size_t len,
			     const struct mime_parse_limits *limits)
{
	struct ctx c = { .arena = arena, .data = data };
	struct mime_part *root;

	c.max_depth = limits != NULL && limits->max_depth > 0 ? limits->max_depth
							       : DEFAULT_MAX_DEPTH;
	c.max_parts = limits != NULL && limits->max_parts > 0 ? limits->max_parts
							       : DEFAULT_MAX_PARTS;
	root = parse_part(&c, NULL, 0, len, false, 0);
	buf_free(&c.tmp);
	return root;
}

const struct mime_part *mime_part_find(const struct mime_part *root, const char *section,
				       const char **rest_r)
{
	const struct mime_part *p = root;
	const char *s = section;

	while (*s >= '1' && *s <= '9') {
		uint64_t n = 0;

		while (*s >= '0' && *s <= '9') {
			n = n * 10 + (uint64_t)(*s++ - '0');
			if (n > UINT32_MAX)
				return NULL;
		}
		if (p->multipart) {
			const struct mime_part *child = p->children;

			for (uint64_t i = 1; i < n && child != NULL; i++)
				child = child->next;
			if (child == NULL)
				return NULL;
			p = child;
		} else if (n != 1) {
			return NULL;
		}
		if (*s != '.' || s[1] < '1' || s[1] > '9')
			break; /* "", ".MIME", ".HEADER", ... */
		s++;
		/* More numbers: they continue inside an encapsulated message. */
		if (p->rfc822)
			p = p->message;
	}
	*rest_r = s;
	return p;
}
