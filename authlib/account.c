/* Accounts and Courier's account options ("disableimap=1,sharedgroup=x", courier-formats §1.2). */
#include "config.h"
#include "account.h"
#include "buf.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct account *account_new(void)
{
	return xcalloc(1, sizeof(struct account));
}

static void free_secret(char *s)
{
	if (s != NULL) {
		secure_zero(s, strlen(s));
		free(s);
	}
}

void account_free(struct account *a)
{
	if (a == NULL)
		return;
	free(a->address);
	free(a->sysusername);
	free(a->home);
	free(a->maildir);
	free(a->quota);
	free(a->fullname);
	free(a->options);
	free_secret(a->passwd);
	free_secret(a->clearpasswd);
	free(a);
}

/* Walk "a=1,b,c=x": calls fn for each item with the name length; stops when fn returns 1. */
static const char *option_find(const char *options, const char *name, size_t nlen,
			       size_t *item_len_r)
{
	const char *p = options;

	while (p != NULL && *p != '\0') {
		const char *comma = strchr(p, ',');
		size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		size_t klen = strcspn(p, "=,");
		if (klen > len)
			klen = len;
		if (klen == nlen && nlen > 0 && strncmp(p, name, nlen) == 0) {
			*item_len_r = len;
			return p;
		}
		p = comma != NULL ? comma + 1 : NULL;
	}
	return NULL;
}

char *account_option_get(const char *options, const char *name)
{
	size_t nlen = strlen(name), len;
	const char *item = options != NULL ? option_find(options, name, nlen, &len) : NULL;

	if (item == NULL)
		return NULL;
	if (len == nlen)
		return xstrdup("");
	return xstrndup(item + nlen + 1, len - nlen - 1);
}

int account_option_enabled(const char *options, const char *name)
{
	char *v = account_option_get(options, name);
	int on;

	if (v == NULL)
		return 0;
	on = v[0] == '\0' || v[0] == '1' || v[0] == 'y' || v[0] == 'Y' ||
	     strcasecmp(v, "true") == 0;
	free(v);
	return on;
}

char *account_options_merge(const char *options, const char *defaults)
{
	struct buf b = BUF_INIT;
	const char *p = defaults;

	if (options != NULL)
		buf_puts(&b, options);
	while (p != NULL && *p != '\0') {
		const char *comma = strchr(p, ',');
		size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		size_t klen = strcspn(p, "=,"), dummy;
		if (klen > len)
			klen = len;
		if (klen > 0 && (options == NULL || option_find(options, p, klen, &dummy) == NULL)) {
			if (b.len > 0)
				buf_putc(&b, ',');
			buf_append(&b, p, len);
		}
		p = comma != NULL ? comma + 1 : NULL;
	}
	if (b.data == NULL)
		return xstrdup("");
	return buf_steal(&b);
}
