/* The implementations behind login-auth.h, chosen at login_auth_new() by env HATO_AUTH:
 * "local" (in process, login-auth-local.c) or "daemon" (authdaemond, login-auth-daemon.c). */
#ifndef HATO_LOGIN_AUTH_IMPL_H
#define HATO_LOGIN_AUTH_IMPL_H

#include "login-auth.h"

struct login_auth_ops {
	const char *name;
	void *(*new_)(const char *service, const char **error_r);
	void (*free_)(void *impl);
	enum login_auth_status (*start)(void *impl, const char *mech, const char *initial_b64,
					struct buf *challenge_b64, struct account **acct_r,
					const char **reason_r);
	enum login_auth_status (*cont)(void *impl, const char *response_b64,
				       struct buf *challenge_b64, struct account **acct_r,
				       const char **reason_r);
	void (*cancel)(void *impl);
	enum login_auth_status (*apop)(void *impl, const char *user, const char *timestamp,
				       const char *digest_hex, struct account **acct_r,
				       const char **reason_r);
};

extern const struct login_auth_ops login_auth_local_ops, login_auth_daemon_ops;

#endif
