/* Helpers shared by the maildir Check suites: scratch Maildirs and small file utilities. */
#ifndef CHECK_MAILDIR_UTIL_H
#define CHECK_MAILDIR_UTIL_H
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Create a fresh Maildir (cur, new, tmp) under $TMPDIR; returns a malloc'd path. */
static inline char *tmd_make(void)
{
	const char *t = getenv("TMPDIR");
	char *path;

	if (asprintf(&path, "%s/hato-maildir-XXXXXX", t != NULL ? t : "/tmp") < 0)
		abort();
	ck_assert_ptr_nonnull(mkdtemp(path));
	static const char *const subs[] = {"cur", "new", "tmp"};
	for (size_t i = 0; i < 3; i++) {
		char *s;
		if (asprintf(&s, "%s/%s", path, subs[i]) < 0)
			abort();
		ck_assert_int_eq(mkdir(s, 0700), 0);
		free(s);
	}
	return path;
}

static inline void tmd_rm_rf(const char *path)
{
	char *cmd;

	if (asprintf(&cmd, "rm -rf '%s'", path) < 0)
		abort();
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

/* Write a file dir/rel with contents. */
static inline void tmd_put(const char *dir, const char *rel, const char *contents)
{
	char *p;
	FILE *f;

	if (asprintf(&p, "%s/%s", dir, rel) < 0)
		abort();
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(contents, f);
	ck_assert_int_eq(fclose(f), 0);
	free(p);
}

/* Read dir/rel into a malloc'd string; NULL when missing. */
static inline char *tmd_get(const char *dir, const char *rel)
{
	char *p, *data = NULL;
	size_t len = 0;
	FILE *f, *m;

	if (asprintf(&p, "%s/%s", dir, rel) < 0)
		abort();
	f = fopen(p, "r");
	free(p);
	if (f == NULL)
		return NULL;
	m = open_memstream(&data, &len);
	int c;
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(f);
	fclose(m);
	return data;
}

/* Number of directory entries in dir/rel other than . and .. */
static inline int tmd_count(const char *dir, const char *rel)
{
	char *p;
	DIR *d;
	struct dirent *e;
	int n = 0;

	if (asprintf(&p, "%s/%s", dir, rel) < 0)
		abort();
	d = opendir(p);
	free(p);
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}
#endif
