/* The userdb source text: parse, edit and rewrite like Courier's userdb script (courier-formats
 * §1.1, §1.8), but keeping field order instead of Perl hash order. */
#include "config.h"
#include "userdb-text.h"

#include "buf.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct userdb_text {
	char **lines; /* without the "\n" */
	size_t count;
	size_t cap;
};

static void text_append_line(struct userdb_text *t, char *line)
{
	if (t->count == t->cap) {
		t->cap = t->cap == 0 ? 16 : t->cap * 2;
		t->lines = xreallocarray(t->lines, t->cap, sizeof(*t->lines));
	}
	t->lines[t->count++] = line;
}

struct userdb_text *userdb_text_parse(const char *data, size_t len, const char **error_r)
{
	if (len > USERDB_TEXT_MAX_SIZE) {
		*error_r = "userdb source file too large";
		return NULL;
	}
	struct userdb_text *t = xcalloc(1, sizeof(*t));
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - data) : len;
		if (end - pos > USERDB_TEXT_MAX_LINE) {
			userdb_text_free(t);
			*error_r = "line too long in userdb source file";
			return NULL;
		}
		text_append_line(t, xstrndup(data + pos, end - pos));
		pos = end + 1;
	}
	return t;
}

void userdb_text_free(struct userdb_text *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->count; i++) {
		/* Lines hold password hashes and HMAC states. */
		secure_zero(t->lines[i], strlen(t->lines[i]));
		free(t->lines[i]);
	}
	free(t->lines);
	free(t);
}

size_t userdb_text_line_count(const struct userdb_text *t)
{
	return t->count;
}

const char *userdb_text_line(const struct userdb_text *t, size_t i)
{
	return t->lines[i];
}

int userdb_text_split(const char *line, size_t *key_len_r, const char **fields_r)
{
	if (line[0] == '#' || line[0] == '\t' || line[0] == '\0')
		return 0;
	const char *tab = strchr(line, '\t');
	*key_len_r = tab != NULL ? (size_t)(tab - line) : strlen(line);
	*fields_r = tab != NULL ? tab + 1 : "";
	return 1;
}

long userdb_text_find(const struct userdb_text *t, const char *name)
{
	size_t name_len = strlen(name);
	for (size_t i = 0; i < t->count; i++) {
		size_t key_len;
		const char *fields;
		if (userdb_text_split(t->lines[i], &key_len, &fields) && key_len == name_len &&
		    memcmp(t->lines[i], name, name_len) == 0)
			return (long)i;
	}
	return -1;
}

int userdb_text_valid_item(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '|' || c < 0x20 || c == 0x7f)
			return 0;
	}
	return 1;
}

/* A record's fields as separate strings, for editing. */
struct field_list {
	char **items;
	size_t count;
};

static void field_list_split(struct field_list *fl, const char *fields)
{
	const char *p = fields;
	fl->items = NULL;
	fl->count = 0;
	while (*p != '\0') {
		const char *bar = strchr(p, '|');
		size_t n = bar != NULL ? (size_t)(bar - p) : strlen(p);
		if (n > 0) {
			fl->items = xreallocarray(fl->items, fl->count + 1, sizeof(*fl->items));
			fl->items[fl->count++] = xstrndup(p, n);
		}
		p += n + (bar != NULL ? 1 : 0);
	}
}

static size_t item_name_len(const char *item)
{
	return strcspn(item, "=");
}

static long field_list_find(const struct field_list *fl, const char *item)
{
	size_t n = item_name_len(item);
	for (size_t i = 0; i < fl->count; i++) {
		if (item_name_len(fl->items[i]) == n && memcmp(fl->items[i], item, n) == 0)
			return (long)i;
	}
	return -1;
}

static void field_list_remove(struct field_list *fl, size_t i)
{
	secure_zero(fl->items[i], strlen(fl->items[i]));
	free(fl->items[i]);
	memmove(fl->items + i, fl->items + i + 1, (fl->count - i - 1) * sizeof(*fl->items));
	fl->count--;
}

/* Replace line i with "name<TAB>f1|f2..." and free the list. */
static void field_list_store(struct userdb_text *t, size_t i, const char *name,
			     struct field_list *fl)
{
	struct buf line = BUF_INIT;
	buf_printf(&line, "%s\t", name);
	for (size_t j = 0; j < fl->count; j++) {
		if (j > 0)
			buf_putc(&line, '|');
		buf_puts(&line, fl->items[j]);
		secure_zero(fl->items[j], strlen(fl->items[j]));
		free(fl->items[j]);
	}
	free(fl->items);
	secure_zero(t->lines[i], strlen(t->lines[i]));
	free(t->lines[i]);
	t->lines[i] = buf_steal(&line);
}

