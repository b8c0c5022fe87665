/* Settings read from the environment (env.h). */
#include "config.h"
#include "env.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>

bool env_bool(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && (*v == '1' || *v == 'y' || *v == 'Y');
}

long env_long(const char *name, long min, long max, long def)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return def;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max) {
		log_warnx("ignoring %s=%s", name, v);
		return def;
	}
	return n;
}
