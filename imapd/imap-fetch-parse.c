/* Parsing FETCH item lists (RFC 3501 §6.4.5 fetch-att, section-spec, partial). */
#include "config.h"
#include "imap-fetch.h"
#include "arena.h"
#include "buf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define IMAP_FETCH_MAX_ITEMS 100

static const struct {
	const char *name;
	enum imap_fetch_type type;
} simple_items[] = {
	{ "FLAGS", IMAP_FETCH_FLAGS },
	{ "UID", IMAP_FETCH_UID },
	{ "INTERNALDATE", IMAP_FETCH_INTERNALDATE },
	{ "RFC822.SIZE", IMAP_FETCH_RFC822_SIZE },
	{ "ENVELOPE", IMAP_FETCH_ENVELOPE },
	{ "BODY", IMAP_FETCH_BODY },
	{ "BODYSTRUCTURE", IMAP_FETCH_BODYSTRUCTURE },
};

static const struct {
	const char *name;
	const char *items[5];
} macros[] = {
	{ "ALL", { "FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", NULL } },
	{ "FAST", { "FLAGS", "INTERNALDATE", "RFC822.SIZE", NULL } },
	{ "FULL", { "FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY" } },
};

static struct imap_fetch_item *add_item(struct imap_fetch *f, enum imap_fetch_type type)
{
	struct imap_fetch_item *it = &f->items[f->count++];

	memset(it, 0, sizeof(*it));
	it->type = type;
	it->numbers = "";
	if (type == IMAP_FETCH_ENVELOPE || type == IMAP_FETCH_BODY ||
	    type == IMAP_FETCH_BODYSTRUCTURE || type == IMAP_FETCH_SECTION)
		f->need_body = f->need_mime = true;
	return it;
}

/* "1.2.MIME" -> numbers "1.2", text MIME. Numbers are nz-numbers separated by dots. */
static int parse_section_text(struct imap_fetch_item *it, struct arena *a, const char *s,
			      const char **rest_r)
{
	const char *p = s;

	while (*p >= '1' && *p <= '9') {
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p == '\0')
			break;
		if (*p != '.')
			return -1;
		if (p[1] >= '1' && p[1] <= '9') {
			p++;
			continue;
		}
		break;
	}
	it->numbers = arena_strndup(a, s, (size_t)(p - s));
	if (p > s && *p == '.')
		p++;
	else if (p > s && *p != '\0')
		return -1;
	*rest_r = p;
	return 0;
}

static int parse_section(struct imap_fetch_item *it, struct arena *a, const struct imap_arg *sec,
			 struct buf *name)
{
	const struct imap_arg *list = sec->list;
	const char *spec = "", *rest;

	if (sec->list_count > 0 && imap_arg_get_atom(&list[0], &spec) < 0)
		return -1;
	if (parse_section_text(it, a, spec, &rest) < 0)
		return -1;
	buf_printf(name, "BODY[%s", spec);
	if (*rest == '\0')
		it->text = IMAP_FETCH_TEXT_ALL;
	else if (strcasecmp(rest, "HEADER") == 0)
		it->text = IMAP_FETCH_TEXT_HEADER;
	else if (strcasecmp(rest, "TEXT") == 0)
		it->text = IMAP_FETCH_TEXT_TEXT;
	else if (strcasecmp(rest, "MIME") == 0 && *it->numbers != '\0')
		it->text = IMAP_FETCH_TEXT_MIME;
	else if (strcasecmp(rest, "HEADER.FIELDS") == 0)
		it->text = IMAP_FETCH_TEXT_FIELDS;
	else if (strcasecmp(rest, "HEADER.FIELDS.NOT") == 0)
		it->text = IMAP_FETCH_TEXT_FIELDS_NOT;
	else
		return -1;
	if (it->text == IMAP_FETCH_TEXT_FIELDS || it->text == IMAP_FETCH_TEXT_FIELDS_NOT) {
		const struct imap_arg *fl;
		unsigned int n;

		if (sec->list_count != 2 || imap_arg_get_list(&list[1], &fl, &n) < 0 || n == 0)
			return -1;
		it->fields = arena_alloc(a, n * sizeof(*it->fields));
		buf_puts(name, " (");
		for (unsigned int i = 0; i < n; i++) {
			if (imap_arg_get_astring(&fl[i], &it->fields[i]) < 0)
				return -1;
			buf_printf(name, "%s%s", i > 0 ? " " : "", it->fields[i]);
		}
		buf_putc(name, ')');
		it->nfields = n;
	} else if (sec->list_count > 1) {
		return -1;
	}
	buf_putc(name, ']');
	return 0;
}

