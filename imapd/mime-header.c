/* RFC 5322 §2.2 header fields over a message in memory: end of header, fields, unfolding. */
#include "config.h"
#include "mime-header.h"
#include "buf.h"

#include <string.h>
#include <strings.h>

size_t mime_header_length(const char *data, size_t len)
{
	size_t pos = 0;

	/* Each iteration looks at the start of a line. */
	while (pos < len) {
		const char *lf;

		if (data[pos] == '\n')
			return pos + 1;
		if (data[pos] == '\r' && pos + 1 < len && data[pos + 1] == '\n')
			return pos + 2;
		lf = memchr(data + pos, '\n', len - pos);
		if (lf == NULL)
			return len;
		pos = (size_t)(lf - data) + 1;
	}
	return len;
}

void mime_header_iter_init(struct mime_header_iter *it, const char *header, size_t len)
{
	it->data = header;
	it->len = len;
	it->pos = 0;
}

/* End of the line starting at pos (index of LF or len) */
static size_t line_end(const struct mime_header_iter *it, size_t pos)
{
	const char *lf = memchr(it->data + pos, '\n', it->len - pos);

	return lf == NULL ? it->len : (size_t)(lf - it->data);
}

bool mime_header_next(struct mime_header_iter *it, struct mime_header_field *field_r)
{
	while (it->pos < it->len) {
		size_t start = it->pos, end = line_end(it, start), colon, vend;

		/* The field's value runs over continuation lines (starting with SP or HTAB). */
		while (end + 1 < it->len && (it->data[end + 1] == ' ' || it->data[end + 1] == '\t'))
			end = line_end(it, end + 1);
		it->pos = end < it->len ? end + 1 : end;
		vend = end;
		if (vend > start && it->data[vend - 1] == '\r')
			vend--;
		if (vend == start)
			return false; /* the empty line ending the header */
		for (colon = start; colon < vend; colon++) {
			char c = it->data[colon];

			if (c == ':' || c == ' ' || c == '\t' || c == '\r' || c == '\n')
				break;
		}
		/* obs-header allows WSP before the colon */
		size_t name_end = colon;
		while (colon < vend && (it->data[colon] == ' ' || it->data[colon] == '\t'))
			colon++;
		if (colon >= vend || it->data[colon] != ':' || name_end == start)
			continue;
		field_r->name = it->data + start;
		field_r->name_len = name_end - start;
		field_r->value = it->data + colon + 1;
		field_r->value_len = vend - colon - 1;
		return true;
	}
	return false;
}

bool mime_header_find(const char *header, size_t len, const char *name,
		      struct mime_header_field *field_r)
{
	struct mime_header_iter it;
	size_t n = strlen(name);

	mime_header_iter_init(&it, header, len);
	while (mime_header_next(&it, field_r)) {
		if (field_r->name_len == n && strncasecmp(field_r->name, name, n) == 0)
			return true;
	}
	return false;
}

void mime_header_unfold(struct buf *out, const char *value, size_t len)
{
	size_t start = 0, end = len;

	while (start < end && (value[start] == ' ' || value[start] == '\t' ||
			       value[start] == '\r' || value[start] == '\n'))
		start++;
	while (end > start && (value[end - 1] == ' ' || value[end - 1] == '\t' ||
			       value[end - 1] == '\r' || value[end - 1] == '\n'))
		end--;
	buf_reserve(out, end - start);
	for (size_t i = start; i < end; i++) {
		if (value[i] != '\r' && value[i] != '\n')
			buf_putc(out, value[i]);
	}
}

size_t mime_crlf_size(const char *data, size_t len, unsigned int *lines_r)
{
	size_t size = len;
	unsigned int lines = 0;
	const char *p = data, *end = data + len;

	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));

		if (lf == NULL)
			break;
		lines++;
		if (lf == data || lf[-1] != '\r')
			size++;
		p = lf + 1;
	}
	if (len > 0 && data[len - 1] != '\n')
		lines++;
	if (lines_r != NULL)
		*lines_r = lines;
	return size;
}

void mime_append_crlf(struct buf *out, const char *data, size_t len)
{
	const char *p = data, *end = data + len;

	buf_reserve(out, len);
	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));

		if (lf == NULL) {
			buf_append(out, p, (size_t)(end - p));
			break;
		}
		if (lf == data || lf[-1] != '\r') {
			buf_append(out, p, (size_t)(lf - p));
			buf_append(out, "\r\n", 2);
		} else {
			buf_append(out, p, (size_t)(lf - p) + 1);
		}
		p = lf + 1;
	}
}

static bool name_listed(const struct mime_header_field *f, const char *const *names,
			unsigned int count)
{
	for (unsigned int i = 0; i < count; i++) {
		if (strlen(names[i]) == f->name_len &&
		    strncasecmp(names[i], f->name, f->name_len) == 0)
			return true;
	}
	return false;
}

void mime_header_filter(struct buf *out, const char *header, size_t len,
			const char *const *names, unsigned int count, bool not_in)
{
	struct mime_header_iter it;
	struct mime_header_field f;

	mime_header_iter_init(&it, header, len);
	while (mime_header_next(&it, &f)) {
		if (name_listed(&f, names, count) == not_in)
			continue;
		mime_append_crlf(out, f.name, (size_t)(f.value + f.value_len - f.name));
		buf_append(out, "\r\n", 2);
	}
	buf_append(out, "\r\n", 2);
}

size_t mime_skip_cfws(const char *p, size_t pos, size_t len)
{
	int depth = 0;

	for (; pos < len; pos++) {
		char c = p[pos];

		if (depth > 0) {
			if (c == '\\' && pos + 1 < len)
				pos++;
			else if (c == '(')
				depth++;
			else if (c == ')')
				depth--;
		} else if (c == '(') {
			depth = 1;
		} else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
			break;
		}
	}
	return pos;
}
