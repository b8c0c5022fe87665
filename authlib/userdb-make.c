/* makeuserdb: users source → userdb.dat (0644) + userdbshadow.dat (0600), as Courier's
 * makeuserdb script and makedatprog produce them (reference courier-formats §1.3). */
#include "config.h"
#include "userdb-make.h"

#include "buf.h"
#include "userdb-text.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gdbm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Deeper than any sane users/ tree; stops a loop of bind mounts from recursing forever. */
#define USERDB_MAKE_MAX_DEPTH 16

/* makeuserdb's /^[^=]*pw=/: the field's name (text before the first '=') ends in "pw". */
static int field_is_shadow(const char *p, size_t n)
{
	const char *eq = memchr(p, '=', n);
	return eq != NULL && eq - p >= 2 && eq[-2] == 'p' && eq[-1] == 'w';
}

static void join_field(struct buf *b, const char *p, size_t n)
{
	if (b->len > 0)
		buf_putc(b, '|');
	buf_append(b, p, n);
}

int userdb_make_split(const char *line, size_t len, const char *location, const char **key_r,
		      size_t *key_len_r, struct buf *main, struct buf *shadow)
{
	const char *tab = memchr(line, '\t', len);
	if (len == 0 || line[0] == '#' || tab == NULL)
		return 0;

	*key_r = line;
	*key_len_r = (size_t)(tab - line);
	buf_reset(main);
	buf_reset(shadow);

	/* Perl's split(/\|/) keeps inner empty fields but drops the trailing ones. */
	const char *p = tab + 1, *end = line + len;
	size_t n_fields = 0, kept = 0;
	const char *f = p;
	while (f <= end) {
		const char *bar = memchr(f, '|', (size_t)(end - f));
		const char *fe = bar != NULL ? bar : end;
		n_fields++;
		if (fe > f)
			kept = n_fields;
		f = fe + 1;
	}
	f = p;
	size_t n_main = 0;
	for (size_t i = 0; i < kept; i++) {
		const char *bar = memchr(f, '|', (size_t)(end - f));
		const char *fe = bar != NULL ? bar : end;
		size_t n = (size_t)(fe - f);
		if (field_is_shadow(f, n)) {
			join_field(shadow, f, n);
		} else {
			if (n_main++ > 0)
				buf_putc(main, '|');
			buf_append(main, f, n);
		}
		f = fe + 1;
	}
	if (n_main > 0)
		buf_putc(main, '|');
	buf_printf(main, "_=%s", location);
	return 1;
}

int userdb_make_dat_record(const char *line, size_t len, const char **key_r, size_t *key_len_r,
			   const char **value_r, size_t *value_len_r)
{
	if (len == 0 || line[0] == '#')
		return 0;
	const char *tab = memchr(line, '\t', len);
	*key_r = line;
	*key_len_r = tab != NULL ? (size_t)(tab - line) : len;
	if (*key_len_r == 0)
		return 0;
	*value_r = tab != NULL ? tab + 1 : "";
	*value_len_r = tab != NULL ? len - *key_len_r - 1 : 0;
	if (*value_len_r == 0) {
		*value_r = "1";
		*value_len_r = 1;
	}
	return 1;
}

/* One output database being built: a GDBM file at tmp, renamed to final at the end. */
struct make_out {
	char *tmp;
	char *final;
	GDBM_FILE dbf;
};

struct make_ctx {
	struct make_out main;
	struct make_out shadow;
	struct buf *error;
	const char *root;
	int failed;
};

static int make_out_open(struct make_out *o, mode_t mode, struct buf *error)
{
	(void)unlink(o->tmp);
	o->dbf = gdbm_open(o->tmp, 0, GDBM_NEWDB, mode, NULL);
	if (o->dbf == NULL) {
		buf_printf(error, "Cannot create %s\n", o->tmp);
		return -1;
	}
	/* Exact modes whatever the umask: the shadow file holds password hashes. */
	if (fchmod(gdbm_fdesc(o->dbf), mode) < 0) {
		buf_printf(error, "%s: %s\n", o->tmp, strerror(errno));
		return -1;
	}
	return 0;
}

static void make_store(struct make_ctx *ctx, struct make_out *o, const char *line, size_t len)
{
	const char *key, *value;
	size_t key_len, value_len;

	if (ctx->failed || !userdb_make_dat_record(line, len, &key, &key_len, &value, &value_len))
		return;
	datum k = { (char *)key, (int)key_len };
	datum v = { (char *)value, (int)value_len };
	if (gdbm_store(o->dbf, k, v, GDBM_INSERT) != 0) {
		/* makedatprog's line, then the empty line of makeuserdb's die "$!\n". */
		buf_printf(ctx->error,
			   "Cannot store record for %.*s - duplicate or out of disk space.\n\n",
			   (int)key_len, key);
		ctx->failed = 1;
	}
}

