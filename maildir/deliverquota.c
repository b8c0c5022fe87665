/* deliverquota: deliver the message on stdin into a Maildir, honouring its Maildir++ quota.
 * Compatible with Courier's deliverquota(8): exit 0 delivered, 77 over quota, 75 temporary
 * failure (so an MTA retries). */
#include "config.h"
#include "log.h"
#include "maildir/maildir-deliver.h"
#include "maildir/maildir-quota.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXIT_OVERQUOTA 77
#define EXIT_TEMPFAIL 75

static void usage(void)
{
	fprintf(stderr, "usage: deliverquota [-c] [-w percent] maildir [quota]\n");
	exit(EXIT_TEMPFAIL);
}

/* -c: create the Maildir (root with tmp/ new/ cur/) when it does not exist. */
static int make_maildir(const char *dir)
{
	static const char *const subs[] = {"tmp", "new", "cur"};
	char path[4096];

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -1;
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, subs[i]);
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			return -1;
	}
	return 0;
}

/* Copy stdin into the tmp/ file; -1 on a read or write error. */
static int copy_stdin(struct maildir_deliver *d, const char **error_r)
{
	char buf[65536];

	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n == 0)
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*error_r = "reading the message from stdin failed";
			return -1;
		}
		if (maildir_deliver_write(d, buf, (size_t)n, error_r) < 0)
			return -1;
	}
}

/* Whether the message fits; -1 on an error reading the quota. */
static int over_quota(const char *dir, const char *quota_arg, uint64_t size, const char **error_r)
{
	struct maildir_quota_spec spec;
	struct maildir_quota q;
	struct stat st;
	char path[4096];

	if (quota_arg != NULL) {
		if (maildir_quota_spec_parse(quota_arg, &spec, error_r) < 0)
			return -1;
	} else {
		snprintf(path, sizeof(path), "%s/%s", dir, MAILDIR_QUOTA_FILE);
		if (stat(path, &st) < 0)
			return 0; /* no quota anywhere: Courier does not create maildirsize then */
	}
	if (maildir_quota_get(dir, quota_arg != NULL ? &spec : NULL, &q, error_r) < 0)
		return -1;
	return maildir_quota_over(&q, (int64_t)size, 1);
}

int main(int argc, char **argv)
{
	struct maildir_deliver d;
	const char *dir, *quota = NULL, *error = "";
	int opt, create = 0, over;
	char *name = NULL;

	log_init("deliverquota", LOG_TARGET_STDERR);
	while ((opt = getopt(argc, argv, "cw:")) != -1) {
		if (opt == 'c')
			create = 1;
		else if (opt != 'w') /* warning messages are not implemented; accepted */
			usage();
	}
	if (argc - optind < 1 || argc - optind > 2)
		usage();
	dir = argv[optind];
	if (argc - optind == 2 && argv[optind + 1][0] != '\0')
		quota = argv[optind + 1];
	if (create && make_maildir(dir) < 0) {
		log_warn("%s: cannot create maildir", dir);
		return EXIT_TEMPFAIL;
	}
	if (maildir_deliver_begin(&d, dir, &error) < 0) {
		log_warn("%s: %s", dir, error);
		return EXIT_TEMPFAIL;
	}
	if (copy_stdin(&d, &error) < 0) {
		log_warn("%s: %s", dir, error);
		maildir_deliver_abort(&d);
		return EXIT_TEMPFAIL;
	}
	over = over_quota(dir, quota, d.size, &error);
	if (over != 0) {
		maildir_deliver_abort(&d);
		if (over < 0) {
			log_warnx("%s: %s", dir, error);
			return EXIT_TEMPFAIL;
		}
		fprintf(stderr, "maildir over quota.\n");
		return EXIT_OVERQUOTA;
	}
	uint64_t size = d.size;
	if (maildir_deliver_commit(&d, 0, 0, &name, &error) < 0) {
		log_warn("%s: %s", dir, error);
		return EXIT_TEMPFAIL;
	}
	if (maildir_quota_add(dir, (int64_t)size, 1, &error) < 0)
		log_warn("%s: %s (message delivered)", dir, error);
	free(name);
	return EXIT_SUCCESS;
}
