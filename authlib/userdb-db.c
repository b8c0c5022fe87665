/* Read side of Courier's userdb.dat / userdbshadow.dat (GDBM), reopened when makeuserdb replaces
 * them (reference courier-formats §1.3-1.4). */
#include "config.h"
#include "userdb-db.h"

#include "xalloc.h"

#include <errno.h>
#include <gdbm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A key longer than this is no account name; refusing it early keeps lookups bounded. */
#define USERDB_KEY_MAX 1024

struct userdb_file {
	char *path;
	GDBM_FILE dbf;
	dev_t dev;
	ino_t ino;
	struct timespec mtime;
	int stat_ok; /* dev/ino/mtime describe the file dbf was opened from */
};

struct userdb_db {
	struct userdb_file main;
	struct userdb_file shadow;
};

static void userdb_file_close(struct userdb_file *f)
{
	if (f->dbf != NULL)
		gdbm_close(f->dbf);
	f->dbf = NULL;
	f->stat_ok = 0;
}

/* Open (or reopen) f from its path; stats before opening so a replacement racing with us is
 * seen as a change on the next call rather than missed. Returns 0, or -1 with *error_r. */
static int userdb_file_open(struct userdb_file *f, const char **error_r)
{
	struct stat st;

	userdb_file_close(f);
	if (stat(f->path, &st) < 0) {
		*error_r = strerror(errno);
		return -1;
	}
	/* No lock: makeuserdb never writes a file in place, it renames a finished one over it. */
	f->dbf = gdbm_open(f->path, 0, GDBM_READER | GDBM_NOLOCK, 0, NULL);
	if (f->dbf == NULL) {
		*error_r = gdbm_errno == GDBM_FILE_OPEN_ERROR ? strerror(errno)
							       : gdbm_strerror(gdbm_errno);
		return -1;
	}
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->mtime = st.st_mtim;
	f->stat_ok = 1;
	return 0;
}

/* 1 if the file at f->path is not the one we have open (or we have none). */
static int userdb_file_changed(const struct userdb_file *f)
{
	struct stat st;

	if (f->dbf == NULL || !f->stat_ok)
		return 1;
	if (stat(f->path, &st) < 0)
		return 1;
	return st.st_dev != f->dev || st.st_ino != f->ino ||
	       st.st_mtim.tv_sec != f->mtime.tv_sec || st.st_mtim.tv_nsec != f->mtime.tv_nsec;
}

static char *derive_shadow_path(const char *dat_path)
{
	size_t len = strlen(dat_path);
	if (len >= 4 && strcmp(dat_path + len - 4, ".dat") == 0)
		return xasprintf("%.*sshadow.dat", (int)(len - 4), dat_path);
	return xasprintf("%sshadow", dat_path);
}

struct userdb_db *userdb_db_open(const char *dat_path, const char *shadow_path,
				 const char **error_r)
{
	struct userdb_db *db = xcalloc(1, sizeof(*db));
	const char *shadow_error;

	db->main.path = xstrdup(dat_path);
	db->shadow.path = shadow_path != NULL ? xstrdup(shadow_path) : derive_shadow_path(dat_path);
	if (userdb_file_open(&db->main, error_r) < 0) {
		userdb_db_close(db);
		return NULL;
	}
	/* The shadow file is optional (0600: unreadable to non-root tools). */
	(void)userdb_file_open(&db->shadow, &shadow_error);
	return db;
}

void userdb_db_close(struct userdb_db *db)
{
	if (db == NULL)
		return;
	userdb_file_close(&db->main);
	userdb_file_close(&db->shadow);
	free(db->main.path);
	free(db->shadow.path);
	free(db);
}

/* Reopen whichever file makeuserdb replaced. The main file must stay openable. */
static int userdb_db_refresh(struct userdb_db *db, const char **error_r)
{
	const char *shadow_error;

	if (userdb_file_changed(&db->main) && userdb_file_open(&db->main, error_r) < 0)
		return -1;
	if (userdb_file_changed(&db->shadow))
		(void)userdb_file_open(&db->shadow, &shadow_error);
	return 0;
}

/* 1 = found (*fields_r), 0 = absent, -1 = error. */
static int userdb_file_fetch(struct userdb_file *f, const char *key,
			     struct userdb_fields **fields_r, const char **error_r)
{
	datum k = { (char *)key, (int)strlen(key) };
	datum v;

	gdbm_errno = GDBM_NO_ERROR;
	v = gdbm_fetch(f->dbf, k);
	if (v.dptr == NULL) {
		if (gdbm_errno == GDBM_ITEM_NOT_FOUND || gdbm_errno == GDBM_NO_ERROR)
			return 0;
		*error_r = gdbm_strerror(gdbm_errno);
		return -1;
	}
	*fields_r = userdb_fields_parse(v.dptr, (size_t)v.dsize, error_r);
	secure_zero(v.dptr, (size_t)v.dsize);
	free(v.dptr);
	return *fields_r == NULL ? -1 : 1;
}

int userdb_db_fetch(struct userdb_db *db, const char *key, struct userdb_fields **main_r,
		    struct userdb_fields **shadow_r, const char **error_r)
{
	int ret;

	*main_r = NULL;
	*shadow_r = NULL;
	if (strlen(key) > USERDB_KEY_MAX)
		return 0;
	if (userdb_db_refresh(db, error_r) < 0)
		return -1;
	ret = userdb_file_fetch(&db->main, key, main_r, error_r);
	if (ret <= 0)
		return ret;
	if (db->shadow.dbf != NULL &&
	    userdb_file_fetch(&db->shadow, key, shadow_r, error_r) < 0) {
		userdb_fields_free(*main_r);
		*main_r = NULL;
		return -1;
	}
	return 1;
}

int userdb_db_enumerate(struct userdb_db *db,
			void (*fn)(const char *key, const struct userdb_fields *main, void *ctx),
			void *ctx, const char **error_r)
{
	if (userdb_db_refresh(db, error_r) < 0)
		return -1;

	gdbm_errno = GDBM_NO_ERROR;
	datum k = gdbm_firstkey(db->main.dbf);
	while (k.dptr != NULL) {
		size_t klen = (size_t)k.dsize;
		/* "<uid>=" records map a uid back to an account; they are not accounts. */
		int skip = klen == 0 || k.dptr[klen - 1] == '=' ||
			   memchr(k.dptr, '\0', klen) != NULL;
		if (!skip) {
			datum v = gdbm_fetch(db->main.dbf, k);
			if (v.dptr != NULL) {
				const char *perr;
				struct userdb_fields *f =
					userdb_fields_parse(v.dptr, (size_t)v.dsize, &perr);
				free(v.dptr);
				/* One malformed record must not hide all the others. */
				if (f != NULL) {
					char *key = xstrndup(k.dptr, klen);
					fn(key, f, ctx);
					free(key);
					userdb_fields_free(f);
				}
			}
		}
		gdbm_errno = GDBM_NO_ERROR;
		datum next = gdbm_nextkey(db->main.dbf, k);
		free(k.dptr);
		k = next;
	}
	if (gdbm_errno != GDBM_ITEM_NOT_FOUND && gdbm_errno != GDBM_NO_ERROR) {
		*error_r = gdbm_strerror(gdbm_errno);
		return -1;
	}
	return 0;
}
