/* Resolve hato-tcpd's command line into its settings. */
#include "config.h"
#include "tcpd-setup.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conffile.h"
#include "privs.h"
#include "xalloc.h"

enum proto { PROTO_UNKNOWN, PROTO_POP3, PROTO_IMAP };

static char error_buf[512];

static int access_ok(const char *path)
{
	return access(path, R_OK) == 0;
}

static enum proto guess_proto(char **argv)
{
	for (; *argv != NULL; argv++) {
		const char *base = strrchr(*argv, '/');

		base = base != NULL ? base + 1 : *argv;
		if (strstr(base, "pop3") != NULL)
			return PROTO_POP3;
		if (strstr(base, "imap") != NULL)
			return PROTO_IMAP;
	}
	return PROTO_UNKNOWN;
}

const char *tcpd_setup_default_overlimit(char **argv)
{
	switch (guess_proto(argv)) {
	case PROTO_POP3:
		return "-ERR [SYS/TEMP] Too many connections from your address";
	case PROTO_IMAP:
		return "* BYE [UNAVAILABLE] Too many connections from your address";
	default:
		return NULL;
	}
}

const char *tcpd_setup_default_denymsg(char **argv)
{
	switch (guess_proto(argv)) {
	case PROTO_POP3:
		return "-ERR [SYS/PERM] Access denied";
	case PROTO_IMAP:
		return "* BYE Access denied";
	default:
		return NULL;
	}
}

static int fail(const char **error_r, const char *msg)
{
	snprintf(error_buf, sizeof(error_buf), "%s", msg);
	*error_r = error_buf;
	return -1;
}

/* TCPDOPTS="-nodnslookup -noidentlookup" from a config file: options parsed before the
 * command line's, which override them. */
static int apply_tcpdopts(struct tcpd_setup *s, const char *tcpdopts, const char **error_r)
{
	char *copy = xstrdup(tcpdopts), *save = NULL, *w;
	char *words[64];
	int n = 1, argn = 1;

	words[0] = (char *)"TCPDOPTS";
	for (w = strtok_r(copy, " \t\n", &save); w != NULL && n < 63;
	     w = strtok_r(NULL, " \t\n", &save))
		words[n++] = w;
	words[n] = NULL;
	s->tcpdopts_copy = copy; /* option values point into it */
	if (tcpd_options_parse(&s->opt, n, words, &argn, error_r) < 0)
		return -1;
	if (argn != n)
		return fail(error_r, "TCPDOPTS: not an option");
	return 0;
}

static long config_long(const struct conffile *cf, const char *name)
{
	long n = conffile_get_long(cf, name, 0);

	return n > 0 && n <= 1000000 ? n : 0;
}

/* -config=file[,file2]: Courier's variables become environment variables of tcpd and its
 * children (as the rc scripts' `set -a; . file` does) and provide defaults for the options. */
static int load_config(struct tcpd_setup *s, const char *files, const char **error_r)
{
	char *copy = xstrdup(files), *save = NULL, *f;
	const struct conffile *cf;
	const char *v, *access;
	int ret = 0;

	s->config = conffile_new();
	for (f = strtok_r(copy, ",", &save); f != NULL && ret == 0; f = strtok_r(NULL, ",", &save))
		ret = conffile_load(s->config, f, error_r);
	free(copy);
	if (ret < 0)
		return -1;
	cf = s->config;
	conffile_export_env(cf);
	if ((v = conffile_get(cf, "TCPDOPTS")) != NULL && apply_tcpdopts(s, v, error_r) < 0)
		return -1;
	if ((v = conffile_get(cf, "ADDRESS")) != NULL && *v != '\0')
		s->opt.address = v;
	s->opt.maxprocs = config_long(cf, "MAXDAEMONS");
	s->opt.maxperip = config_long(cf, "MAXPERIP");
	access = conffile_get(cf, "POP3ACCESSFILE");
	if (access == NULL)
		access = conffile_get(cf, "IMAPACCESSFILE");
	if (access != NULL && *access != '\0') {
		char *dat = xasprintf("%s.dat", access);

		if (access_ok(dat))
			s->opt.access = s->access_dat = dat;
		else
			free(dat);
	}
	return 0;
}

/* Ports from the config: PORT plain, SSLPORT implicit TLS. */
static int config_ports(struct tcpd_setup *s, const char **error_r)
{
	const char *port = conffile_get(s->config, "PORT");
	const char *sslport = conffile_get(s->config, "SSLPORT");

	if (port != NULL && *port != '\0' &&
	    tcpd_ports_parse(&s->ports, port, s->opt.address, 0, error_r) < 0)
		return -1;
	const char *ssladdress = conffile_get(s->config, "SSLADDRESS");

	/* Courier's pop3d-ssl / imapd-ssl may give the TLS ports their own address. */
	if (ssladdress == NULL || *ssladdress == '\0')
		ssladdress = s->opt.address;
	if (sslport != NULL && *sslport != '\0' &&
	    tcpd_ports_parse(&s->ports, sslport, ssladdress, 1, error_r) < 0)
		return -1;
	if (s->ports.count == 0)
		return fail(error_r, "-config: neither PORT nor SSLPORT is set");
	return 0;
}

