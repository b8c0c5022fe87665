/* Backends in authmodulelist order, with Courier's module semantics: "not mine" goes on to the
 * next module, a temporary failure stops the search (courier-formats §2.1). */
#include "config.h"
#include "auth-chain.h"
#include "authname.h"
#include "pwscheme.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

#define MAX_BACKENDS 8

struct auth_chain {
	struct auth_backend *b[MAX_BACKENDS];
	size_t n;
	char *warning;
};

static const struct auth_backend_ops *const all_backends[] = {
	&backend_userdb_ops, &backend_shadow_ops, &backend_pwd_ops, NULL,
};

const struct auth_backend_ops *backend_find(const char *name)
{
	for (size_t i = 0; all_backends[i] != NULL; i++)
		if (strcmp(all_backends[i]->name, name) == 0)
			return all_backends[i];
	return NULL;
}

struct auth_chain *auth_chain_new(const char *modulelist, const struct conffile *conf,
				  const char **warning_r, const char **error_r)
{
	struct auth_chain *c = xcalloc(1, sizeof(*c));
	char *list = xstrdup(modulelist), *save = NULL;

	*warning_r = NULL;
	for (char *name = strtok_r(list, " \t,", &save); name != NULL;
	     name = strtok_r(NULL, " \t,", &save)) {
		const struct auth_backend_ops *ops = backend_find(name);
		const char *error = NULL;
		struct auth_backend *b;
		if (ops == NULL || c->n == MAX_BACKENDS) {
			*error_r = ops == NULL ? "unknown module in authmodulelist"
					       : "too many modules in authmodulelist";
			free(list);
			auth_chain_free(c);
			return NULL;
		}
		if ((b = ops->init(conf, &error)) == NULL) {
			free(c->warning);
			c->warning = xasprintf("%s: %s", name, error);
			*warning_r = c->warning;
			continue;
		}
		c->b[c->n++] = b;
	}
	free(list);
	return c;
}

void auth_chain_free(struct auth_chain *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++)
		c->b[i]->ops->deinit(c->b[i]);
	free(c->warning);
	free(c);
}

/* Services become field names ("imappw"): keep them to letters, digits, '-' and '_'. */
static int service_valid(const char *s)
{
	return *s != '\0' && strlen(s) < 64 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") ==
		       strlen(s);
}

enum auth_result auth_chain_lookup(struct auth_chain *c, const char *service, const char *user,
				   struct account **acct_r, const char **error_r)
{
	char *name;

	if (!service_valid(service)) {
		*error_r = "invalid service name";
		return AUTH_NOUSER;
	}
	if ((name = authname_canonical(user, error_r)) == NULL)
		return AUTH_NOUSER;
	for (size_t i = 0; i < c->n; i++) {
		enum auth_result r = c->b[i]->ops->lookup(c->b[i], service, name, acct_r, error_r);
		if (r != AUTH_NOUSER) {
			free(name);
			return r;
		}
	}
	free(name);
	*error_r = "unknown user";
	return AUTH_NOUSER;
}

enum auth_result auth_chain_login(struct auth_chain *c, const char *service, const char *user,
				  const char *password, struct account **acct_r,
				  const char **error_r)
{
	struct account *a = NULL;
	enum auth_result r = auth_chain_lookup(c, service, user, &a, error_r);
	const char *verr = NULL;

	if (r == AUTH_TEMPFAIL)
		return r;
	if (r != AUTH_OK) {
		/* Spend the time a real check would, so the reply time does not reveal that
		 * the user does not exist. */
		(void)pwscheme_verify("$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1", password, &verr);
		return AUTH_BADPASS;
	}
	if (a->passwd == NULL || *password == '\0' ||
	    pwscheme_verify(a->passwd, password, &verr) != 1) {
		*error_r = verr != NULL ? verr : "wrong password";
		account_free(a);
		return AUTH_BADPASS;
	}
	a->clearpasswd = xstrdup(password);
	*acct_r = a;
	return AUTH_OK;
}

