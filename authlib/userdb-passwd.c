/* PASSWD for userdb accounts: find the fields the old password unlocks, rewrite them in the users
 * source and rebuild the databases with the makeuserdb code (no fork of the tools). */
#include "config.h"
#include "userdb-passwd.h"

#include "buf.h"
#include "hmackey.h"
#include "pwscheme.h"
#include "scram-keys.h"
#include "userdb-db.h"
#include "userdb-make.h"
#include "userdb-text.h"
#include "xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *field2(const struct userdb_fields *shadow, const struct userdb_fields *main,
			  const char *name)
{
	const char *v = shadow != NULL ? userdb_fields_get(shadow, name) : NULL;

	return v != NULL ? v : main != NULL ? userdb_fields_get(main, name) : NULL;
}

struct items {
	char **v;
	size_t n;
};

static void items_add(struct items *it, const char *field, const char *value)
{
	it->v = xreallocarray(it->v, it->n + 1, sizeof(*it->v));
	it->v[it->n++] = xasprintf("%s=%s", field, value);
}

/* 1 if the stored hex key state is the one made from pw (hex case does not matter). */
static int hmac_matches(enum hmackey_hash h, const char *stored, const char *pw)
{
	char *mine = hmackey_make(h, pw, strlen(pw));
	size_t len = strlen(mine);
	int same = strlen(stored) == len;

	for (size_t i = 0; same && i < len; i++)
		same = tolower((unsigned char)stored[i]) == mine[i];
	secure_zero(mine, len);
	free(mine);
	return same;
}

static int scram_matches(enum hmackey_hash h, const char *stored, const char *pw)
{
	struct scram_keys k, mine;
	const char *error;
	int same;

	if (scram_keys_parse(&k, h, stored, &error) < 0)
		return 0;
	scram_keys_derive(&mine, h, pw, k.salt, k.salt_len, k.iter);
	same = secure_memeq(mine.stored_key, k.stored_key, hmackey_digest_len(h));
	secure_zero(&mine, sizeof(mine));
	secure_zero(&k, sizeof(k));
	return same;
}

/* Add field=<scheme hash of newpw>; -1 if no hash could be made. */
static int items_add_generated(struct items *it, const char *field, const char *scheme,
			       const char *newpw, const char **error_r)
{
	char *v = pwscheme_generate(scheme, newpw, error_r);

	if (v == NULL)
		return -1;
	items_add(it, field, v);
	secure_zero(v, strlen(v));
	free(v);
	return 0;
}

int userdb_passwd_updates(const struct userdb_fields *shadow, const struct userdb_fields *main,
			  const char *service, const char *oldpw, const char *newpw,
			  char ***items_r, const char **error_r)
{
	static const enum hmackey_hash hashes[] = { HMACKEY_MD5, HMACKEY_SHA1, HMACKEY_SHA256 };
	struct items it = { NULL, 0 };
	char *svcpw = xasprintf("%spw", service);
	const char *field = field2(shadow, main, svcpw) != NULL ? svcpw : "systempw";
	const char *v = field2(shadow, main, field), *verr;
	int ret = -1;

	if (v != NULL && pwscheme_verify(v, oldpw, &verr) == 1 &&
	    items_add_generated(&it, field, USERDB_PASSWD_SCHEME, newpw, error_r) < 0)
		goto out;
	for (size_t i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++) {
		const char *hn = hmackey_hash_name(hashes[i]);
		char *names[2] = { xasprintf("%s-hmac-%spw", service, hn),
				   xasprintf("hmac-%spw", hn) };
		for (size_t j = 0; j < 2; j++) {
			v = field2(shadow, main, names[j]);
			if (v != NULL && hmac_matches(hashes[i], v, oldpw)) {
				char *nv = hmackey_make(hashes[i], newpw, strlen(newpw));
				items_add(&it, names[j], nv);
				secure_zero(nv, strlen(nv));
				free(nv);
			}
			free(names[j]);
		}
	}
	static const struct {
		const char *field, *scheme;
		enum hmackey_hash h;
	} scram[] = { { "scram-sha1pw", "scram-sha1", HMACKEY_SHA1 },
		      { "scram-sha256pw", "scram-sha256", HMACKEY_SHA256 } };
	for (size_t i = 0; i < sizeof(scram) / sizeof(scram[0]); i++) {
		v = field2(shadow, main, scram[i].field);
		if (v != NULL && scram_matches(scram[i].h, v, oldpw) &&
		    items_add_generated(&it, scram[i].field, scram[i].scheme, newpw, error_r) < 0)
			goto out;
	}
	v = field2(shadow, main, "apoppw");
	if (v != NULL && strlen(v) == strlen(oldpw) && *v != '\0' &&
	    secure_memeq(v, oldpw, strlen(v)))
		items_add(&it, "apoppw", newpw);
	ret = (int)it.n;
out:
	free(svcpw);
	if (ret <= 0) {
		userdb_passwd_items_free(it.v, it.n);
		it.v = NULL;
	}
	*items_r = it.v;
	return ret;
}

void userdb_passwd_items_free(char **items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		secure_zero(items[i], strlen(items[i]));
		free(items[i]);
	}
	free(items);
}

/* "" or "dir/.../file/" made of plain names: no empty, "." or ".." component. */
static int location_valid(const char *loc)
{
	size_t len = strlen(loc);

	if (len == 0)
		return 1;
	if (loc[len - 1] != '/' || loc[0] == '/')
		return 0;
	for (const char *p = loc; *p != '\0';) {
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		p += n + 1;
	}
	return 1;
}

static int name_valid(const char *name)
{
	if (*name == '\0' || strchr(name, '/') != NULL)
		return 0;
	for (const char *p = name; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

int userdb_passwd_apply(const char *source, const char *location, const char *name,
			char *const *items, size_t n_items, const char **error_r)
{
	static char msg[256];
	struct stat st;
	struct userdb_text *t = NULL;
	struct buf err = BUF_INIT;
	char *path;
	int lock_fd, ret = -1;

	if (!name_valid(name) || !location_valid(location)) {
		*error_r = "invalid account name or source location";
		return -1;
	}
	if (stat(source, &st) < 0 || (S_ISDIR(st.st_mode) != (*location != '\0'))) {
		*error_r = "userdb source does not match the database";
		return -1;
	}
	path = *location == '\0' ? xstrdup(source)
				 : xasprintf("%s/%.*s", source, (int)strlen(location) - 1, location);
	if ((lock_fd = userdb_text_lock(path, error_r)) < 0)
		goto out;
	if ((t = userdb_text_load(path, error_r)) == NULL)
		goto unlock;
	if (userdb_text_find(t, name) < 0) {
		*error_r = "the account is not in its userdb source file (run makeuserdb)";
		goto unlock;
	}
	if (userdb_text_set(t, name, (const char *const *)items, n_items, error_r) < 0 ||
	    userdb_text_save(t, path, error_r) < 0)
		goto unlock;
	/* The source is changed: rebuild even if that fails, and say so. */
	if (userdb_make_build(source, &err) < 0) {
		snprintf(msg, sizeof(msg), "makeuserdb: %.*s", (int)strcspn(buf_cstr(&err), "\n"),
			 buf_cstr(&err));
		*error_r = msg;
		goto unlock;
	}
	ret = 0;
unlock:
	close(lock_fd);
out:
	userdb_text_free(t);
	buf_free(&err);
	free(path);
	return ret;
}
