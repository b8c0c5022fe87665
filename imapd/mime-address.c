/* RFC 5322 §3.4 / §4.4 address lists: mailboxes, name-addrs, groups, source routes, quoted
 * local parts and comments, forgiving of garbage; written in RFC 3501 ENVELOPE form. */
#include "config.h"
#include "mime-address.h"
#include "imap-quote.h"
#include "mime-header.h"
#include "arena.h"
#include "buf.h"

#include <stdbool.h>
#include <string.h>

struct ap {
	const char *p;
	size_t pos, len;
	struct arena *arena;
	struct mime_address *head, **tail;
	unsigned int count, max;
};

static bool atext(unsigned char c)
{
	/* RFC 5322 atext, plus '.' (obs-phrase, dot-atom) and 8-bit bytes seen in real mail. */
	if (c >= 0x80)
		return true;
	if (c <= 0x20 || c == 0x7f)
		return false;
	return strchr("()<>@,;:\\\"[]", c) == NULL;
}

static int peek(struct ap *a)
{
	a->pos = mime_skip_cfws(a->p, a->pos, a->len);
	return a->pos < a->len ? (unsigned char)a->p[a->pos] : -1;
}

/* An atom (dots allowed) or a quoted string, appended to out unescaped. */
static bool read_word(struct ap *a, struct buf *out)
{
	int c = peek(a);

	if (c == '"') {
		a->pos++;
		while (a->pos < a->len && a->p[a->pos] != '"') {
			if (a->p[a->pos] == '\\' && a->pos + 1 < a->len)
				a->pos++;
			if (a->p[a->pos] != '\r' && a->p[a->pos] != '\n')
				buf_putc(out, a->p[a->pos]);
			a->pos++;
		}
		if (a->pos < a->len)
			a->pos++;
		return true;
	}
	if (c < 0 || !atext((unsigned char)c))
		return false;
	while (a->pos < a->len && atext((unsigned char)a->p[a->pos]))
		buf_putc(out, a->p[a->pos++]);
	return true;
}

/* Words joined by `sep` (phrases: a space, local parts and domains: nothing). */
static void read_words(struct ap *a, struct buf *out, const char *sep)
{
	size_t before = out->len;

	for (;;) {
		size_t mark = out->len;

		if (out->len > before)
			buf_puts(out, sep);
		if (!read_word(a, out)) {
			buf_truncate(out, mark);
			return;
		}
	}
}

static void read_domain(struct ap *a, struct buf *out)
{
	if (peek(a) == '[') {
		/* domain-literal kept with its brackets */
		while (a->pos < a->len && a->p[a->pos] != ']') {
			if (a->p[a->pos] != '\r' && a->p[a->pos] != '\n' && a->p[a->pos] != ' ' &&
			    a->p[a->pos] != '\t')
				buf_putc(out, a->p[a->pos]);
			a->pos++;
		}
		if (a->pos < a->len)
			buf_putc(out, a->p[a->pos++]);
		return;
	}
	read_words(a, out, "");
}

static const char *dup_or(struct ap *a, const struct buf *b, const char *missing)
{
	if (b->len == 0)
		return missing;
	return arena_strndup(a->arena, b->data, b->len);
}

static void add(struct ap *a, const char *name, const char *route, const char *mailbox,
		const char *domain)
{
	struct mime_address *m;

	if (a->count >= a->max)
		return;
	a->count++;
	m = arena_zalloc(a->arena, sizeof(*m));
	m->name = name;
	m->route = route;
	m->mailbox = mailbox;
	m->domain = domain;
	*a->tail = m;
	a->tail = &m->next;
}

/* name-addr after the '<'; phrase is the display name so far. */
static void parse_angle(struct ap *a, const struct buf *phrase)
{
	struct buf route = BUF_INIT, local = BUF_INIT, domain = BUF_INIT;

	a->pos++; /* '<' */
	if (peek(a) == '@') {
		/* obs-route: "@a,@b:" */
		while (peek(a) == '@' || peek(a) == ',') {
			buf_putc(&route, a->p[a->pos++]);
			if (route.data[route.len - 1] == '@')
				read_domain(a, &route);
		}
		if (peek(a) == ':')
			a->pos++;
	}
	read_words(a, &local, "");
	if (peek(a) == '@') {
		a->pos++;
		read_domain(a, &domain);
	}
	while (peek(a) >= 0 && peek(a) != '>' && peek(a) != ',')
		a->pos++;
	if (peek(a) == '>')
		a->pos++;
	if (local.len > 0 || domain.len > 0 || phrase->len > 0) {
		add(a, phrase->len > 0 ? dup_or(a, phrase, NULL) : NULL,
		    route.len > 0 ? dup_or(a, &route, NULL) : NULL,
		    dup_or(a, &local, "MISSING_MAILBOX"), dup_or(a, &domain, "MISSING_DOMAIN"));
	}
	buf_free(&route);
	buf_free(&local);
	buf_free(&domain);
}

