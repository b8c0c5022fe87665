/* userdb: edit the userdb source text, command-line compatible with Courier's userdb(8)
 * (reference courier-formats §1.8). */
#include "config.h"

#include "authlib/userdb-text.h"
#include "buf.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *progname;

static _Noreturn void usage(void)
{
	printf("Usage: %s [path/.../ | -f file ]name set field=value field=value...\n", progname);
	printf("       %s [path/.../ | -f file ]name unset field field...\n", progname);
	printf("       %s [path/.../ | -f file ]name del\n", progname);
	printf("       %s -show [path/... | -f file ] [name]\n", progname);
	exit(1);
}

static _Noreturn void die(const char *msg)
{
	fflush(stdout);
	fprintf(stderr, "%s\n", msg);
	exit(1);
}

/* "set" fields without "=value" take their value from standard input (prompted on a tty). */
static char *read_value(const char *name, const char *field, int isatty_in)
{
	char *line = NULL;
	size_t cap = 0;

	if (isatty_in) {
		printf("%s.%s: ", name, field);
		fflush(stdout);
	}
	ssize_t n = getline(&line, &cap, stdin);
	if (n < 0)
		exit(1);
	if (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	if (!userdb_text_valid_item(line))
		die("Invalid value.");
	char *item = xasprintf("%s=%s", field, line);
	secure_zero(line, cap);
	free(line);
	return item;
}

static void show(const struct userdb_text *t, const char *name)
{
	for (size_t i = 0; i < userdb_text_line_count(t); i++) {
		const char *line = userdb_text_line(t, i), *fields;
		size_t key_len;
		if (!userdb_text_split(line, &key_len, &fields))
			continue;
		if (name == NULL || name[0] == '\0') {
			printf("%.*s\n", (int)key_len, line);
		} else if (strlen(name) == key_len && memcmp(line, name, key_len) == 0) {
			for (; *fields != '\0'; fields++)
				putchar(*fields == '|' ? '\n' : *fields);
			putchar('\n');
			return;
		}
	}
}

/* The verbs: each edits t and says whether the file must be rewritten. */
static int verb_set(struct userdb_text *t, const char *name, char **args, int n)
{
	const char *err;
	int tty = isatty(STDIN_FILENO);
	for (int i = 0; i < n; i++) {
		if (strchr(args[i], '=') == NULL)
			args[i] = read_value(name, args[i], tty);
	}
	if (userdb_text_set(t, name, (const char *const *)args, (size_t)n, &err) < 0)
		die(err);
	return 1;
}

static int verb_unset(struct userdb_text *t, const char *name, char **args, int n)
{
	return n > 0 && userdb_text_unset(t, name, (const char *const *)args, (size_t)n) > 0;
}

static int verb_del(struct userdb_text *t, const char *name, char **args, int n)
{
	(void)args;
	if (n != 0)
		usage();
	return userdb_text_del(t, name);
}

static const struct {
	const char *name;
	int (*run)(struct userdb_text *t, const char *name, char **args, int n);
} verbs[] = {
	{ "set", verb_set },
	{ "unset", verb_unset },
	{ "del", verb_del },
};

int main(int argc, char **argv)
{
	char *path = xstrdup(HATO_CONFDIR "/userdb");
	const char *name = NULL, *err;
	int doshow = 0, i = 1;
	struct stat st;

	progname = argv[0];
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		fprintf(stderr, "ERROR: Wrong userdb command.\n       (%s is a symbolic link)\n",
			path);
		return 1;
	}
	if (i < argc && strcmp(argv[i], "-show") == 0) {
		doshow = 1;
		i++;
	}
	if (i < argc && strcmp(argv[i], "-f") == 0) {
		if (i + 1 >= argc)
			usage();
		free(path);
		path = xstrdup(argv[i + 1]);
		name = i + 2 < argc ? argv[i + 2] : NULL;
		i += 3;
	} else if (i < argc) {
		/* "users/john" means the record john in the file <userdb>/users. */
		const char *slash = strrchr(argv[i], '/');
		name = argv[i];
		if (slash != NULL) {
			char *p = xasprintf("%s/%.*s", path, (int)(slash - argv[i]), argv[i]);
			free(path);
			path = p;
			name = slash + 1;
		}
		i++;
	}

	const char *verb = NULL;
	if (!doshow) {
		verb = i <= argc - 1 ? argv[i++] : NULL;
		if (verb == NULL || name == NULL || name[0] == '\0' || path[0] == '\0')
			usage();
	}
	for (int j = i; j < argc; j++) {
		if (strchr(argv[j], '|') != NULL || strchr(argv[j], '\n') != NULL)
			die("Invalid field or value.");
	}
	umask(066);
	if (userdb_text_lock(path, &err) < 0) {
		fprintf(stderr, "Can't lock %s: %s\n", path, err);
		return 1;
	}
	struct userdb_text *t = userdb_text_load(path, &err);
	if (t == NULL) {
		fprintf(stderr, "%s: %s\n", path, err);
		return 1;
	}
	if (doshow) {
		show(t, name);
		userdb_text_free(t);
		free(path);
		return fflush(stdout) != 0 ? 1 : 0;
	}
	for (size_t v = 0; v < sizeof(verbs) / sizeof(verbs[0]); v++) {
		if (strcmp(verb, verbs[v].name) != 0)
			continue;
		if (verbs[v].run(t, name, argv + i, argc - i) &&
		    userdb_text_save(t, path, &err) < 0) {
			fprintf(stderr, "%s: %s\n", path, err);
			return 1;
		}
		userdb_text_free(t);
		free(path);
		return 0;
	}
	usage();
}
