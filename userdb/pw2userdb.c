/* pw2userdb: print userdb source lines for the accounts in /etc/passwd (+ /etc/shadow), as
 * Courier's pw2userdb does (reference courier-formats §1.7). */
#include "config.h"

#include "buf.h"
#include "xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct account {
	char *name, *passwd, *uid, *gid, *gecos, *home, *shell;
};

static struct account *accounts;
static size_t n_accounts;

/* Field i of a ':'-separated line, or "" (a copy). */
static char *colon_field(const char *line, int i)
{
	const char *p = line;
	for (; i > 0 && p != NULL; i--) {
		p = strchr(p, ':');
		if (p != NULL)
			p++;
	}
	if (p == NULL)
		return xstrdup("");
	return xstrndup(p, strcspn(p, ":\n"));
}

static struct account *find_account(const char *name)
{
	for (size_t i = 0; i < n_accounts; i++) {
		if (strcmp(accounts[i].name, name) == 0)
			return &accounts[i];
	}
	return NULL;
}

static FILE *open_or_die(const char *path)
{
	FILE *fp = fopen(path, "r");
	if (fp == NULL) {
		fprintf(stderr, "%s\n", strerror(errno));
		exit(1);
	}
	return fp;
}

static void read_passwd(const char *path, int vpopuid)
{
	struct passwd *vpop = vpopuid ? getpwnam("vpopmail") : NULL;
	FILE *fp = open_or_die(path);
	char *line = NULL;
	size_t cap = 0;

	while (getline(&line, &cap, fp) >= 0) {
		if (line[0] == '#')
			continue;
		char *name = colon_field(line, 0);
		struct account *a = find_account(name);
		if (a == NULL) {
			accounts = xreallocarray(accounts, n_accounts + 1, sizeof(*accounts));
			a = &accounts[n_accounts++];
			memset(a, 0, sizeof(*a));
			a->name = name;
		} else {
			free(name);
		}
		char *pw = colon_field(line, 1);
		if (strcmp(pw, "x") != 0) {
			free(a->passwd);
			a->passwd = pw;
		} else {
			free(pw);
		}
		free(a->uid);
		free(a->gid);
		free(a->gecos);
		free(a->home);
		free(a->shell);
		if (vpop != NULL) {
			a->uid = xasprintf("%lu", (unsigned long)vpop->pw_uid);
			a->gid = xasprintf("%lu", (unsigned long)vpop->pw_gid);
		} else {
			a->uid = colon_field(line, 2);
			a->gid = colon_field(line, 3);
		}
		a->gecos = colon_field(line, 4);
		for (char *c = a->gecos; *c != '\0'; c++) {
			if (*c == '|')
				*c = '.'; /* '|' separates userdb fields */
		}
		a->home = colon_field(line, 5);
		a->shell = colon_field(line, 6);
	}
	free(line);
	fclose(fp);
}

static void read_shadow(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	FILE *fp = open_or_die(path);
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, fp) >= 0) {
		if (line[0] == '#')
			continue;
		char *name = colon_field(line, 0);
		struct account *a = find_account(name);
		free(name);
		if (a != NULL) {
			free(a->passwd);
			a->passwd = colon_field(line, 1);
		}
	}
	if (line != NULL)
		secure_zero(line, cap);
	free(line);
	fclose(fp);
}

int main(int argc, char **argv)
{
	const char *passwd = "/etc/passwd", *shadow = "/etc/shadow", *domain = "";
	int noshadow = 0, nouid = 0, vpopuid = 0, c;
	static const struct option options[] = {
		{ "passwd", required_argument, NULL, 'p' },
		{ "shadow", required_argument, NULL, 's' },
		{ "noshadow", no_argument, NULL, 'S' },
		{ "nouid", no_argument, NULL, 'U' },
		{ "domain", required_argument, NULL, 'd' },
		{ "vpopuid", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};

	while ((c = getopt_long_only(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'p': passwd = optarg; break;
		case 's': shadow = optarg; break;
		case 'S': noshadow = 1; break;
		case 'U': nouid = 1; break;
		case 'd': domain = optarg; break;
		case 'v': vpopuid = 1; break;
		default:
			fprintf(stderr, "Invalid options.\n");
			return 1;
		}
	}
	read_passwd(passwd, vpopuid);
	if (!noshadow)
		read_shadow(shadow);

	for (size_t i = 0; i < n_accounts; i++) {
		const struct account *a = &accounts[i];
		printf("%s%s%s\tuid=%s|gid=%s|home=%s", a->name, domain[0] != '\0' ? "@" : "",
		       domain, a->uid, a->gid, a->home);
		if (a->shell[0] != '\0')
			printf("|shell=%s", a->shell);
		if (a->passwd != NULL && a->passwd[0] != '\0')
			printf("|systempw=%s", a->passwd);
		if (a->gecos[0] != '\0')
			printf("|gecos=%s", a->gecos);
		printf("\n");
		if (!nouid)
			printf("%s=\t%s\n", a->uid, a->name);
	}
	return ferror(stdout) || fflush(stdout) != 0 ? 1 : 0;
}
