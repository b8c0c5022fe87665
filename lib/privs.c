/* The one privilege drop, read top to bottom as OpenSMTPD does it:
 * chroot -> setgroups/initgroups -> setresgid -> setresuid, then verify. */
#define _GNU_SOURCE /* getresuid, getresgid, setresuid, setresgid */
#include "config.h"
#include "privs.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char privs_errbuf[512];

/* Format an error with errno text, for *error_r. */
static const char *privs_err(const char *what, const char *arg)
{
	snprintf(privs_errbuf, sizeof(privs_errbuf), "%s%s%s: %s", what, arg ? " " : "",
		 arg ? arg : "", strerror(errno));
	return privs_errbuf;
}

/* Every uid and gid slot is the target and no supplementary group but the target's remains. */
static int privs_verify(const struct privs_target *t, const char **error_r)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0) {
		*error_r = privs_err("getresuid/getresgid", NULL);
		return -1;
	}
	if (ru != t->uid || eu != t->uid || su != t->uid) {
		snprintf(privs_errbuf, sizeof(privs_errbuf),
			 "uid is %ld/%ld/%ld after dropping to %ld", (long)ru, (long)eu, (long)su,
			 (long)t->uid);
		*error_r = privs_errbuf;
		return -1;
	}
	if (rg != t->gid || eg != t->gid || sg != t->gid) {
		snprintf(privs_errbuf, sizeof(privs_errbuf),
			 "gid is %ld/%ld/%ld after dropping to %ld", (long)rg, (long)eg, (long)sg,
			 (long)t->gid);
		*error_r = privs_errbuf;
		return -1;
	}
	if (t->user == NULL) {
		gid_t groups[2];
		int n = getgroups(2, groups);
		if (n < 0 || n > 1 || (n == 1 && groups[0] != t->gid)) {
			*error_r = "supplementary groups were not reduced to the target group";
			return -1;
		}
	}
	/* The point of the exercise: root must be out of reach for good. */
	if (setuid(0) == 0 || seteuid(0) == 0) {
		*error_r = "root could be regained after dropping privileges";
		return -1;
	}
	if (t->gid != 0 && (setgid(0) == 0 || setegid(0) == 0)) {
		*error_r = "group 0 could be regained after dropping privileges";
		return -1;
	}
	return 0;
}

int privs_drop(const struct privs_target *t, const char **error_r)
{
	uid_t ru, eu, su;

	if (t->uid == 0) {
		*error_r = "refusing to run as root (target uid 0)";
		return -1;
	}
	if (getresuid(&ru, &eu, &su) < 0) {
		*error_r = privs_err("getresuid", NULL);
		return -1;
	}
	if (eu != 0) {
		/* Developer mode: one unprivileged user runs everything. */
		if (ru == t->uid && eu == t->uid && su == t->uid)
			return 0;
		snprintf(privs_errbuf, sizeof(privs_errbuf),
			 "not root (uid %ld), cannot switch to uid %ld", (long)eu, (long)t->uid);
		*error_r = privs_errbuf;
		return -1;
	}

	if (t->chroot != NULL) {
		if (chroot(t->chroot) < 0) {
			*error_r = privs_err("chroot", t->chroot);
			return -1;
		}
		if (chdir("/") < 0) {
			*error_r = privs_err("chdir / after chroot", NULL);
			return -1;
		}
	}
	if (t->user != NULL) {
		if (initgroups(t->user, t->gid) < 0) {
			*error_r = privs_err("initgroups", t->user);
			return -1;
		}
	} else if (setgroups(1, &t->gid) < 0) {
		*error_r = privs_err("setgroups", NULL);
		return -1;
	}
	if (setresgid(t->gid, t->gid, t->gid) < 0) {
		*error_r = privs_err("setresgid", NULL);
		return -1;
	}
	if (setresuid(t->uid, t->uid, t->uid) < 0) {
		*error_r = privs_err("setresuid", NULL);
		return -1;
	}
	return privs_verify(t, error_r);
}

int privs_lookup_user(const char *name, uid_t *uid_r, gid_t *gid_r, const char **error_r)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(name);
	if (pw == NULL) {
		if (errno != 0)
			*error_r = privs_err("getpwnam", name);
		else {
			snprintf(privs_errbuf, sizeof(privs_errbuf), "no such user: %s", name);
			*error_r = privs_errbuf;
		}
		return -1;
	}
	*uid_r = pw->pw_uid;
	*gid_r = pw->pw_gid;
	return 0;
}
