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

enum proto { PROTO_UNKNOWN, PROTO_POP3, PROTO_IMAP };

static char error_buf[512];

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

int tcpd_setup(struct tcpd_setup *s, int argc, char **argv, const char **error_r)
{
	int argn = 1;

	memset(s, 0, sizeof(*s));
	if (tcpd_options_parse(&s->opt, argc, argv, &argn, error_r) < 0)
		return -1;
	if (s->opt.stop || s->opt.restart)
		return s->opt.pid != NULL ? 0 : fail(error_r, "-pid argument is required.");
	if (argc - argn < 2)
		return fail(error_r, "Usage: hato-tcpd [options] portlist program arg...");
	if (tcpd_ports_parse(&s->ports, argv[argn], s->opt.address, 0, error_r) < 0)
		return -1;
	if (s->opt.tls != NULL && tcpd_ports_mark_tls(&s->ports, s->opt.tls, error_r) < 0)
		return -1;
	s->argv = argv + argn + 1;
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
	return 0;
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
	gid_t gid = getgid();
	uid_t uid;
	const char *user = NULL;

	if (s->opt.group != NULL) {
		struct group *gr = is_number(s->opt.group) ? NULL : getgrnam(s->opt.group);

		if (is_number(s->opt.group))
			gid = (gid_t)strtoul(s->opt.group, NULL, 10);
		else if (gr != NULL)
			gid = gr->gr_gid;
		else {
			snprintf(error_buf, sizeof(error_buf), "Group not found: %.200s",
				 s->opt.group);
			*error_r = error_buf;
			return -1;
		}
	}
	if (s->opt.user == NULL) {
		if (s->opt.group != NULL && (setgroups(1, &gid) < 0 || setgid(gid) < 0))
			goto failed;
		return 0;
	}
	if (is_number(s->opt.user)) {
		uid = (uid_t)strtoul(s->opt.user, NULL, 10);
	} else {
		struct passwd *pw = getpwnam(s->opt.user);

		if (pw == NULL) {
			snprintf(error_buf, sizeof(error_buf), "User not found: %.200s",
				 s->opt.user);
			*error_r = error_buf;
			return -1;
		}
		uid = pw->pw_uid;
		user = pw->pw_name;
		if (s->opt.group == NULL)
			gid = pw->pw_gid;
	}
	if (getuid() != 0 && getuid() == uid)
		return 0;
	if ((user != NULL ? initgroups(user, gid) : setgroups(1, &gid)) < 0 ||
	    setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
		goto failed;
	if (uid != 0 && setuid(0) == 0) {
		*error_r = "privileges could be regained after dropping them";
		return -1;
	}
	return 0;
failed:
	snprintf(error_buf, sizeof(error_buf), "dropping privileges: %s", strerror(errno));
	*error_r = error_buf;
	return -1;
}
