/* courierimapkeywords read and write (Courier maildir/maildirkeywords.C format). */
#include "config.h"
#include "maildir-keywords.h"
#include "maildir-file.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void maildir_keywords_init(struct maildir_keywords *k)
{
	memset(k, 0, sizeof(*k));
}

void maildir_keywords_free(struct maildir_keywords *k)
{
	for (size_t i = 0; i < k->nnames; i++)
		free(k->names[i]);
	for (size_t i = 0; i < k->nmsgs; i++) {
		free(k->msgs[i].base);
		free(k->msgs[i].kw);
	}
	free(k->names);
	free(k->msgs);
	maildir_keywords_init(k);
}

static int name_ok(const char *s, size_t n)
{
	if (n == 0 || n > 255)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c == 0x7f)
			return 0;
	}
	return 1;
}

int maildir_keywords_name_index(struct maildir_keywords *k, const char *name, int add)
{
	for (size_t i = 0; i < k->nnames; i++) {
		if (strcmp(k->names[i], name) == 0)
			return (int)i;
	}
	if (!add || k->nnames >= MAILDIR_KEYWORDS_MAX || !name_ok(name, strlen(name)))
		return -1;
	k->names = xreallocarray(k->names, k->nnames + 1, sizeof(*k->names));
	k->names[k->nnames] = xstrdup(name);
	return (int)k->nnames++;
}

static size_t msg_find(const struct maildir_keywords *k, const char *base, int *found_r)
{
	size_t lo = 0, hi = k->nmsgs;

	*found_r = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(k->msgs[mid].base, base);
		if (c == 0) {
			*found_r = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct maildir_keywords_msg *maildir_keywords_get(const struct maildir_keywords *k,
                                                        const char *base)
{
	int found;
	size_t at = msg_find(k, base, &found);

	return found ? &k->msgs[at] : NULL;
}

static int uint_cmp(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

/* Install a sorted, de-duplicated index set for base (n == 0 removes it). */
static void msg_put(struct maildir_keywords *k, const char *base, unsigned *kw, size_t n)
{
	int found;
	size_t at = msg_find(k, base, &found), out = 0;

	if (n > 1)
		qsort(kw, n, sizeof(*kw), uint_cmp);
	for (size_t i = 0; i < n; i++) {
		if (out == 0 || kw[out - 1] != kw[i])
			kw[out++] = kw[i];
	}
	n = out;
	if (found) {
		free(k->msgs[at].kw);
		if (n == 0) {
			free(k->msgs[at].base);
			free(kw);
			memmove(&k->msgs[at], &k->msgs[at + 1],
			        (k->nmsgs - at - 1) * sizeof(*k->msgs));
			k->nmsgs--;
			return;
		}
	} else {
		if (n == 0) {
			free(kw);
			return;
		}
		k->msgs = xreallocarray(k->msgs, k->nmsgs + 1, sizeof(*k->msgs));
		memmove(&k->msgs[at + 1], &k->msgs[at], (k->nmsgs - at) * sizeof(*k->msgs));
		k->nmsgs++;
		k->msgs[at].base = xstrdup(base);
	}
	k->msgs[at].kw = kw;
	k->msgs[at].n = n;
}

int maildir_keywords_set(struct maildir_keywords *k, const char *base, const char *const *names,
                         const char **error_r)
{
	size_t n = 0;
	unsigned *kw;

	while (names != NULL && names[n] != NULL)
		n++;
	kw = xcalloc(n + 1, sizeof(*kw));
	for (size_t i = 0; i < n; i++) {
		int idx = maildir_keywords_name_index(k, names[i], 1);
		if (idx < 0) {
			free(kw);
			*error_r = "invalid keyword or too many keywords";
			return -1;
		}
		kw[i] = (unsigned)idx;
	}
	msg_put(k, base, kw, n);
	return 0;
}

static int parse_msg_line(struct maildir_keywords *k, char *line)
{
	char *colon = strrchr(line, ':'), *p, *end;
	unsigned *kw;
	size_t n = 0;

	if (colon == NULL || colon == line)
		return -1;
	*colon = '\0';
	kw = xcalloc(strlen(colon + 1) / 2 + 2, sizeof(*kw));
	for (p = colon + 1; *p != '\0';) {
		if (*p == ' ') {
			p++;
			continue;
		}
		errno = 0;
		unsigned long v = strtoul(p, &end, 10);
		if (end == p || errno != 0 || v >= k->nnames || (*end != ' ' && *end != '\0')) {
			free(kw);
			return -1;
		}
		kw[n++] = (unsigned)v;
		p = end;
	}
	msg_put(k, line, kw, n);
	return 0;
}

int maildir_keywords_parse(struct maildir_keywords *k, const char *data, size_t len,
                           const char **error_r)
{
	struct buf copy = BUF_INIT;
	char *p, *end, *nl;
	int in_names = 1, ret = -1;

	maildir_keywords_free(k);
	if (memchr(data, '\0', len) != NULL) {
		*error_r = "courierimapkeywords: NUL byte";
		return -1;
	}
	buf_append(&copy, data, len);
	p = copy.data;
	end = p + copy.len;
	for (; p != NULL && p < end; p = nl != NULL ? nl + 1 : NULL) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl != NULL)
			*nl = '\0';
		if (in_names) {
			if (*p == '\0') {
				in_names = 0;
			} else if (!name_ok(p, strlen(p)) ||
			           maildir_keywords_name_index(k, p, 0) >= 0 ||
			           maildir_keywords_name_index(k, p, 1) < 0) {
				*error_r = "courierimapkeywords: bad or duplicate keyword name";
				goto out;
			}
		} else if (*p != '\0' && parse_msg_line(k, p) < 0) {
			*error_r = "courierimapkeywords: malformed message line";
			goto out;
		}
	}
	ret = 0;
out:
	if (ret < 0)
		maildir_keywords_free(k);
	buf_free(&copy);
	return ret;
}

void maildir_keywords_format(const struct maildir_keywords *k, struct buf *out)
{
	unsigned *map = xcalloc(k->nnames + 1, sizeof(*map)); /* old index -> new index + 1 */
	unsigned next = 0;

	for (size_t i = 0; i < k->nmsgs; i++) {
		for (size_t j = 0; j < k->msgs[i].n; j++)
			map[k->msgs[i].kw[j]] = 1;
	}
	for (size_t i = 0; i < k->nnames; i++) {
		if (map[i] != 0) {
			map[i] = ++next;
			buf_puts(out, k->names[i]);
			buf_putc(out, '\n');
		}
	}
	buf_putc(out, '\n');
	for (size_t i = 0; i < k->nmsgs; i++) {
		buf_puts(out, k->msgs[i].base);
		buf_putc(out, ':');
		for (size_t j = 0; j < k->msgs[i].n; j++)
			buf_printf(out, "%s%u", j > 0 ? " " : "", map[k->msgs[i].kw[j]] - 1);
		buf_putc(out, '\n');
	}
	free(map);
}

/* Apply one update file: its lines are the message's complete keyword set. */
static void apply_update(struct maildir_keywords *k, const char *kwdir, const char *file,
                         const char *base)
{
	struct buf data = BUF_INIT;
	const char *err;
	char *p, *nl;
	size_t cap = 0, n = 0;
	const char **names = NULL;

	if (maildir_file_read(kwdir, file, &data, &err) != 0) {
		buf_free(&data);
		return;
	}
	for (p = data.data; p != NULL && *p != '\0'; p = nl != NULL ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl != NULL)
			*nl = '\0';
		if (*p == '\0')
			continue;
		if (n + 2 > cap) {
			cap = cap == 0 ? 8 : cap * 2;
			names = xreallocarray(names, cap, sizeof(*names));
		}
		names[n++] = p;
	}
	if (names != NULL)
		names[n] = NULL;
	(void)maildir_keywords_set(k, base, names, &err);
	free(names);
	buf_free(&data);
}