/* Feed one source file's lines to both databases, as makeuserdb's do_file() does. */
static void make_file(struct make_ctx *ctx, const char *path, const char *location)
{
	const char *err;
	struct userdb_text *t = userdb_text_load(path, &err);
	if (t == NULL) {
		buf_printf(ctx->error, "%s: %s\n", path, err);
		ctx->failed = 1;
		return;
	}
	struct buf main = BUF_INIT, shadow = BUF_INIT, rec = BUF_INIT;
	for (size_t i = 0; i < userdb_text_line_count(t) && !ctx->failed; i++) {
		const char *line = userdb_text_line(t, i), *key;
		size_t len = strlen(line), key_len;
		if (!userdb_make_split(line, len, location, &key, &key_len, &main, &shadow)) {
			/* Passed to both, as makeuserdb prints the line to both pipes. */
			make_store(ctx, &ctx->main, line, len);
			make_store(ctx, &ctx->shadow, line, len);
			continue;
		}
		buf_reset(&rec);
		buf_printf(&rec, "%.*s\t%s", (int)key_len, key, buf_cstr(&main));
		make_store(ctx, &ctx->main, rec.data, rec.len);
		if (shadow.len > 0) {
			buf_reset(&rec);
			buf_printf(&rec, "%.*s\t%s", (int)key_len, key, buf_cstr(&shadow));
			make_store(ctx, &ctx->shadow, rec.data, rec.len);
		}
	}
	buf_free_secure(&main);
	buf_free_secure(&shadow);
	buf_free_secure(&rec);
	userdb_text_free(t);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walk a users/ directory (sorted, dot names skipped), location = path below the root + "/". */
static void make_dir(struct make_ctx *ctx, const char *dir, int depth)
{
	if (depth > USERDB_MAKE_MAX_DEPTH) {
		buf_printf(ctx->error, "%s: too deeply nested\n", dir);
		ctx->failed = 1;
		return;
	}
	DIR *d = opendir(dir);
	if (d == NULL) {
		buf_printf(ctx->error, "%s\n", strerror(errno));
		ctx->failed = 1;
		return;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);

	for (size_t i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		struct stat st;
		if (!ctx->failed && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			make_dir(ctx, path, depth + 1);
		} else if (!ctx->failed) {
			char *location = xasprintf("%s/", path + strlen(ctx->root) + 1);
			make_file(ctx, path, location);
			free(location);
		}
		free(path);
		free(names[i]);
	}
	free(names);
}

static int check_not_symlink(const char *path, struct buf *error)
{
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		buf_printf(error,
			   "ERROR: Wrong makeuserdb command.\n       (%s is a symbolic link)\n",
			   path);
		return -1;
	}
	return 0;
}

static int make_out_finish(struct make_out *o, struct buf *error)
{
	int ret = 0;
	if (gdbm_sync(o->dbf) != 0) {
		buf_printf(error, "%s: %s\n", o->tmp, gdbm_strerror(gdbm_errno));
		ret = -1;
	}
	gdbm_close(o->dbf);
	o->dbf = NULL;
	return ret;
}

int userdb_make_build(const char *source, struct buf *error)
{
	struct make_ctx ctx = { .error = error, .root = source };
	struct stat st;
	int lock_fd = -1, ret = -1, created = 0;

	if (stat(source, &st) < 0) {
		buf_printf(error, "%s: not found.\n", source);
		return -1;
	}
	if ((st.st_mode & 077) != 0) {
		buf_printf(error, "%s: MAY NOT HAVE GROUP OR WORLD PERMISSIONS!!\n", source);
		return -1;
	}
	ctx.main.final = xasprintf("%s.dat", source);
	ctx.main.tmp = xasprintf("%s.tmp", source);
	ctx.shadow.final = xasprintf("%sshadow.dat", source);
	ctx.shadow.tmp = xasprintf("%sshadow.tmp", source);
	char *lock_path = xasprintf("%s.lock", source);

	if (check_not_symlink(source, error) < 0 || check_not_symlink(ctx.main.final, error) < 0 ||
	    check_not_symlink(ctx.shadow.final, error) < 0)
		goto out;
	lock_fd = open(lock_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (lock_fd < 0) {
		buf_printf(error, "Can't open %s: %s\n", lock_path, strerror(errno));
		goto out;
	}
	while (flock(lock_fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			buf_printf(error, "Can't lock %s: %s\n", lock_path, strerror(errno));
			goto out;
		}
	}
	created = 1;
	if (make_out_open(&ctx.main, 0644, error) < 0 ||
	    make_out_open(&ctx.shadow, 0600, error) < 0)
		goto out;

	if (S_ISDIR(st.st_mode))
		make_dir(&ctx, source, 0);
	else
		make_file(&ctx, source, "");
	if (make_out_finish(&ctx.main, error) < 0 || make_out_finish(&ctx.shadow, error) < 0)
		ctx.failed = 1;
	if (ctx.failed)
		goto out;
	/* Shadow first: a reader that notices the new userdb.dat then finds the new shadow too. */
	if (rename(ctx.shadow.tmp, ctx.shadow.final) < 0 ||
	    rename(ctx.main.tmp, ctx.main.final) < 0) {
		buf_printf(error, "rename: %s\n", strerror(errno));
		goto out;
	}
	ret = 0;
out:
	if (ctx.main.dbf != NULL)
		gdbm_close(ctx.main.dbf);
	if (ctx.shadow.dbf != NULL)
		gdbm_close(ctx.shadow.dbf);
	if (ret < 0 && created) {
		(void)unlink(ctx.main.tmp);
		(void)unlink(ctx.shadow.tmp);
	}
	if (lock_fd >= 0)
		close(lock_fd);
	free(lock_path);
	free(ctx.main.final);
	free(ctx.main.tmp);
	free(ctx.shadow.final);
	free(ctx.shadow.tmp);
	return ret;
}
