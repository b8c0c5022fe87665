/* authtest [-s service] loginid [password [newpassword]]: Courier's authdaemond test tool,
 * with its output: the "Authentication succeeded." block, or perror's "Authentication FAILED:". */
#include "config.h"
#include "auth-client.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct authtest_opts {
	const char *service;
	const char *dir;
};

static const char *const authtest_help[] = {
	"-s service   service name for per-service passwords (default: login)",
	"-d dir       authdaemond socket directory (default: $AUTHDAEMONVAR)",
};

static void authtest_usage(void)
{
	fprintf(stderr, "Usage: authtest [-s service] [-d dir] loginid [password [newpassword]]\n");
	for (size_t i = 0; i < sizeof(authtest_help) / sizeof(authtest_help[0]); i++)
		fprintf(stderr, "  %s\n", authtest_help[i]);
	exit(1);
}

static const char *none(const char *s)
{
	return s != NULL && *s != '\0' ? s : "(none)";
}

/* Courier's callback_pre() layout, byte for byte. */
static void authtest_print(const struct account *a)
{
	printf("Authentication succeeded.\n\n");
	printf("     Authenticated: %s ", a->address != NULL ? a->address : "");
	if (a->sysusername != NULL)
		printf(" (system username: %s)\n", a->sysusername);
	else
		printf(" (uid %lu, gid %lu)\n", (unsigned long)a->uid, (unsigned long)a->gid);
	printf("    Home Directory: %s\n", a->home);
	printf("           Maildir: %s\n", none(a->maildir));
	printf("             Quota: %s\n", none(a->quota));
	printf("Encrypted Password: %s\n", none(a->passwd));
	printf("Cleartext Password: %s\n", none(a->clearpasswd));
	printf("           Options: %s\n", none(a->options));
}

/* perror() as Courier's authtest reports it: EPERM for a rejection, EIO for a temporary one. */
static int authtest_failed(enum auth_client_status st)
{
	errno = st == AUTH_CLIENT_FAIL ? EPERM : EIO;
	perror("Authentication FAILED");
	return 1;
}

int main(int argc, char **argv)
{
	struct authtest_opts o = { "login", NULL };
	struct auth_client *ac;
	struct account *a = NULL;
	const char *error = NULL;
	enum auth_client_status st;
	int opt, n;

	while ((opt = getopt(argc, argv, "s:d:")) != -1) {
		switch (opt) {
		case 's':
			o.service = optarg;
			break;
		case 'd':
			o.dir = optarg;
			break;
		default:
			authtest_usage();
		}
	}
	n = argc - optind;
	if (n < 1 || n > 3)
		authtest_usage();
	/* As Courier's authtest: a remote address for the daemon's log and failure delay. */
	if (getenv("TCPREMOTEIP") == NULL)
		setenv("TCPREMOTEIP", "::1", 1);
	ac = auth_client_new(o.dir, NULL);
	if (n == 3) {
		st = auth_client_passwd(ac, o.service, argv[optind], argv[optind + 1],
					argv[optind + 2], &error);
		auth_client_free(ac);
		if (st != AUTH_CLIENT_OK)
			return authtest_failed(st);
		printf("Password change succeeded.\n");
		return 0;
	}
	if (n == 1)
		st = auth_client_pre(ac, o.service, argv[optind], &a, &error);
	else
		st = auth_client_login(ac, o.service, argv[optind], argv[optind + 1], &a, &error);
	auth_client_free(ac);
	if (st != AUTH_CLIENT_OK) {
		if (st == AUTH_CLIENT_TEMPFAIL && error != NULL && getenv("AUTHTEST_DEBUG") != NULL)
			fprintf(stderr, "authtest: %s\n", error);
		return authtest_failed(st);
	}
	authtest_print(a);
	account_free(a);
	return 0;
}
