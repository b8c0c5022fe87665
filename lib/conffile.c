/* Courier-style configuration files, parsed as `set -a; . file` would for the forms they use:
 * NAME=value with unquoted, 'single' and "double" quoted parts, $NAME / ${NAME} expansion,
 * comments. Anything else is an error naming file and line, never a guess. */
#include "config.h"
#include "conffile.h"
#include "buf.h"
#include "safe-io.h"
#include "xalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CONFFILE_MAX_FILE (1024 * 1024)
#define CONFFILE_MAX_LINE (64 * 1024)
#define CONFFILE_MAX_VALUE (64 * 1024)
#define CONFFILE_MAX_NAMES 4096
#define CONFFILE_MAX_NAME_LEN 256

struct conf_entry {
	char *name;
	char *value;
};

struct conffile {
	struct conf_entry *entries; /* in the order first set */
	size_t count, cap;
	size_t *slots; /* open-addressing hash: entry index + 1, 0 = empty */
	size_t nslots;
	struct buf error;
};

/* One parse: new settings are staged and merged only when the whole file is valid. */
struct conf_parser {
	struct conffile *cf;
	struct conffile *stage;
	const char *name;
	const char *p, *end;
	unsigned int line;
	size_t new_names; /* staged names not already in cf */
	struct buf value;
};

static size_t conf_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return (size_t)h;
}

/* The slot holding name, or the empty slot where it would go. */
static size_t *conf_slot(const struct conffile *cf, const char *name)
{
	size_t mask = cf->nslots - 1;
	size_t i = conf_hash(name) & mask;

	for (;;) {
		size_t *s = &cf->slots[i];
		if (*s == 0 || strcmp(cf->entries[*s - 1].name, name) == 0)
			return s;
		i = (i + 1) & mask;
	}
}

static void conf_rehash(struct conffile *cf, size_t nslots)
{
	free(cf->slots);
	cf->slots = xcalloc(nslots, sizeof(*cf->slots));
	cf->nslots = nslots;
	for (size_t i = 0; i < cf->count; i++)
		*conf_slot(cf, cf->entries[i].name) = i + 1;
}

static struct conf_entry *conf_find(const struct conffile *cf, const char *name)
{
	size_t *s;

	if (cf->nslots == 0)
		return NULL;
	s = conf_slot(cf, name);
	return *s == 0 ? NULL : &cf->entries[*s - 1];
}

struct conffile *conffile_new(void)
{
	struct conffile *cf = xcalloc(1, sizeof(*cf));

	buf_init(&cf->error);
	return cf;
}

void conffile_free(struct conffile *cf)
{
	if (cf == NULL)
		return;
	for (size_t i = 0; i < cf->count; i++) {
		free(cf->entries[i].name);
		free(cf->entries[i].value);
	}
	free(cf->entries);
	free(cf->slots);
	buf_free(&cf->error);
	free(cf);
}

void conffile_set(struct conffile *cf, const char *name, const char *value)
{
	struct conf_entry *e = conf_find(cf, name);

	if (e != NULL) {
		char *v = xstrdup(value);
		free(e->value);
		e->value = v;
		return;
	}
	if (cf->count == cf->cap) {
		cf->cap = cf->cap == 0 ? 16 : cf->cap * 2;
		cf->entries = xreallocarray(cf->entries, cf->cap, sizeof(*cf->entries));
	}
	cf->entries[cf->count].name = xstrdup(name);
	cf->entries[cf->count].value = xstrdup(value);
	cf->count++;
	/* Keep the table at most half full so probes stay short. */
	if (cf->count * 2 > cf->nslots)
		conf_rehash(cf, cf->nslots == 0 ? 32 : cf->nslots * 2);
	else
		*conf_slot(cf, name) = cf->count;
}

const char *conffile_get(const struct conffile *cf, const char *name)
{
	const struct conf_entry *e = conf_find(cf, name);

	return e == NULL ? NULL : e->value;
}

const char *conffile_get_default(const struct conffile *cf, const char *name, const char *def)
{
	const char *v = conffile_get(cf, name);

	return v == NULL ? def : v;
}

