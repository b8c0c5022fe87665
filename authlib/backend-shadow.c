/* System accounts (Courier's authshadow and authpwd): getpwnam for the account, getspnam (when
 * readable) for the hash. No challenge-response secrets: system hashes cannot serve CRAM. */
#include "config.h"
#include "backend.h"
#include "xalloc.h"

#include <pwd.h>
#include <shadow.h>
#include <stdlib.h>
#include <string.h>

struct shadow_backend {
	struct auth_backend b;
};

static struct auth_backend *sys_init(const struct auth_backend_ops *ops)
{
	struct shadow_backend *sb = xcalloc(1, sizeof(*sb));

	sb->b.ops = ops;
	return &sb->b;
}

static struct auth_backend *shadow_init(const struct conffile *conf, const char **error_r)
{
	(void)conf, (void)error_r;
	return sys_init(&backend_shadow_ops);
}

static struct auth_backend *pwd_init(const struct conffile *conf, const char **error_r)
{
	(void)conf, (void)error_r;
	return sys_init(&backend_pwd_ops);
}

static void sys_deinit(struct auth_backend *b)
{
	free(b);
}

static enum auth_result sys_lookup(struct auth_backend *b, const char *service,
				   const char *user, struct account **acct_r, const char **error_r)
{
	const struct passwd *pw;
	const char *hash;
	struct account *a;

	(void)service, (void)error_r;
	if (strchr(user, '@') != NULL || (pw = getpwnam(user)) == NULL)
		return AUTH_NOUSER;
	a = account_new();
	a->address = xstrdup(user);
	a->sysusername = xstrdup(pw->pw_name);
	a->uid = pw->pw_uid;
	a->gid = pw->pw_gid;
	a->home = xstrdup(pw->pw_dir);
	if (pw->pw_gecos != NULL && *pw->pw_gecos != '\0')
		a->fullname = xstrndup(pw->pw_gecos, strcspn(pw->pw_gecos, ","));
	hash = pw->pw_passwd;
	if (b->ops == &backend_shadow_ops) {
		const struct spwd *sp = getspnam(user);
		if (sp != NULL)
			hash = sp->sp_pwdp;
	}
	/* "x" means the hash is in shadow; "*", "!..." and "" lock the account. */
	if (hash != NULL && *hash != '\0' && strcmp(hash, "x") != 0 && hash[0] != '*' &&
	    hash[0] != '!')
		a->passwd = xstrdup(hash);
	*acct_r = a;
	return AUTH_OK;
}

const struct auth_backend_ops backend_shadow_ops = {
	.name = "authshadow",
	.init = shadow_init,
	.deinit = sys_deinit,
	.lookup = sys_lookup,
	.get_secret = NULL,
	.enumerate = NULL,
};

const struct auth_backend_ops backend_pwd_ops = {
	.name = "authpwd",
	.init = pwd_init,
	.deinit = sys_deinit,
	.lookup = sys_lookup,
	.get_secret = NULL,
	.enumerate = NULL,
};
