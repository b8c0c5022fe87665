/* The userdb backend (Courier's authuserdb, courier-formats §1.4): userdb.dat for the account,
 * userdbshadow.dat for "<service>pw" then "systempw", and for challenge-response secrets. */
#include "config.h"
#include "backend.h"
#include "conffile.h"
#include "userdb-db.h"
#include "userdb-passwd.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USERDB_DEFAULT HATO_CONFDIR "/userdb"

struct userdb_backend {
	struct auth_backend b;
	struct userdb_db *db;
	char *source; /* the users file or directory, for PASSWD */
};

static struct auth_backend *userdb_init(const struct conffile *conf, const char **error_r)
{
	const char *src = conf != NULL ? conffile_get_default(conf, "userdb", USERDB_DEFAULT)
				       : USERDB_DEFAULT;
	char *dat = xasprintf("%s.dat", src);
	struct userdb_backend *ub = xcalloc(1, sizeof(*ub));

	ub->b.ops = &backend_userdb_ops;
	ub->db = userdb_db_open(dat, NULL, error_r);
	free(dat);
	ub->source = xstrdup(src);
	if (ub->db == NULL) {
		free(ub->source);
		free(ub);
		return NULL;
	}
	return &ub->b;
}

static void userdb_deinit(struct auth_backend *b)
{
	struct userdb_backend *ub = (struct userdb_backend *)b;

	userdb_db_close(ub->db);
	free(ub->source);
	free(ub);
}

/* A field from the shadow record, else from the main one (a hand-built userdb.dat). */
static const char *field2(const struct userdb_fields *shadow, const struct userdb_fields *main,
			  const char *name)
{
	const char *v = shadow != NULL ? userdb_fields_get(shadow, name) : NULL;

	return v != NULL ? v : userdb_fields_get(main, name);
}

static int parse_id(const char *s, unsigned long *id_r)
{
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*id_r = strtoul(s, &end, 10);
	return *end == '\0' && errno == 0 && *id_r <= 0x7fffffffUL ? 0 : -1;
}

static char *dup_nonempty(const char *s)
{
	return s != NULL && *s != '\0' ? xstrdup(s) : NULL;
}

/* The account in a main record; NULL if uid, gid or home is missing (Courier rejects it). */
static struct account *account_from(const char *user, const struct userdb_fields *main)
{
	unsigned long uid, gid;
	const char *home = userdb_fields_get(main, "home");
	struct account *a;

	if (home == NULL || *home == '\0' || parse_id(userdb_fields_get(main, "uid"), &uid) < 0 ||
	    parse_id(userdb_fields_get(main, "gid"), &gid) < 0)
		return NULL;
	a = account_new();
	a->address = xstrdup(user);
	a->uid = (uid_t)uid;
	a->gid = (gid_t)gid;
	a->home = xstrdup(home);
	a->maildir = dup_nonempty(userdb_fields_get(main, "mail"));
	a->quota = dup_nonempty(userdb_fields_get(main, "quota"));
	a->fullname = dup_nonempty(userdb_fields_get(main, "gecos"));
	a->options = dup_nonempty(userdb_fields_get(main, "options"));
	return a;
}

static enum auth_result userdb_lookup(struct auth_backend *b, const char *service,
				      const char *user, struct account **acct_r,
				      const char **error_r)
{
	struct userdb_backend *ub = (struct userdb_backend *)b;
	struct userdb_fields *main = NULL, *shadow = NULL;
	enum auth_result res = AUTH_NOUSER;
	int r = userdb_db_fetch(ub->db, user, &main, &shadow, error_r);

	if (r < 0)
		return AUTH_TEMPFAIL;
	if (r == 0)
		return AUTH_NOUSER;
	struct account *a = account_from(user, main);
	if (a == NULL) {
		*error_r = "userdb record lacks uid, gid or home";
	} else {
		char *svcpw = xasprintf("%spw", service);
		const char *pw = field2(shadow, main, svcpw);
		if (pw == NULL)
			pw = field2(shadow, main, "systempw");
		a->passwd = pw != NULL ? xstrdup(pw) : NULL;
		free(svcpw);
		*acct_r = a;
		res = AUTH_OK;
	}
	userdb_fields_free(main);
	if (shadow != NULL)
		userdb_fields_free(shadow);
	return res;
}

static int userdb_get_secret(struct auth_backend *b, const char *user, const char *field,
			     char **secret_r, const char **error_r)
{
	struct userdb_backend *ub = (struct userdb_backend *)b;
	struct userdb_fields *main = NULL, *shadow = NULL;
	int r = userdb_db_fetch(ub->db, user, &main, &shadow, error_r);
	const char *v;

	if (r <= 0)
		return r;
	v = field2(shadow, main, field);
	r = v != NULL && *v != '\0';
	if (r)
		*secret_r = xstrdup(v);
	userdb_fields_free(main);
	if (shadow != NULL)
		userdb_fields_free(shadow);
	return r;
}

struct enum_ctx {
	void (*fn)(const struct account *a, void *ctx);
	void *ctx;
};

static void userdb_enum_one(const char *key, const struct userdb_fields *main, void *ctx)
{
	struct enum_ctx *ec = ctx;
	struct account *a = account_from(key, main);

	if (a != NULL) {
		ec->fn(a, ec->ctx);
		account_free(a);
	}
}

static int userdb_enumerate(struct auth_backend *b,
			    void (*fn)(const struct account *a, void *ctx), void *ctx,
			    const char **error_r)
{
	struct enum_ctx ec = { fn, ctx };

	return userdb_db_enumerate(((struct userdb_backend *)b)->db, userdb_enum_one, &ec,
				   error_r);
}

static enum auth_result userdb_passwd(struct auth_backend *b, const char *service,
				      const char *user, const char *oldpw, const char *newpw,
				      const char **error_r)
{
	struct userdb_backend *ub = (struct userdb_backend *)b;
	struct userdb_fields *main = NULL, *shadow = NULL;
	enum auth_result res = AUTH_TEMPFAIL;
	char **items = NULL;
	int n, r = userdb_db_fetch(ub->db, user, &main, &shadow, error_r);
	const char *loc;

	if (r <= 0)
		return r < 0 ? AUTH_TEMPFAIL : AUTH_NOUSER;
	n = userdb_passwd_updates(shadow, main, service, oldpw, newpw, &items, error_r);
	if (n == 0) {
		*error_r = "wrong old password";
		res = AUTH_BADPASS;
	} else if (n > 0) {
		loc = userdb_fields_get(main, "_");
		if (userdb_passwd_apply(ub->source, loc != NULL ? loc : "", user, items, (size_t)n,
					error_r) == 0)
			res = AUTH_OK;
		userdb_passwd_items_free(items, (size_t)n);
	}
	userdb_fields_free(main);
	if (shadow != NULL)
		userdb_fields_free(shadow);
	return res;
}

const struct auth_backend_ops backend_userdb_ops = {
	.name = "authuserdb",
	.init = userdb_init,
	.deinit = userdb_deinit,
	.lookup = userdb_lookup,
	.get_secret = userdb_get_secret,
	.enumerate = userdb_enumerate,
	.passwd = userdb_passwd,
};
