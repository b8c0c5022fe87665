/* Fuzz target: access-file values (tcpd_access_parse) and networks (tcpd_cidr_expand). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tcpd-access.h"
#include "tcpd-cidr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ignore(const char *key, void *ctx)
{
	(void)key;
	(void)ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tcpd_access_vars vars = { { NULL }, 0 };
	char *s = malloc(size + 1);
	const char *error;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	(void)tcpd_access_parse(s, &vars);
	for (unsigned int i = 0; i < vars.count; i++) {
		if (strchr(vars.vars[i], '=') == NULL)
			abort();
	}
	tcpd_access_vars_free(&vars);
	if (size < 64)
		(void)tcpd_cidr_expand(s, ignore, NULL, &error);
	free(s);
	return 0;
}
