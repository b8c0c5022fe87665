/* SPECIAL-USE attributes (RFC 6154 §2) by folder name: a default table or IMAP_SPECIAL_USE. */
#include "config.h"
#include "imap-special-use.h"
#include "log.h"
#include "xalloc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SPECIAL_USE_MAX 32

struct special_use {
	char *folder;
	const char *attr;
};

static const char *const attrs[] = {
	"\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash",
};

static const struct {
	const char *folder, *attr;
} defaults[] = {
	{ "Sent", "\\Sent" }, { "Drafts", "\\Drafts" }, { "Trash", "\\Trash" },
	{ "Junk", "\\Junk" }, { "Spam", "\\Junk" },     { "Archive", "\\Archive" },
};

static struct special_use table[SPECIAL_USE_MAX];
static size_t table_n;
static bool loaded;

static void table_clear(void)
{
	for (size_t i = 0; i < table_n; i++)
		free(table[i].folder);
	table_n = 0;
}

static void table_add(const char *folder, size_t len, const char *attr)
{
	if (table_n == SPECIAL_USE_MAX)
		return;
	table[table_n].folder = xmalloc(len + 1);
	memcpy(table[table_n].folder, folder, len);
	table[table_n].folder[len] = '\0';
	table[table_n].attr = attr;
	table_n++;
}

static const char *attr_find(const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		if (strlen(attrs[i]) == len && strncasecmp(attrs[i], s, len) == 0)
			return attrs[i];
	}
	return NULL;
}

int imap_special_use_set(const char *spec)
{
	int bad = 0;

	table_clear();
	loaded = true;
	if (spec == NULL) {
		const char *trash = getenv("IMAP_TRASHFOLDERNAME");

		for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
			table_add(defaults[i].folder, strlen(defaults[i].folder), defaults[i].attr);
		/* Courier's name for the trash folder (e.g. "Deleted Items" for Outlook). */
		if (trash != NULL && *trash != '\0' && strcmp(trash, "Trash") != 0)
			table_add(trash, strlen(trash), "\\Trash");
		return 0;
	}
	while (*spec != '\0') {
		const char *end = strchr(spec, ';'), *eq;
		size_t len;

		if (end == NULL)
			end = spec + strlen(spec);
		len = (size_t)(end - spec);
		eq = memchr(spec, '=', len);
		if (len > 0) {
			const char *attr = eq == NULL ? NULL
				: attr_find(eq + 1, (size_t)(end - eq - 1));

			if (eq == NULL || eq == spec || attr == NULL || table_n == SPECIAL_USE_MAX)
				bad++;
			else
				table_add(spec, (size_t)(eq - spec), attr);
		}
		spec = *end == ';' ? end + 1 : end;
	}
	return bad;
}

const char *imap_special_use_of(const char *folder)
{
	if (!loaded) {
		const char *spec = getenv("IMAP_SPECIAL_USE");

		if (imap_special_use_set(spec != NULL && *spec != '\0' ? spec : NULL) > 0)
			log_warnx("IMAP_SPECIAL_USE: malformed entries skipped");
	}
	for (size_t i = 0; i < table_n; i++) {
		if (strcmp(table[i].folder, folder) == 0)
			return table[i].attr;
	}
	return NULL;
}
