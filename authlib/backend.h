/* Authentication backends (Courier's auth modules): a const vtable each, tried in the order of
 * authmodulelist. Backends only look accounts and secrets up; checking passwords, name
 * canonicalisation and service fallbacks happen once, in auth-chain.c. */
#ifndef HATO_BACKEND_H
#define HATO_BACKEND_H

#include "account.h"

struct conffile;

enum auth_result {
	AUTH_OK,
	AUTH_NOUSER,   /* this backend does not know the user: try the next one */
	AUTH_BADPASS,  /* known user, wrong password (or no password for this service) */
	AUTH_TEMPFAIL, /* the store failed: stop, answer "try again later" */
};

struct auth_backend {
	const struct auth_backend_ops *ops;
};

struct auth_backend_ops {
	const char *name;      /* as in authmodulelist: "authuserdb", "authshadow", "authpwd" */
	/* conf may be NULL (defaults). Returns NULL with *error_r. */
	struct auth_backend *(*init)(const struct conffile *conf, const char **error_r);
	void (*deinit)(struct auth_backend *b);
	/* Account for user, with passwd = the service's password hash (NULL if none). */
	enum auth_result (*lookup)(struct auth_backend *b, const char *service, const char *user,
				   struct account **acct_r, const char **error_r);
	/* A stored secret field of user, exact name (the chain applies service fallbacks).
	 * 1 = found (*secret_r malloc'd), 0 = user or field absent, -1 = error. May be NULL. */
	int (*get_secret)(struct auth_backend *b, const char *user, const char *field,
			  char **secret_r, const char **error_r);
	/* Call fn for every account. Returns 0 or -1 with *error_r. May be NULL. */
	int (*enumerate)(struct auth_backend *b, void (*fn)(const struct account *a, void *ctx),
			 void *ctx, const char **error_r);
	/* Change user's password for service from oldpw to newpw: AUTH_OK, AUTH_NOUSER (not this
	 * backend's user), AUTH_BADPASS (oldpw is wrong), AUTH_TEMPFAIL (*error_r). NULL = this
	 * backend's accounts cannot be changed (system accounts: passwd(1) is for them). */
	enum auth_result (*passwd)(struct auth_backend *b, const char *service, const char *user,
				   const char *oldpw, const char *newpw, const char **error_r);
};

extern const struct auth_backend_ops backend_userdb_ops, backend_shadow_ops, backend_pwd_ops;


#endif