enum auth_result auth_chain_passwd(struct auth_chain *c, const char *service, const char *user,
				   const char *oldpw, const char *newpw, const char **error_r)
{
	const char *verr = NULL;
	char *name;

	if (!service_valid(service)) {
		*error_r = "invalid service name";
		return AUTH_BADPASS;
	}
	if (*newpw == '\0') {
		*error_r = "empty new password";
		return AUTH_BADPASS;
	}
	if ((name = authname_canonical(user, error_r)) == NULL)
		return AUTH_BADPASS;
	for (size_t i = 0; i < c->n; i++) {
		struct auth_backend *b = c->b[i];
		enum auth_result r;
		if (b->ops->passwd != NULL) {
			r = b->ops->passwd(b, service, name, oldpw, newpw, error_r);
		} else {
			struct account *a = NULL;
			r = b->ops->lookup(b, service, name, &a, error_r);
			account_free(a);
			if (r == AUTH_OK) {
				r = AUTH_BADPASS;
				*error_r = "password change refused: system account";
			}
		}
		if (r != AUTH_NOUSER) {
			free(name);
			return r;
		}
	}
	free(name);
	/* As for a login: spend the time a real check would. */
	(void)pwscheme_verify("$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1", oldpw, &verr);
	*error_r = "unknown user";
	return AUTH_BADPASS;
}

static int get_one(struct auth_chain *c, const char *user, const char *field, char **secret_r,
		   const char **error_r)
{
	for (size_t i = 0; i < c->n; i++) {
		struct auth_backend *b = c->b[i];
		int r = b->ops->get_secret != NULL
				? b->ops->get_secret(b, user, field, secret_r, error_r)
				: 0;
		if (r != 0)
			return r;
	}
	return 0;
}

int auth_chain_get_secret(struct auth_chain *c, const char *service, const char *user,
			  const char *field, char **secret_r, const char **error_r)
{
	char *name;
	int r = 0;

	if (!service_valid(service)) {
		*error_r = "invalid service name";
		return 0;
	}
	if ((name = authname_canonical(user, error_r)) == NULL)
		return 0;
	if (strncmp(field, "hmac-", 5) == 0) {
		char *svc = xasprintf("%s-%s", service, field);
		r = get_one(c, name, svc, secret_r, error_r);
		free(svc);
	}
	if (r == 0)
		r = get_one(c, name, field, secret_r, error_r);
	free(name);
	return r;
}

void auth_chain_enumerate(struct auth_chain *c, void (*module)(const char *name, void *ctx),
			  void (*fn)(const struct account *a, void *ctx), void *ctx)
{
	for (size_t i = 0; i < c->n; i++) {
		struct auth_backend *b = c->b[i];
		const char *error;
		if (b->ops->enumerate == NULL)
			continue;
		module(b->ops->name, ctx);
		(void)b->ops->enumerate(b, fn, ctx, &error);
	}
}

static int creds_verify_plain(void *ctx, const char *user, const char *password,
			      const char **error_r)
{
	struct auth_chain_creds *cc = ctx;
	struct account *a = NULL;
	enum auth_result r = auth_chain_login(cc->chain, cc->service, user, password, &a, error_r);

	account_free(a);
	return r == AUTH_OK ? 1 : r == AUTH_TEMPFAIL ? -1 : 0;
}

static int creds_get_secret(void *ctx, const char *user, const char *field, char **secret_r,
			    const char **error_r)
{
	struct auth_chain_creds *cc = ctx;

	return auth_chain_get_secret(cc->chain, cc->service, user, field, secret_r, error_r);
}

const struct sasl_creds *auth_chain_creds_init(struct auth_chain_creds *storage,
					       struct auth_chain *c, const char *service)
{
	storage->creds.ctx = storage;
	storage->creds.verify_plain = creds_verify_plain;
	storage->creds.get_secret = creds_get_secret;
	storage->chain = c;
	storage->service = service;
	return &storage->creds;
}