int maildir_keywords_load(const char *dir, struct maildir_keywords *k, const char **error_r)
{
	struct buf kwdir = BUF_INIT, data = BUF_INIT;
	struct dirent *d;
	DIR *dp;
	int st, ret = -1;

	maildir_keywords_free(k);
	buf_printf(&kwdir, "%s/%s", dir, MAILDIR_KEYWORDS_DIR);
	st = maildir_file_read(buf_cstr(&kwdir), ":list", &data, error_r);
	if (st < 0)
		goto out;
	if (st == 0 && maildir_keywords_parse(k, data.data, data.len, error_r) < 0)
		goto out;
	dp = opendir(buf_cstr(&kwdir));
	if (dp != NULL) {
		/* Plain "<base>" files are the newest updates; ".N.<base>" older but newer than
		 * :list. Apply the dotted ones first so a plain one wins. */
		for (int pass = 0; pass < 2; pass++) {
			rewinddir(dp);
			while ((d = readdir(dp)) != NULL) {
				const char *base = d->d_name;
				if (base[0] == ':' || strcmp(base, ".") == 0 ||
				    strcmp(base, "..") == 0)
					continue;
				if (base[0] == '.') {
					if (pass != 0 || (base = strchr(base + 1, '.')) == NULL)
						continue;
					base++;
				} else if (pass != 1) {
					continue;
				}
				if (*base != '\0')
					apply_update(k, buf_cstr(&kwdir), d->d_name, base);
			}
		}
		closedir(dp);
	}
	ret = 0;
out:
	buf_free(&kwdir);
	buf_free(&data);
	return ret;
}

static int kwdir_make(const char *dir, struct buf *kwdir, const char **error_r)
{
	buf_printf(kwdir, "%s/%s", dir, MAILDIR_KEYWORDS_DIR);
	if (mkdir(buf_cstr(kwdir), 0700) < 0 && errno != EEXIST) {
		*error_r = "creating courierimapkeywords failed";
		return -1;
	}
	return 0;
}

/* The keywords dir has no tmp/ of its own: write through the folder's tmp/ by giving
 * maildir_file_write_atomic the folder and a relative name. */
int maildir_keywords_save(const char *dir, const struct maildir_keywords *k, const char **error_r)
{
	struct buf kwdir = BUF_INIT, text = BUF_INIT;
	int ret = -1;

	if (kwdir_make(dir, &kwdir, error_r) == 0) {
		maildir_keywords_format(k, &text);
		ret = maildir_file_write_atomic(dir, MAILDIR_KEYWORDS_DIR "/:list", text.data,
		                                text.len, error_r);
	}
	buf_free(&kwdir);
	buf_free(&text);
	return ret;
}

int maildir_keywords_save_msg(const char *dir, const char *base, const char *const *names,
                              const char **error_r)
{
	struct buf kwdir = BUF_INIT, text = BUF_INIT, rel = BUF_INIT;
	int ret = -1;

	if (base[0] == '.' || base[0] == ':' || strchr(base, '/') != NULL) {
		*error_r = "invalid message base name";
		return -1;
	}
	if (kwdir_make(dir, &kwdir, error_r) == 0) {
		for (size_t i = 0; names != NULL && names[i] != NULL; i++)
			buf_printf(&text, "%s\n", names[i]);
		buf_printf(&rel, "%s/%s", MAILDIR_KEYWORDS_DIR, base);
		ret = maildir_file_write_atomic(dir, buf_cstr(&rel), text.data, text.len, error_r);
	}
	buf_free(&kwdir);
	buf_free(&text);
	buf_free(&rel);
	return ret;
}
