/* The one function that drops privileges. Called from one place per program, checked after. */
#ifndef HATO_PRIVS_H
#define HATO_PRIVS_H

#include <sys/types.h>

struct privs_target {
	uid_t uid;
	gid_t gid;
	const char *user;   /* for initgroups(); NULL = supplementary groups set to {gid} only */
	const char *chroot; /* chroot here first (then chdir "/"); NULL = none */
};

/* chroot (optional) -> setgroups/initgroups -> setresgid -> setresuid, then verify that
 * uid, euid, saved uid, gid, egid and saved gid are the target and that root cannot be regained.
 * Refuses uid 0 as a target. If not running as root and already the target uid, succeeds
 * without changes (the single-user developer mode). Returns 0, or -1 with *error_r. */
int privs_drop(const struct privs_target *t, const char **error_r);

/* Look up a user name: 0 and uid/gid filled, or -1 with *error_r. */
int privs_lookup_user(const char *name, uid_t *uid_r, gid_t *gid_r, const char **error_r);

#endif
