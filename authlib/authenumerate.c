/* authenumerate [-m module] [-d dir]: every account authdaemond can list, one per line
 * (name, uid, gid, home, maildir, options, TAB-separated), as Courier's authenumerate. */
#include "config.h"
#include "auth-client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const authenumerate_help[] = {
	"-m module   only the accounts of this module (e.g. authuserdb)",
	"-d dir      authdaemond socket directory (default: $AUTHDAEMONVAR)",
};

static void authenumerate_usage(void)
{
	fprintf(stderr, "Usage: authenumerate [-m module] [-d dir]\n");
	for (size_t i = 0; i < sizeof(authenumerate_help) / sizeof(authenumerate_help[0]); i++)
		fprintf(stderr, "  %s\n", authenumerate_help[i]);
	exit(1);
}

int main(int argc, char **argv)
{
	const char *module = NULL, *dir = NULL, *error = NULL;
	struct buf reply = BUF_INIT;
	struct auth_client *ac;
	enum auth_client_status st;
	int opt, selected = 1;

	while ((opt = getopt(argc, argv, "m:d:")) != -1) {
		switch (opt) {
		case 'm':
			module = optarg;
			selected = 0;
			break;
		case 'd':
			dir = optarg;
			break;
		default:
			authenumerate_usage();
		}
	}
	if (optind != argc)
		authenumerate_usage();
	ac = auth_client_new(dir, NULL);
	st = auth_client_enumerate(ac, &reply, &error);
	auth_client_free(ac);
	if (st != AUTH_CLIENT_OK) {
		fprintf(stderr, "authenumerate: %s\n",
			st == AUTH_CLIENT_FAIL ? "enumeration refused" : error);
		buf_free(&reply);
		return 1;
	}
	/* The reply: "# module\n\n" headers, account lines, and the final ".\n". */
	for (char *p = reply.data, *end = reply.data + reply.len; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)(nl - p);

		if (n >= 2 && p[0] == '#' && p[1] == ' ')
			selected = module == NULL ||
				   (n - 2 == strlen(module) && memcmp(p + 2, module, n - 2) == 0);
		else if (n > 0 && !(n == 1 && *p == '.') && selected)
			fwrite(p, 1, n + 1, stdout);
		p = nl + 1;
	}
	buf_free(&reply);
	return fflush(stdout) == 0 ? 0 : 1;
}
