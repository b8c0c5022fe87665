/* Settings read from the environment, the way Courier's config files reach its programs. */
#ifndef HATO_ENV_H
#define HATO_ENV_H

#include <stdbool.h>

/* Courier's yes: the value starts with 1, y or Y (IMAP_TLS_REQUIRED=1, POP3_APOP=YES). */
bool env_bool(const char *name);
/* A decimal value in [min, max], or def when unset, empty or malformed (malformed values are
 * logged once, so a typo in a config file does not pass silently). */
long env_long(const char *name, long min, long max, long def);

#endif