int tcpd_setup(struct tcpd_setup *s, int argc, char **argv, const char **error_r)
{
	int argn = 1;

	memset(s, 0, sizeof(*s));
	if (tcpd_options_parse(&s->opt, argc, argv, &argn, error_r) < 0)
		return -1;
	if (s->opt.stop || s->opt.restart)
		return s->opt.pid != NULL ? 0 : fail(error_r, "-pid argument is required.");
	if (s->opt.config != NULL) {
		const char *files = s->opt.config;

		memset(&s->opt, 0, sizeof(s->opt));
		if (load_config(s, files, error_r) < 0)
			return -1;
		argn = 1; /* the command line overrides the config */
		if (tcpd_options_parse(&s->opt, argc, argv, &argn, error_r) < 0)
			return -1;
	}
	if (s->config != NULL && argn < argc && argv[argn][0] == '/') {
		if (config_ports(s, error_r) < 0)
			return -1;
	} else {
		if (argc - argn < 2)
			return fail(error_r, "Usage: hato-tcpd [options] portlist program arg...");
		if (tcpd_ports_parse(&s->ports, argv[argn], s->opt.address, 0, error_r) < 0)
			return -1;
		argn++;
	}
	if (argn >= argc)
		return fail(error_r, "Usage: hato-tcpd [options] portlist program arg...");
	if (s->opt.tls != NULL && tcpd_ports_mark_tls(&s->ports, s->opt.tls, error_r) < 0)
		return -1;
	s->argv = argv + argn;
	if (s->argv[0][0] != '/')
		return fail(error_r, "The program must be given with its absolute path.");

	s->maxprocs = s->opt.maxprocs > 0 ? s->opt.maxprocs : TCPD_DEFAULT_MAXPROCS;
	s->maxperip = s->opt.maxperip > 0 ? s->opt.maxperip : TCPD_DEFAULT_MAXPERIP;
	s->maxperc = s->opt.maxperc > 0 ? s->opt.maxperc : s->maxprocs;
	s->warn = s->maxprocs - (s->maxprocs / 10 + 1);
	if (s->opt.warn > 0 && s->opt.warn <= s->maxprocs)
		s->warn = s->opt.warn;

	s->overlimit = s->opt.overlimit != NULL ? s->opt.overlimit
		     : s->opt.refuse != NULL	? s->opt.refuse
						: tcpd_setup_default_overlimit(s->argv);
	s->denymsg = s->opt.denymsg != NULL ? s->opt.denymsg
		   : s->opt.refuse != NULL  ? s->opt.refuse
					    : tcpd_setup_default_denymsg(s->argv);
	if (s->opt.accesslocal && s->opt.access == NULL)
		return fail(error_r, "-accesslocal requires -access");
	if (s->opt.group != NULL && s->opt.user == NULL)
		return fail(error_r, "-group requires -user");
	return 0;
}

void tcpd_setup_deinit(struct tcpd_setup *s)
{
	if (s->config != NULL)
		conffile_free(s->config);
	free(s->tcpdopts_copy);
	free(s->access_dat);
	s->config = NULL;
	s->tcpdopts_copy = NULL;
	s->access_dat = NULL;
}

static int is_number(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return 0;
	}
	return 1;
}

int tcpd_setup_drop_privileges(const struct tcpd_setup *s, const char **error_r)
{
	struct privs_target t = { 0, 0, NULL, NULL };

	if (s->opt.user == NULL)
		return 0;
	if (is_number(s->opt.user)) {
		t.uid = (uid_t)strtoul(s->opt.user, NULL, 10);
		t.gid = getgid();
	} else {
		if (privs_lookup_user(s->opt.user, &t.uid, &t.gid, error_r) < 0)
			return -1;
		t.user = s->opt.user;
	}
	if (s->opt.group != NULL) {
		struct group *gr = is_number(s->opt.group) ? NULL : getgrnam(s->opt.group);

		if (is_number(s->opt.group))
			t.gid = (gid_t)strtoul(s->opt.group, NULL, 10);
		else if (gr != NULL)
			t.gid = gr->gr_gid;
		else {
			snprintf(error_buf, sizeof(error_buf), "Group not found: %.200s",
				 s->opt.group);
			*error_r = error_buf;
			return -1;
		}
	}
	return privs_drop(&t, error_r);
}