/* One mailbox: name-addr or addr-spec. Returns false if nothing could be read. */
static bool parse_mailbox(struct ap *a)
{
	struct buf phrase = BUF_INIT, local = BUF_INIT, domain = BUF_INIT;
	size_t start = a->pos;
	bool ok = true;

	/* A phrase and a local part start alike: read as a phrase, re-read as a local part if an
	 * '@' follows instead of '<'. */
	read_words(a, &phrase, " ");
	if (peek(a) == '<') {
		parse_angle(a, &phrase);
	} else if (peek(a) == '@') {
		a->pos = start;
		read_words(a, &local, "");
		if (peek(a) == '@') {
			a->pos++;
			read_domain(a, &domain);
		}
		add(a, NULL, NULL, dup_or(a, &local, "MISSING_MAILBOX"),
		    dup_or(a, &domain, "MISSING_DOMAIN"));
	} else if (phrase.len > 0) {
		a->pos = start;
		read_words(a, &local, "");
		add(a, NULL, NULL, dup_or(a, &local, "MISSING_MAILBOX"), "MISSING_DOMAIN");
	} else {
		ok = false;
	}
	buf_free(&phrase);
	buf_free(&local);
	buf_free(&domain);
	return ok;
}

/* Skip garbage up to the next separator (not consumed). */
static void skip_to(struct ap *a, const char *stops)
{
	int c;

	while ((c = peek(a)) >= 0 && strchr(stops, c) == NULL) {
		if (c == '"') {
			struct buf junk = BUF_INIT;
			read_word(a, &junk);
			buf_free(&junk);
		} else {
			a->pos++;
		}
	}
}

static void parse_group_or_mailbox(struct ap *a)
{
	struct buf phrase = BUF_INIT;
	size_t start = a->pos;

	read_words(a, &phrase, " ");
	if (peek(a) == ':' && phrase.len > 0) {
		a->pos++;
		add(a, NULL, NULL, dup_or(a, &phrase, ""), NULL);
		while (peek(a) >= 0 && peek(a) != ';') {
			if (peek(a) == ',') {
				a->pos++;
				continue;
			}
			if (!parse_mailbox(a))
				a->pos++;
			skip_to(a, ",;");
		}
		if (peek(a) == ';')
			a->pos++;
		add(a, NULL, NULL, NULL, NULL);
	} else {
		a->pos = start;
		if (!parse_mailbox(a) && peek(a) >= 0 && peek(a) != ',')
			a->pos++;
	}
	buf_free(&phrase);
}

struct mime_address *mime_address_parse(struct arena *arena, const char *value, size_t len,
					unsigned int max_addresses)
{
	struct ap a = { .p = value, .len = len, .arena = arena, .max = max_addresses };

	a.tail = &a.head;
	while (peek(&a) >= 0) {
		if (peek(&a) == ',') {
			a.pos++;
			continue;
		}
		parse_group_or_mailbox(&a);
		skip_to(&a, ",");
	}
	return a.head;
}

static void write_nstring(struct buf *out, const char *s)
{
	imap_quote_nstring(out, s, s == NULL ? 0 : strlen(s), false);
}

void mime_address_write_imap(struct buf *out, const struct mime_address *list)
{
	if (list == NULL) {
		buf_puts(out, "NIL");
		return;
	}
	buf_putc(out, '(');
	for (; list != NULL; list = list->next) {
		buf_putc(out, '(');
		write_nstring(out, list->name);
		buf_putc(out, ' ');
		write_nstring(out, list->route);
		buf_putc(out, ' ');
		write_nstring(out, list->mailbox);
		buf_putc(out, ' ');
		write_nstring(out, list->domain);
		buf_putc(out, ')');
	}
	buf_putc(out, ')');
}
