/* Canonical login names with libidn2: the part after the last '@' becomes lower-case A-labels. */
#include "config.h"
#include "authname.h"
#include "xalloc.h"

#include <ctype.h>
#include <idn2.h>
#include <stdlib.h>
#include <string.h>

#define AUTHNAME_MAX 512

char *authname_canonical(const char *name, const char **error_r)
{
	size_t len = strlen(name);
	const char *at = strrchr(name, '@');
	char *ascii = NULL, *ret;

	if (len == 0 || len > AUTHNAME_MAX) {
		*error_r = "invalid user name length";
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f) {
			*error_r = "control character in user name";
			return NULL;
		}
	}
	if (at == NULL)
		return xstrdup(name);
	if (at == name || at[1] == '\0') {
		*error_r = "empty local part or domain";
		return NULL;
	}
	int rc = idn2_lookup_u8((const uint8_t *)(at + 1), (uint8_t **)&ascii, IDN2_NONTRANSITIONAL);
	if (rc != IDN2_OK) {
		*error_r = "invalid international domain name";
		return NULL;
	}
	for (char *p = ascii; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	ret = xasprintf("%.*s@%s", (int)(at - name), name, ascii);
	idn2_free(ascii);
	return ret;
}
