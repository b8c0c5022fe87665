/* libFuzzer target for lib/conffile.c: any bytes either parse or give a "name:line: ..." error;
 * a failed parse leaves earlier settings untouched. */
#include "config.h"
#include "buf.h"
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

/* "name=value\n" for every setting, so two states can be compared. */
static void dump_one(const char *name, const char *value, void *ctx)
{
	struct buf *out = ctx;

	buf_puts(out, name);
	buf_putc(out, '=');
	buf_puts(out, value);
	buf_putc(out, '\n');
}

static void check_error(const char *error)
{
	const char *p;

	/* "fuzz:<line>: <message>" */
	if (error == NULL || strncmp(error, "fuzz:", 5) != 0)
		abort();
	p = error + 5;
	if (*p < '1' || *p > '9')
		abort();
	while (*p >= '0' && *p <= '9')
		p++;
	if (p[0] != ':' || p[1] != ' ' || p[2] == '\0')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conffile *cf = conffile_new();
	const char *error = NULL;

	conffile_set(cf, "IMAP_CAPABILITY", "IMAP4rev1 IDLE");
	if (conffile_parse(cf, "fuzz", (const char *)data, size, &error) == 0) {
		struct buf before, after;

		conffile_foreach(cf, touch, cf);
		/* Parsing again over its own result may legitimately fail (A="$A$A" doubles each
		 * time until a bound is hit), but then it must leave the first result intact. */
		buf_init(&before);
		buf_init(&after);
		conffile_foreach(cf, dump_one, &before);
		if (conffile_parse(cf, "fuzz", (const char *)data, size, &error) != 0) {
			check_error(error);
			conffile_foreach(cf, dump_one, &after);
			if (strcmp(buf_cstr(&before), buf_cstr(&after)) != 0)
				abort();
		}
		buf_free(&before);
		buf_free(&after);
	} else {
		check_error(error);
		if (strcmp(conffile_get_default(cf, "IMAP_CAPABILITY", ""), "IMAP4rev1 IDLE") != 0)
			abort();
	}
	conffile_free(cf);
	return 0;
}
