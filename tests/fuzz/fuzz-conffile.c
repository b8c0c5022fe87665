/* libFuzzer target for lib/conffile.c: any bytes either parse or give a "name:line: ..." error;
 * a failed parse leaves earlier settings untouched. */
#include "config.h"
#include "conffile.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void touch(const char *name, const char *value, void *ctx)
{
	const struct conffile *cf = ctx;

	/* Every visited name is findable and holds the visited value. */
	if (conffile_get(cf, name) != value || strlen(value) > 64 * 1024)
		abort();
	(void)conffile_get_long(cf, name, 0);
	(void)conffile_get_bool(cf, name, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conffile *cf = conffile_new();
	const char *error = NULL;
	const char *p;

	conffile_set(cf, "IMAP_CAPABILITY", "IMAP4rev1 IDLE");
	if (conffile_parse(cf, "fuzz", (const char *)data, size, &error) == 0) {
		conffile_foreach(cf, touch, cf);
		/* Parsing the same input again over its own result must work too. */
		if (conffile_parse(cf, "fuzz", (const char *)data, size, &error) != 0)
			abort();
	} else {
		/* "fuzz:<line>: <message>", and the earlier setting survived. */
		if (error == NULL || strncmp(error, "fuzz:", 5) != 0)
			abort();
		p = error + 5;
		if (*p < '1' || *p > '9')
			abort();
		while (*p >= '0' && *p <= '9')
			p++;
		if (p[0] != ':' || p[1] != ' ' || p[2] == '\0')
			abort();
		if (strcmp(conffile_get_default(cf, "IMAP_CAPABILITY", ""), "IMAP4rev1 IDLE") != 0)
			abort();
	}
	conffile_free(cf);
	return 0;
}