/* "<start.length>" */
static int parse_partial(struct imap_fetch_item *it, const char *s, struct buf *name)
{
	unsigned long start, len;
	char *end;

	if (*s == '\0')
		return 0;
	if (*s != '<' || s[1] < '0' || s[1] > '9')
		return -1;
	errno = 0;
	start = strtoul(s + 1, &end, 10);
	if (errno != 0 || start > UINT32_MAX || *end != '.' || end[1] < '1' || end[1] > '9')
		return -1;
	len = strtoul(end + 1, &end, 10);
	if (errno != 0 || len > UINT32_MAX || len == 0 || strcmp(end, ">") != 0)
		return -1;
	it->partial = true;
	it->start = (uint32_t)start;
	it->length = (uint32_t)len;
	buf_printf(name, "<%lu>", start);
	return 0;
}

static int parse_one(struct imap_fetch *f, struct arena *a, const struct imap_arg *arg)
{
	struct imap_fetch_item *it;
	struct buf name = BUF_INIT;
	const char *atom;
	int ret = 0;

	if (f->count == IMAP_FETCH_MAX_ITEMS)
		return -1;
	if (arg->type == IMAP_ARG_SECTION) {
		bool peek = strcasecmp(arg->str, "BODY.PEEK") == 0;

		if (!peek && strcasecmp(arg->str, "BODY") != 0)
			return -1; /* BINARY[] is not implemented */
		it = add_item(f, IMAP_FETCH_SECTION);
		it->peek = peek;
		f->sets_seen |= !peek;
		if (parse_section(it, a, arg, &name) < 0 || parse_partial(it, arg->partial, &name) < 0)
			ret = -1;
		it->name = arena_strdup(a, buf_cstr(&name));
		buf_free(&name);
		return ret;
	}
	if (imap_arg_get_atom(arg, &atom) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(simple_items) / sizeof(simple_items[0]); i++) {
		if (strcasecmp(atom, simple_items[i].name) == 0) {
			add_item(f, simple_items[i].type);
			return 0;
		}
	}
	/* RFC822 = BODY[], RFC822.HEADER = BODY.PEEK[HEADER], RFC822.TEXT = BODY[TEXT], answered
	 * under their own names. */
	if (strcasecmp(atom, "RFC822") == 0 || strcasecmp(atom, "RFC822.TEXT") == 0 ||
	    strcasecmp(atom, "RFC822.HEADER") == 0) {
		it = add_item(f, IMAP_FETCH_SECTION);
		it->text = atom[6] == '\0' ? IMAP_FETCH_TEXT_ALL
			: strcasecmp(atom + 7, "TEXT") == 0 ? IMAP_FETCH_TEXT_TEXT
							    : IMAP_FETCH_TEXT_HEADER;
		it->peek = it->text == IMAP_FETCH_TEXT_HEADER;
		f->sets_seen |= !it->peek;
		it->name = it->text == IMAP_FETCH_TEXT_ALL ? "RFC822"
			: it->text == IMAP_FETCH_TEXT_TEXT ? "RFC822.TEXT" : "RFC822.HEADER";
		return 0;
	}
	return -1;
}

int imap_fetch_parse(struct imap_fetch *f, struct arena *a, const struct imap_arg *arg, bool uid,
		     const char **error_r)
{
	const struct imap_arg *list;
	unsigned int n;
	const char *atom;

	memset(f, 0, sizeof(*f));
	f->uid = uid;
	f->items = arena_alloc(a, IMAP_FETCH_MAX_ITEMS * sizeof(*f->items));
	if (imap_arg_get_atom(arg, &atom) == 0) {
		for (size_t i = 0; i < sizeof(macros) / sizeof(macros[0]); i++) {
			if (strcasecmp(atom, macros[i].name) != 0)
				continue;
			for (size_t j = 0; j < 5 && macros[i].items[j] != NULL; j++) {
				struct imap_arg tmp = { .type = IMAP_ARG_ATOM,
							.str = macros[i].items[j] };

				tmp.len = strlen(tmp.str);
				(void)parse_one(f, a, &tmp);
			}
			return 0;
		}
	}
	if (imap_arg_get_list(arg, &list, &n) == 0) {
		if (n == 0) {
			*error_r = "Empty FETCH item list.";
			return -1;
		}
		for (unsigned int i = 0; i < n; i++) {
			if (parse_one(f, a, &list[i]) < 0) {
				*error_r = "Invalid FETCH item.";
				return -1;
			}
		}
		return 0;
	}
	if (parse_one(f, a, arg) < 0) {
		*error_r = "Invalid FETCH item.";
		return -1;
	}
	return 0;
}
