/* courierimapsubscribed read and write (Courier imap/imapd.c subscription list). */
#include "config.h"
#include "maildir-subscribed.h"
#include "maildir-file.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 1024

void maildir_subscribed_init(struct maildir_subscribed *s)
{
	s->names = NULL;
	s->n = 0;
}

void maildir_subscribed_free(struct maildir_subscribed *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->names[i]);
	free(s->names);
	maildir_subscribed_init(s);
}

/* Index where name is or would go. */
static size_t find(const struct maildir_subscribed *s, const char *name, int *found_r)
{
	size_t lo = 0, hi = s->n;

	*found_r = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->names[mid], name);
		if (c == 0) {
			*found_r = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int maildir_subscribed_contains(const struct maildir_subscribed *s, const char *name)
{
	int found;

	(void)find(s, name, &found);
	return found;
}

int maildir_subscribed_add(struct maildir_subscribed *s, const char *name)
{
	int found;
	size_t at = find(s, name, &found);

	if (found)
		return 0;
	s->names = xreallocarray(s->names, s->n + 1, sizeof(*s->names));
	memmove(&s->names[at + 1], &s->names[at], (s->n - at) * sizeof(*s->names));
	s->names[at] = xstrdup(name);
	s->n++;
	return 1;
}

int maildir_subscribed_remove(struct maildir_subscribed *s, const char *name)
{
	int found;
	size_t at = find(s, name, &found);

	if (!found)
		return 0;
	free(s->names[at]);
	memmove(&s->names[at], &s->names[at + 1], (s->n - at - 1) * sizeof(*s->names));
	s->n--;
	return 1;
}

int maildir_subscribed_parse(struct maildir_subscribed *s, const char *data, size_t len,
                             const char **error_r)
{
	const char *p = data, *end = data + len;

	maildir_subscribed_free(s);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl != NULL ? nl : end) - p);
		if (n > LINE_MAX_LEN || memchr(p, '\0', n) != NULL) {
			*error_r = "courierimapsubscribed: line too long or NUL byte";
			maildir_subscribed_free(s);
			return -1;
		}
		if (n > 0) {
			char *name = xstrndup(p, n);
			(void)maildir_subscribed_add(s, name);
			free(name);
		}
		p += n + 1;
	}
	return 0;
}

void maildir_subscribed_format(const struct maildir_subscribed *s, struct buf *out)
{
	for (size_t i = 0; i < s->n; i++) {
		buf_puts(out, s->names[i]);
		buf_putc(out, '\n');
	}
}

int maildir_subscribed_load(const char *root, struct maildir_subscribed *s, const char **error_r)
{
	struct buf data = BUF_INIT;
	int st = maildir_file_read(root, MAILDIR_SUBSCRIBED_FILE, &data, error_r), ret = 0;

	maildir_subscribed_free(s);
	if (st < 0)
		ret = -1;
	else if (st == 0)
		ret = maildir_subscribed_parse(s, data.data, data.len, error_r);
	buf_free(&data);
	return ret;
}

int maildir_subscribed_save(const char *root, const struct maildir_subscribed *s,
                            const char **error_r)
{
	struct buf text = BUF_INIT;
	int ret;

	maildir_subscribed_format(s, &text);
	ret =
	    maildir_file_write_atomic(root, MAILDIR_SUBSCRIBED_FILE, text.data, text.len, error_r);
	buf_free(&text);
	return ret;
}
