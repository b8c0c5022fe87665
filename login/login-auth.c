/* login-auth.h's entry points: pick the implementation named by env HATO_AUTH ("local", the
 * default, or "daemon") and forward to it. */
#include "login-auth-impl.h"

#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static const struct login_auth_ops *const login_auth_impls[] = {
	&login_auth_local_ops,
	&login_auth_daemon_ops,
};

struct login_auth {
	const struct login_auth_ops *ops;
	void *impl;
};

struct login_auth *login_auth_new(const char *service, const char **error_r)
{
	const char *name = getenv("HATO_AUTH");
	const struct login_auth_ops *ops = NULL;
	struct login_auth *auth;
	void *impl;

	if (name == NULL || *name == '\0')
		name = "local";
	for (size_t i = 0; i < sizeof(login_auth_impls) / sizeof(login_auth_impls[0]); i++)
		if (strcmp(login_auth_impls[i]->name, name) == 0)
			ops = login_auth_impls[i];
	if (ops == NULL) {
		*error_r = "HATO_AUTH must be \"local\" or \"daemon\"";
		return NULL;
	}
	impl = ops->new_(service, error_r);
	if (impl == NULL)
		return NULL;
	auth = xmalloc(sizeof(*auth));
	auth->ops = ops;
	auth->impl = impl;
	return auth;
}

void login_auth_free(struct login_auth *auth)
{
	if (auth == NULL)
		return;
	auth->ops->free_(auth->impl);
	free(auth);
}

enum login_auth_status login_auth_start(struct login_auth *auth, const char *mech,
					const char *initial_b64, struct buf *challenge_b64,
					struct account **acct_r, const char **reason_r)
{
	return auth->ops->start(auth->impl, mech, initial_b64, challenge_b64, acct_r, reason_r);
}

enum login_auth_status login_auth_continue(struct login_auth *auth, const char *response_b64,
					   struct buf *challenge_b64, struct account **acct_r,
					   const char **reason_r)
{
	return auth->ops->cont(auth->impl, response_b64, challenge_b64, acct_r, reason_r);
}

void login_auth_cancel(struct login_auth *auth)
{
	auth->ops->cancel(auth->impl);
}

enum login_auth_status login_auth_apop(struct login_auth *auth, const char *user,
				       const char *timestamp, const char *digest_hex,
				       struct account **acct_r, const char **reason_r)
{
	return auth->ops->apop(auth->impl, user, timestamp, digest_hex, acct_r, reason_r);
}
