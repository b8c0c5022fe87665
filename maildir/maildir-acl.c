/* courierimapacl read and write (Courier maildir/maildiraclt.c file format). */
#include "config.h"
#include "maildir-acl.h"
#include "maildir-file.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

void maildir_acl_init(struct maildir_acl *acl)
{
	acl->v = NULL;
	acl->n = 0;
}

void maildir_acl_free(struct maildir_acl *acl)
{
	for (size_t i = 0; i < acl->n; i++) {
		free(acl->v[i].identifier);
		free(acl->v[i].rights);
	}
	free(acl->v);
	maildir_acl_init(acl);
}

static int identifier_ok(const char *s)
{
	if (*s == '\0' || strcmp(s, "-") == 0 || strlen(s) > 255)
		return 0;
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return 0;
	}
	return 1;
}

/* Canonical rights: sorted, unique; NULL when a character is not a-z. */
static char *rights_canon(const char *r)
{
	char seen[26] = {0}, out[27];
	size_t n = 0;

	for (; *r != '\0'; r++) {
		if (*r < 'a' || *r > 'z')
			return NULL;
		seen[*r - 'a'] = 1;
	}
	for (int i = 0; i < 26; i++) {
		if (seen[i])
			out[n++] = (char)('a' + i);
	}
	out[n] = '\0';
	return xstrdup(out);
}

static ssize_t find(const struct maildir_acl *acl, const char *identifier)
{
	for (size_t i = 0; i < acl->n; i++) {
		if (strcmp(acl->v[i].identifier, identifier) == 0)
			return (ssize_t)i;
	}
	return -1;
}

const char *maildir_acl_get(const struct maildir_acl *acl, const char *identifier)
{
	ssize_t i = find(acl, identifier);

	return i < 0 ? NULL : acl->v[i].rights;
}

int maildir_acl_set(struct maildir_acl *acl, const char *identifier, const char *rights,
                    const char **error_r)
{
	ssize_t i = find(acl, identifier);
	char *canon;

	if (!identifier_ok(identifier)) {
		*error_r = "courierimapacl: invalid identifier";
		return -1;
	}
	if (rights == NULL || *rights == '\0') {
		if (i >= 0) {
			free(acl->v[i].identifier);
			free(acl->v[i].rights);
			memmove(&acl->v[i], &acl->v[i + 1],
			        (acl->n - (size_t)i - 1) * sizeof(*acl->v));
			acl->n--;
		}
		return 0;
	}
	if ((canon = rights_canon(rights)) == NULL) {
		*error_r = "courierimapacl: invalid rights";
		return -1;
	}
	if (i >= 0) {
		free(acl->v[i].rights);
		acl->v[i].rights = canon;
		return 0;
	}
	if (acl->n >= MAILDIR_ACL_MAX_ENTRIES) {
		free(canon);
		*error_r = "courierimapacl: too many entries";
		return -1;
	}
	acl->v = xreallocarray(acl->v, acl->n + 1, sizeof(*acl->v));
	acl->v[acl->n].identifier = xstrdup(identifier);
	acl->v[acl->n].rights = canon;
	acl->n++;
	return 0;
}

int maildir_acl_parse(struct maildir_acl *acl, const char *data, size_t len, const char **error_r)
{
	const char *p = data, *end = data + len;

	maildir_acl_free(acl);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl != NULL ? nl : end) - p);
		char *line = xstrndup(p, n), *sp;
		p += n + 1;
		if (n == 0) {
			free(line);
			continue;
		}
		sp = strchr(line, ' ');
		if (memchr(line, '\0', n) != NULL || sp == NULL || strchr(sp + 1, ' ') != NULL) {
			free(line);
			*error_r = "courierimapacl: malformed line";
			goto fail;
		}
		*sp = '\0';
		if (find(acl, line) >= 0) {
			free(line);
			*error_r = "courierimapacl: duplicate identifier";
			goto fail;
		}
		int ret = *(sp + 1) == '\0' ? -1 : maildir_acl_set(acl, line, sp + 1, error_r);
		if (*(sp + 1) == '\0')
			*error_r = "courierimapacl: empty rights";
		free(line);
		if (ret < 0)
			goto fail;
	}
	return 0;
fail:
	maildir_acl_free(acl);
	return -1;
}

void maildir_acl_format(const struct maildir_acl *acl, struct buf *out)
{
	for (size_t i = 0; i < acl->n; i++)
		buf_printf(out, "%s %s\n", acl->v[i].identifier, acl->v[i].rights);
}

int maildir_acl_load(const char *dir, struct maildir_acl *acl, const char **error_r)
{
	struct buf data = BUF_INIT;
	int st = maildir_file_read(dir, MAILDIR_ACL_FILE, &data, error_r), ret = 0;

	maildir_acl_free(acl);
	if (st < 0)
		ret = -1;
	else if (st == 0)
		ret = maildir_acl_parse(acl, data.data, data.len, error_r);
	buf_free(&data);
	return ret;
}

int maildir_acl_save(const char *dir, const struct maildir_acl *acl, const char **error_r)
{
	struct buf text = BUF_INIT;
	int ret;

	maildir_acl_format(acl, &text);
	ret = maildir_file_write_atomic(dir, MAILDIR_ACL_FILE, text.data, text.len, error_r);
	buf_free(&text);
	return ret;
}