int userdb_text_set(struct userdb_text *t, const char *name, const char *const *items,
		    size_t n_items, const char **error_r)
{
	if (name[0] == '\0' || name[0] == '#' || strchr(name, '\t') != NULL ||
	    !userdb_text_valid_item(name)) {
		*error_r = "Invalid field or value.";
		return -1;
	}
	for (size_t j = 0; j < n_items; j++) {
		if (!userdb_text_valid_item(items[j]) || item_name_len(items[j]) == 0) {
			*error_r = "Invalid field or value.";
			return -1;
		}
	}

	struct field_list fl;
	long i = userdb_text_find(t, name);
	if (i < 0) {
		text_append_line(t, xstrdup(""));
		i = (long)t->count - 1;
		fl.items = NULL;
		fl.count = 0;
	} else {
		size_t key_len;
		const char *fields;
		(void)userdb_text_split(t->lines[i], &key_len, &fields);
		field_list_split(&fl, fields);
	}
	for (size_t j = 0; j < n_items; j++) {
		long k = field_list_find(&fl, items[j]);
		if (k >= 0) {
			free(fl.items[k]);
			fl.items[k] = xstrdup(items[j]);
		} else {
			fl.items = xreallocarray(fl.items, fl.count + 1, sizeof(*fl.items));
			fl.items[fl.count++] = xstrdup(items[j]);
		}
	}
	field_list_store(t, (size_t)i, name, &fl);
	return 0;
}

int userdb_text_unset(struct userdb_text *t, const char *name, const char *const *fields,
		      size_t n_fields)
{
	long i = userdb_text_find(t, name);
	if (i < 0)
		return 0;

	size_t key_len;
	const char *text;
	struct field_list fl;
	(void)userdb_text_split(t->lines[i], &key_len, &text);
	field_list_split(&fl, text);
	for (size_t j = 0; j < n_fields; j++) {
		long k;
		while ((k = field_list_find(&fl, fields[j])) >= 0 &&
		       item_name_len(fields[j]) == strlen(fields[j]))
			field_list_remove(&fl, (size_t)k);
	}
	field_list_store(t, (size_t)i, name, &fl);
	return 1;
}

int userdb_text_del(struct userdb_text *t, const char *name)
{
	long i = userdb_text_find(t, name);
	if (i < 0)
		return 0;
	secure_zero(t->lines[i], strlen(t->lines[i]));
	free(t->lines[i]);
	memmove(t->lines + i, t->lines + i + 1, (t->count - (size_t)i - 1) * sizeof(*t->lines));
	t->count--;
	return 1;
}

void userdb_text_write(const struct userdb_text *t, struct buf *out)
{
	for (size_t i = 0; i < t->count; i++) {
		buf_puts(out, t->lines[i]);
		buf_putc(out, '\n');
	}
}

/* "<dir>/<prefix><base>" for a path "<dir>/<base>" (or "<prefix><path>" without a '/'). */
static char *sibling_path(const char *path, const char *prefix)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL)
		return xasprintf("%s%s", prefix, path);
	return xasprintf("%.*s/%s%s", (int)(slash - path), path, prefix, slash + 1);
}

int userdb_text_lock(const char *path, const char **error_r)
{
	char *lock_path = sibling_path(path, ".lock.");
	int fd = open(lock_path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	free(lock_path);
	if (fd < 0) {
		*error_r = strerror(errno);
		return -1;
	}
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			*error_r = strerror(errno);
			close(fd);
			return -1;
		}
	}
	return fd;
}

struct userdb_text *userdb_text_load(const char *path, const char **error_r)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return userdb_text_parse("", 0, error_r);
		*error_r = strerror(errno);
		return NULL;
	}

	struct stat st;
	struct buf data = BUF_INIT;
	struct userdb_text *t = NULL;
	if (fstat(fd, &st) < 0) {
		*error_r = strerror(errno);
	} else if (!S_ISREG(st.st_mode)) {
		*error_r = "not a file.";
	} else {
		char chunk[8192];
		ssize_t n;
		while ((n = read(fd, chunk, sizeof(chunk))) > 0 ||
		       (n < 0 && errno == EINTR)) {
			if (n < 0)
				continue;
			if (data.len + (size_t)n > USERDB_TEXT_MAX_SIZE) {
				n = -1;
				errno = EFBIG;
				break;
			}
			buf_append(&data, chunk, (size_t)n);
		}
		if (n < 0)
			*error_r = strerror(errno);
		else
			t = userdb_text_parse(buf_cstr(&data), data.len, error_r);
		secure_zero(chunk, sizeof(chunk));
	}
	buf_free_secure(&data);
	close(fd);
	return t;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int userdb_text_save(const struct userdb_text *t, const char *path, const char **error_r)
{
	char *tmp_path = sibling_path(path, ".tmp.");
	struct buf out = BUF_INIT;
	struct stat st;
	int ret = -1;

	userdb_text_write(t, &out);
	(void)unlink(tmp_path);
	int fd = open(tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		*error_r = strerror(errno);
		goto out;
	}
	/* Keep the old file's permissions, as Courier's script does (never wider than it was). */
	if (stat(path, &st) == 0 && fchmod(fd, st.st_mode & 0777) < 0) {
		*error_r = strerror(errno);
	} else if (write_all(fd, out.data != NULL ? out.data : "", out.len) < 0 || fsync(fd) < 0) {
		*error_r = strerror(errno);
	} else if (close(fd) < 0) {
		fd = -1;
		*error_r = strerror(errno);
	} else if (fd = -1, rename(tmp_path, path) < 0) {
		*error_r = strerror(errno);
	} else {
		ret = 0;
	}
	if (fd >= 0)
		close(fd);
	if (ret < 0)
		(void)unlink(tmp_path);
out:
	buf_free_secure(&out);
	free(tmp_path);
	return ret;
}
