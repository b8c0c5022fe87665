/* Option table for hato-tcpd: "-name" or "-name=value", as couriertcpd's argparse. */
#include "config.h"
#include "tcpd-options.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum opt_kind { OPT_STR, OPT_FLAG, OPT_NUM };

struct opt_def {
	const char *name;
	enum opt_kind kind;
	size_t offset;
};

#define S(n, f) { n, OPT_STR, offsetof(struct tcpd_options, f) }
#define F(n, f) { n, OPT_FLAG, offsetof(struct tcpd_options, f) }
#define N(n, f) { n, OPT_NUM, offsetof(struct tcpd_options, f) }
static const struct opt_def opt_table[] = {
	S("access", access),
	F("accesslocal", accesslocal),
	S("address", address),
	S("config", config),
	S("denymsg", denymsg),
	S("group", group),
	N("listen", listen),
	N("maxperc", maxperc),
	N("maxperip", maxperip),
	N("maxprocs", maxprocs),
	F("nodnslookup", nodnslookup),
	F("noidentlookup", noidentlookup),
	S("overlimit", overlimit),
	S("pid", pid),
	S("refuse", refuse),
	F("restart", restart),
	S("stderr", stderr_to),
	S("stderrlogger", stderrlogger),
	S("stderrloggername", stderrloggername),
	F("stop", stop),
	S("tls", tls),
	S("user", user),
	N("warn", warn),
};
#undef S
#undef F
#undef N

static char error_buf[256];

static int set_option(struct tcpd_options *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
	const char *value = eq != NULL ? eq + 1 : NULL;

	for (size_t i = 0; i < sizeof(opt_table) / sizeof(opt_table[0]); i++) {
		const struct opt_def *d = &opt_table[i];
		char *field = (char *)o + d->offset;
		char *end;
		long n;

		if (strlen(d->name) != len || strncmp(d->name, arg, len) != 0)
			continue;
		switch (d->kind) {
		case OPT_STR:
			*(const char **)field = value != NULL ? value : "";
			return 0;
		case OPT_FLAG:
			*(int *)field = 1;
			return 0;
		case OPT_NUM:
			if (value == NULL)
				break;
			n = strtol(value, &end, 10);
			if (*value == '\0' || *end != '\0' || n < 0 || n > 1000000 ||
			    (n == 0 && strcmp(d->name, "warn") != 0))
				break;
			*(long *)field = n;
			return 0;
		}
		snprintf(error_buf, sizeof(error_buf), "Invalid -%s option.", d->name);
		return -1;
	}
	snprintf(error_buf, sizeof(error_buf), "Invalid option: -%.200s", arg);
	return -1;
}

int tcpd_options_parse(struct tcpd_options *o, int argc, char **argv, int *argn,
		       const char **error_r)
{
	int i = *argn;

	for (; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0')
			break;
		if (set_option(o, a + 1) < 0) {
			*error_r = error_buf;
			*argn = i;
			return -1;
		}
	}
	*argn = i;
	return 0;
}
