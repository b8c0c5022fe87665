/* hato-makeaccess: compile a tcpd access file (text, or a directory of text files) into the
 * GDBM file hato-tcpd -access= reads, as Courier's makeimapaccess / makedat -cidr do:
 * "key<TAB>value" lines, '#' comments, CIDR and ranges expanded, written to a temporary file
 * and renamed into place so a running tcpd never sees half a file. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <gdbm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tcpd-cidr.h"
#include "xalloc.h"

#define LINE_MAX_LEN 8192

struct build {
	GDBM_FILE dbf;
	const char *value;
	const char *where;
	int failed;
};

static void store(const char *key, void *ctx)
{
	struct build *b = ctx;
	datum k = { (char *)key, (int)strlen(key) };
	datum v = { (char *)b->value, (int)strlen(b->value) };

	if (gdbm_store(b->dbf, k, v, GDBM_INSERT) != 0) {
		fprintf(stderr, "%s: Cannot store record for %s - duplicate or out of disk space.\n",
			b->where, key);
		b->failed = 1;
	}
}

static int add_line(struct build *b, char *line)
{
	char *tab;
	size_t len = strlen(line);
	const char *error;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	if (line[0] == '\0' || line[0] == '#')
		return 0;
	tab = strchr(line, '\t');
	if (tab != NULL)
		*tab++ = '\0';
	b->value = tab != NULL && *tab != '\0' ? tab : "1";
	if (line[0] == '\0')
		return 0;
	if (tcpd_cidr_is_network(line)) {
		if (tcpd_cidr_expand(line, store, b, &error) < 0) {
			fprintf(stderr, "%s: %s: %s\n", b->where, line, error);
			return -1;
		}
	} else {
		store(line, b);
	}
	return b->failed ? -1 : 0;
}

static int add_file(struct build *b, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[LINE_MAX_LEN];
	char where[4096];
	unsigned long n = 0;
	int ret = 0;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	while (ret == 0 && fgets(line, sizeof(line), f) != NULL) {
		n++;
		snprintf(where, sizeof(where), "%s:%lu", path, n);
		b->where = where;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			fprintf(stderr, "%s: line too long\n", where);
			ret = -1;
			break;
		}
		ret = add_line(b, line);
	}
	fclose(f);
	return ret;
}

static int skip_name(const char *name)
{
	size_t len = strlen(name);

	return name[0] == '.' || (len > 0 && name[len - 1] == '~') ||
	       (len > 5 && strcmp(name + len - 5, ".dist") == 0);
}

static int add_dir(struct build *b, const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), ret = 0;

	if (n < 0) {
		perror(dir);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (ret == 0 && !skip_name(names[i]->d_name)) {
			char *path = xasprintf("%s/%s", dir, names[i]->d_name);
			struct stat st;

			if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
				ret = add_file(b, path);
			free(path);
		}
		free(names[i]);
	}
	free(names);
	return ret;
}

int main(int argc, char **argv)
{
	struct build b = { NULL, NULL, NULL, 0 };
	struct stat st;
	char *tmp;
	int ret;

	if (argc != 3) {
		fprintf(stderr, "Usage: %s source(file or directory) file.dat\n", argv[0]);
		return 1;
	}
	tmp = xasprintf("%s.tmp", argv[2]);
	(void)unlink(tmp);
	b.dbf = gdbm_open(tmp, 0, GDBM_NEWDB, 0644, NULL);
	if (b.dbf == NULL) {
		fprintf(stderr, "Cannot create %s: %s\n", tmp, gdbm_strerror(gdbm_errno));
		return 1;
	}
	if (stat(argv[1], &st) == 0 && S_ISDIR(st.st_mode))
		ret = add_dir(&b, argv[1]);
	else
		ret = add_file(&b, argv[1]);
	if (ret == 0 && gdbm_sync(b.dbf) != 0)
		ret = -1;
	gdbm_close(b.dbf);
	if (ret == 0 && rename(tmp, argv[2]) < 0) {
		perror("rename");
		ret = -1;
	}
	if (ret != 0)
		(void)unlink(tmp);
	free(tmp);
	return ret == 0 ? 0 : 1;
}
