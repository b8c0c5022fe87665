/* Courier userdb field lists: "name=value|flag|name=a=b" (reference courier-formats §1.1). */
#include "config.h"
#include "userdb-db.h"

#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

/* A record has a handful of fields; the bound keeps a hostile file from costing much memory. */
#define USERDB_FIELDS_MAX 256
#define USERDB_FIELDS_TEXT_MAX 65536

struct userdb_field {
	char *name;
	char *value;
};

struct userdb_fields {
	struct userdb_field *items;
	size_t count;
	char *storage; /* one copy of the text; names and values point into it */
	size_t storage_len;
};

static int is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

struct userdb_fields *userdb_fields_parse(const char *text, size_t len, const char **error_r)
{
	if (len > USERDB_FIELDS_TEXT_MAX) {
		*error_r = "userdb record too long";
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		if (is_control((unsigned char)text[i])) {
			*error_r = "control character in userdb record";
			return NULL;
		}
	}

	struct userdb_fields *f = xcalloc(1, sizeof(*f));
	f->storage = xstrndup(text, len);
	f->storage_len = len;
	size_t cap = 0;
	char *p = f->storage;
	while (*p != '\0') {
		char *end = strchr(p, '|');
		char *next = end != NULL ? end + 1 : p + strlen(p);
		if (end != NULL)
			*end = '\0';
		/* Empty fields ("a||b", a trailing "|") carry nothing, as in Courier's split. */
		if (*p != '\0') {
			if (f->count == USERDB_FIELDS_MAX) {
				userdb_fields_free(f);
				*error_r = "too many fields in userdb record";
				return NULL;
			}
			if (f->count == cap) {
				cap = cap == 0 ? 8 : cap * 2;
				f->items = xreallocarray(f->items, cap, sizeof(*f->items));
			}
			char *eq = strchr(p, '=');
			f->items[f->count].name = p;
			if (eq != NULL) {
				*eq = '\0';
				f->items[f->count].value = eq + 1;
			} else {
				f->items[f->count].value = p + strlen(p); /* "" */
			}
			f->count++;
		}
		p = next;
	}
	return f;
}

const char *userdb_fields_get(const struct userdb_fields *f, const char *name)
{
	/* The first occurrence wins, as Courier's userdb_get() scans from the left. */
	for (size_t i = 0; i < f->count; i++) {
		if (strcmp(f->items[i].name, name) == 0)
			return f->items[i].value;
	}
	return NULL;
}

size_t userdb_fields_count(const struct userdb_fields *f)
{
	return f->count;
}

void userdb_fields_at(const struct userdb_fields *f, size_t i, const char **name_r,
		      const char **value_r)
{
	*name_r = f->items[i].name;
	*value_r = f->items[i].value;
}

void userdb_fields_free(struct userdb_fields *f)
{
	if (f == NULL)
		return;
	/* Shadow records hold password hashes and HMAC states. */
	secure_zero(f->storage, f->storage_len);
	free(f->storage);
	free(f->items);
	free(f);
}