long conffile_get_long(const struct conffile *cf, const char *name, long def)
{
	const char *v = conffile_get(cf, name);
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return def;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0')
		return def;
	return n;
}

int conffile_get_bool(const struct conffile *cf, const char *name, int def)
{
	const char *v = conffile_get(cf, name);

	if (v == NULL)
		return def;
	return v[0] == 'y' || v[0] == 'Y' || v[0] == '1' || strcasecmp(v, "true") == 0;
}

void conffile_foreach(const struct conffile *cf,
		      void (*fn)(const char *name, const char *value, void *ctx), void *ctx)
{
	for (size_t i = 0; i < cf->count; i++)
		fn(cf->entries[i].name, cf->entries[i].value, ctx);
}

void conffile_export_env(const struct conffile *cf)
{
	for (size_t i = 0; i < cf->count; i++)
		setenv(cf->entries[i].name, cf->entries[i].value, 1);
}

/* --- the parser --- */

static int is_name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

static int is_blank(char c)
{
	/* \r too: a file edited on Windows should not grow invisible bytes in its values. */
	return c == ' ' || c == '\t' || c == '\r';
}

static int conf_error(struct conf_parser *ps, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int conf_error(struct conf_parser *ps, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	buf_reset(&ps->cf->error);
	buf_printf(&ps->cf->error, "%s:%u: ", ps->name, line);
	va_start(ap, fmt);
	buf_vprintf(&ps->cf->error, fmt, ap);
	va_end(ap);
	return -1;
}

/* Append s to the error, quoted, with unprintable bytes as \xHH and long text cut. */
static void conf_error_quote(struct conffile *cf, const char *s, size_t n)
{
	buf_putc(&cf->error, '"');
	for (size_t i = 0; i < n && i < 40; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			buf_printf(&cf->error, "\\x%02x", c);
		else
			buf_putc(&cf->error, (char)c);
	}
	buf_puts(&cf->error, n > 40 ? "...\"" : "\"");
}

static int conf_value_add(struct conf_parser *ps, const char *s, size_t n)
{
	if (n > CONFFILE_MAX_VALUE - ps->value.len)
		return conf_error(ps, ps->line, "value longer than %d bytes", CONFFILE_MAX_VALUE);
	buf_append(&ps->value, s, n);
	return 0;
}

/* Earlier in this file, then earlier files, then the environment; unknown is "". */
static const char *conf_lookup(const struct conf_parser *ps, const char *name)
{
	const char *v = conffile_get(ps->stage, name);

	if (v == NULL)
		v = conffile_get(ps->cf, name);
	if (v == NULL)
		v = getenv(name);
	return v == NULL ? "" : v;
}

static int conf_expand_name(struct conf_parser *ps, const char *name, size_t len)
{
	char *n = xstrndup(name, len);
	const char *v = conf_lookup(ps, n);

	free(n);
	return conf_value_add(ps, v, strlen(v));
}

/* At '$': $NAME, ${NAME}, or a literal '$' when no name follows (as sh does). */
static int conf_parse_dollar(struct conf_parser *ps)
{
	const char *q = ps->p + 1;
	const char *start;

	if (q < ps->end && *q == '{') {
		start = ++q;
		while (q < ps->end && is_name_char(*q))
			q++;
		if (q == start || !is_name_start(*start) || q == ps->end || *q != '}')
			return conf_error(ps, ps->line,
					  "unsupported ${...} substitution (only ${NAME} is)");
		ps->p = q + 1;
		return conf_expand_name(ps, start, (size_t)(q - start));
	}
	if (q < ps->end && is_name_start(*q)) {
		start = q;
		while (q < ps->end && is_name_char(*q))
			q++;
		ps->p = q;
		return conf_expand_name(ps, start, (size_t)(q - start));
	}
	if (q < ps->end && *q == '(')
		return conf_error(ps, ps->line, "command substitution $(...) is not supported");
	if (q < ps->end && ((*q >= '0' && *q <= '9') || strchr("@*#?$!-", *q) != NULL))
		return conf_error(ps, ps->line, "special parameter $%c is not supported", *q);
	ps->p = q;
	return conf_value_add(ps, "$", 1);
}

/* At the opening '\'': everything up to the next '\'' is literal, newlines included. */
static int conf_parse_single(struct conf_parser *ps)
{
	unsigned int open_line = ps->line;
	const char *start = ps->p + 1;
	const char *close = memchr(start, '\'', (size_t)(ps->end - start));

	if (close == NULL)
		return conf_error(ps, open_line, "unterminated single quote");
	for (const char *q = start; q < close; q++)
		if (*q == '\n')
			ps->line++;
	ps->p = close + 1;
	return conf_value_add(ps, start, (size_t)(close - start));
}

/* At the opening '"': $ expands; backslash escapes only $ ` " \ and newline, as in sh. */
static int conf_parse_double(struct conf_parser *ps)
{
	unsigned int open_line = ps->line;

	ps->p++;
	for (;;) {
		if (ps->p == ps->end)
			return conf_error(ps, open_line, "unterminated double quote");
		char c = *ps->p;
		if (c == '"') {
			ps->p++;
			return 0;
		}
		if (c == '$') {
			if (conf_parse_dollar(ps) < 0)
				return -1;
			continue;
		}
		if (c == '`')
			return conf_error(ps, ps->line,
					  "command substitution `...` is not supported");
		if (c == '\\' && ps->p + 1 < ps->end && strchr("$`\"\\\n", ps->p[1]) != NULL) {
			if (ps->p[1] == '\n')
				ps->line++; /* line continuation: both bytes vanish */
			else if (conf_value_add(ps, ps->p + 1, 1) < 0)
				return -1;
			ps->p += 2;
			continue;
		}
		if (c == '\n')
			ps->line++;
		if (conf_value_add(ps, &c, 1) < 0)
			return -1;
		ps->p++;
	}
}

/* The value after '=': unquoted and quoted parts concatenated, up to an unquoted blank. */
static int conf_parse_value(struct conf_parser *ps)
{
	buf_reset(&ps->value);
	while (ps->p < ps->end) {
		char c = *ps->p;
		int r = 0;

		if (is_blank(c) || c == '\n')
			break;
		if (c == '\'')
			r = conf_parse_single(ps);
		else if (c == '"')
			r = conf_parse_double(ps);
		else if (c == '$')
			r = conf_parse_dollar(ps);
		else if (c == '`')
			return conf_error(ps, ps->line,
					  "command substitution `...` is not supported");
		else if (strchr(";&|<>()", c) != NULL)
			return conf_error(ps, ps->line,
					  "unquoted '%c' (shell syntax is not supported; "
					  "quote the value)", c);
		else if (c == '\\' && ps->p + 1 < ps->end) {
			if (ps->p[1] == '\n')
				ps->line++;
			else
				r = conf_value_add(ps, ps->p + 1, 1);
			ps->p += 2;
		} else {
			r = conf_value_add(ps, &c, 1);
			ps->p++;
		}
		if (r < 0)
			return -1;
	}
	return 0;
}

static void conf_skip_to_eol(struct conf_parser *ps)
{
	const char *nl = memchr(ps->p, '\n', (size_t)(ps->end - ps->p));

	ps->p = nl == NULL ? ps->end : nl;
}

/* One NAME=value statement, starting at the name; stops before the newline. */
static int conf_parse_assignment(struct conf_parser *ps)
{
	const char *start = ps->p;
	const char *q = start;
	unsigned int line = ps->line;
	char *name;

	while (q < ps->end && !is_blank(*q) && *q != '\n' && *q != '=')
		q++;
	if (q == ps->end || *q != '=') {
		conf_error(ps, line, "expected NAME=value, found ");
		conf_error_quote(ps->cf, start, (size_t)(q - start));
		while (q < ps->end && is_blank(*q))
			q++;
		if (q < ps->end && *q == '=')
			buf_puts(&ps->cf->error, " (no spaces around '=')");
		return -1;
	}
	size_t nlen = (size_t)(q - start);
	if (nlen > CONFFILE_MAX_NAME_LEN)
		return conf_error(ps, line, "name longer than %d bytes", CONFFILE_MAX_NAME_LEN);
	int valid = nlen > 0 && is_name_start(*start);
	for (size_t i = 0; valid && i < nlen; i++)
		valid = is_name_char(start[i]);
	if (!valid) {
		conf_error(ps, line, "invalid name ");
		conf_error_quote(ps->cf, start, nlen);
		buf_puts(&ps->cf->error, " (letters, digits and _, not starting with a digit)");
		return -1;
	}
	ps->p = q + 1;
	if (conf_parse_value(ps) < 0)
		return -1;
	while (ps->p < ps->end && is_blank(*ps->p))
		ps->p++;
	if (ps->p < ps->end && *ps->p == '#')
		conf_skip_to_eol(ps);
	if (ps->p < ps->end && *ps->p != '\n')
		return conf_error(ps, ps->line,
				  "unexpected text after the value of %.*s "
				  "(quote values that contain spaces)", (int)nlen, start);

	name = xstrndup(start, nlen);
	if (conffile_get(ps->stage, name) == NULL && conffile_get(ps->cf, name) == NULL) {
		if (ps->cf->count + ps->new_names >= CONFFILE_MAX_NAMES) {
			free(name);
			return conf_error(ps, line, "more than %d settings", CONFFILE_MAX_NAMES);
		}
		ps->new_names++;
	}
	conffile_set(ps->stage, name, buf_cstr(&ps->value));
	free(name);
	return 0;
}

/* Bounds checked before parsing, so the parser never sees a NUL or a monster line. */
static int conf_check_bounds(struct conf_parser *ps)
{
	const char *line_start = ps->p;
	unsigned int line = 1;

	if (ps->end - ps->p > CONFFILE_MAX_FILE)
		return conf_error(ps, 1, "file larger than %d bytes", CONFFILE_MAX_FILE);
	for (const char *q = ps->p; q < ps->end; q++) {
		if (*q == '\0')
			return conf_error(ps, line, "NUL byte in file");
		if (*q == '\n') {
			line++;
			line_start = q + 1;
		} else if (q - line_start >= CONFFILE_MAX_LINE)
			return conf_error(ps, line, "line longer than %d bytes", CONFFILE_MAX_LINE);
	}
	return 0;
}

static int conf_parse_all(struct conf_parser *ps)
{
	if (conf_check_bounds(ps) < 0)
		return -1;
	while (ps->p < ps->end) {
		char c = *ps->p;
		if (is_blank(c))
			ps->p++;
		else if (c == '\n') {
			ps->p++;
			ps->line++;
		} else if (c == '#')
			conf_skip_to_eol(ps); /* comments, ##NAME: sysconftool markers */
		else if (conf_parse_assignment(ps) < 0)
			return -1;
	}
	return 0;
}

static void conf_merge_one(const char *name, const char *value, void *ctx)
{
	conffile_set(ctx, name, value);
}

int conffile_parse(struct conffile *cf, const char *name, const char *data, size_t len,
		   const char **error_r)
{
	struct conf_parser ps = {
		.cf = cf,
		.stage = conffile_new(),
		.name = name,
		.p = data,
		.end = data + len,
		.line = 1,
		.value = BUF_INIT,
	};
	int ret = conf_parse_all(&ps);

	if (ret == 0)
		conffile_foreach(ps.stage, conf_merge_one, cf);
	else
		*error_r = buf_cstr(&cf->error);
	buf_free(&ps.value);
	conffile_free(ps.stage);
	return ret;
}

int conffile_load(struct conffile *cf, const char *path, const char **error_r)
{
	char *data;
	size_t len;
	int ret;

	if (read_file(path, CONFFILE_MAX_FILE, &data, &len) < 0) {
		buf_reset(&cf->error);
		if (errno == EFBIG)
			buf_printf(&cf->error, "%s: file larger than %d bytes", path,
				   CONFFILE_MAX_FILE);
		else
			buf_printf(&cf->error, "%s: %s", path, strerror(errno));
		*error_r = buf_cstr(&cf->error);
		return -1;
	}
	ret = conffile_parse(cf, path, data, len, error_r);
	free(data);
	return ret;
}
