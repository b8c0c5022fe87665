/* Maildir++ quota (maildirsize): parse, add deltas, recalculate, over-quota check. */
#include "config.h"
#include "maildir-quota.h"
#include "maildir-file.h"
#include "maildir-name.h"
#include "maildir-scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int maildir_quota_spec_parse(const char *s, struct maildir_quota_spec *spec, const char **error_r)
{
	const char *p = s;

	spec->bytes = spec->count = 0;
	while (*p != '\0') {
		uint64_t v = 0;
		const char *start = p;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (v > (UINT64_MAX - 9) / 10)
				goto bad;
			v = v * 10 + (uint64_t)(*p - '0');
		}
		if (p == start)
			goto bad;
		if (*p == 'S')
			spec->bytes = v;
		else if (*p == 'C')
			spec->count = v;
		else
			goto bad;
		p++;
		if (*p == ',')
			p++;
		else if (*p != '\0')
			goto bad;
	}
	return 0;
bad:
	*error_r = "malformed quota (expected <n>S,<n>C)";
	return -1;
}

void maildir_quota_spec_format(const struct maildir_quota_spec *spec, struct buf *out)
{
	if (spec->bytes != 0)
		buf_printf(out, "%lluS", (unsigned long long)spec->bytes);
	if (spec->count != 0)
		buf_printf(out, "%s%lluC", spec->bytes != 0 ? "," : "",
		           (unsigned long long)spec->count);
}

static int parse_i64(const char **p, const char *end, int64_t *v_r)
{
	const char *s = *p;
	int neg = 0;
	int64_t v = 0;

	while (s < end && *s == ' ')
		s++;
	if (s < end && *s == '-') {
		neg = 1;
		s++;
	}
	if (s >= end || *s < '0' || *s > '9')
		return -1;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*v_r = neg ? -v : v;
	*p = s;
	return 0;
}

int maildir_quota_parse(const char *data, size_t len, struct maildir_quota *q, const char **error_r)
{
	const char *p = data, *end = data + len, *nl;
	char header[256];

	memset(q, 0, sizeof(*q));
	q->file_size = len;
	nl = memchr(p, '\n', len);
	if (nl == NULL || (size_t)(nl - p) >= sizeof(header) || memchr(p, '\0', len) != NULL) {
		*error_r = "maildirsize: missing or bad quota line";
		return -1;
	}
	memcpy(header, p, (size_t)(nl - p));
	header[nl - p] = '\0';
	if (maildir_quota_spec_parse(header, &q->spec, error_r) < 0)
		return -1;
	for (p = nl + 1; p < end; p = nl + 1) {
		int64_t b, c;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL) {
			*error_r = "maildirsize: unterminated line";
			return -1;
		}
		const char *s = p;
		if (parse_i64(&s, nl, &b) < 0 || parse_i64(&s, nl, &c) < 0) {
			*error_r = "maildirsize: malformed delta line";
			return -1;
		}
		while (s < nl && *s == ' ')
			s++;
		if (s != nl) {
			*error_r = "maildirsize: malformed delta line";
			return -1;
		}
		q->bytes += b;
		q->count += c;
		q->lines++;
	}
	return 0;
}

int maildir_quota_over(const struct maildir_quota *q, int64_t add_bytes, int64_t add_count)
{
	if (q->spec.bytes != 0 && q->bytes + add_bytes > (int64_t)q->spec.bytes)
		return 1;
	if (q->spec.count != 0 && q->count + add_count > (int64_t)q->spec.count)
		return 1;
	return 0;
}

/* Add the sizes of dir/new and dir/cur. */
static void count_folder(const char *dir, int64_t *bytes, int64_t *count)
{
	static const char *const subs[] = {"new", "cur"};
	struct buf path = BUF_INIT;

	for (size_t i = 0; i < 2; i++) {
		buf_reset(&path);
		buf_printf(&path, "%s/%s", dir, subs[i]);
		DIR *dp = opendir(buf_cstr(&path));
		struct dirent *d;
		if (dp == NULL)
			continue;
		while ((d = readdir(dp)) != NULL) {
			struct maildir_name mn;
			const char *err;
			struct stat st;
			if (d->d_name[0] == '.' || maildir_name_parse(d->d_name, &mn, &err) < 0)
				continue;
			if (mn.size == MAILDIR_SIZE_UNKNOWN) {
				buf_reset(&path);
				buf_printf(&path, "%s/%s/%s", dir, subs[i], d->d_name);
				if (stat(buf_cstr(&path), &st) < 0)
					continue; /* removed meanwhile */
				mn.size = (uint64_t)st.st_size;
			}
			*bytes += (int64_t)mn.size;
			*count += 1;
		}
		closedir(dp);
	}
	buf_free(&path);
}

int maildir_quota_recalc(const char *root, const struct maildir_quota_spec *spec,
                         struct maildir_quota *q, const char **error_r)
{
	struct buf text = BUF_INIT, sub = BUF_INIT;
	struct dirent *d;
	DIR *dp;
	int ret;

	memset(q, 0, sizeof(*q));
	q->spec = *spec;
	count_folder(root, &q->bytes, &q->count);
	dp = opendir(root);
	if (dp == NULL) {
		*error_r = "opendir of the maildir root failed";
		return -1;
	}
	while ((d = readdir(dp)) != NULL) {
		/* Courier's default: Trash does not count (so users can always delete). */
		if (d->d_name[0] != '.' || strcmp(d->d_name, ".") == 0 ||
		    strcmp(d->d_name, "..") == 0 || strcmp(d->d_name, ".Trash") == 0)
			continue;
		buf_reset(&sub);
		buf_printf(&sub, "%s/%s", root, d->d_name);
		count_folder(buf_cstr(&sub), &q->bytes, &q->count);
	}
	closedir(dp);
	maildir_quota_spec_format(spec, &text);
	buf_printf(&text, "\n%8lld %4lld\n", (long long)q->bytes, (long long)q->count);
	q->lines = 1;
	q->file_size = text.len;
	ret = maildir_file_write_atomic(root, MAILDIR_QUOTA_FILE, text.data, text.len, error_r);
	buf_free(&text);
	buf_free(&sub);
	return ret;
}

int maildir_quota_get(const char *root, const struct maildir_quota_spec *spec_override,
                      struct maildir_quota *q, const char **error_r)
{
	struct buf data = BUF_INIT, path = BUF_INIT;
	struct maildir_quota_spec spec = {0, 0};
	struct stat st;
	const char *perr;
	int st_read, recalc = 0;

	st_read = maildir_file_read(root, MAILDIR_QUOTA_FILE, &data, error_r);
	if (st_read < 0) {
		buf_free(&data);
		return -1;
	}
	if (st_read == 1 || maildir_quota_parse(data.data, data.len, q, &perr) < 0) {
		recalc = 1;
	} else {
		spec = q->spec;
		if (spec_override != NULL)
			q->spec = *spec_override;
		if (q->file_size >= MAILDIR_QUOTA_RECALC_SIZE) {
			recalc = 1;
		} else if (maildir_quota_over(q, 0, 0)) {
			buf_printf(&path, "%s/%s", root, MAILDIR_QUOTA_FILE);
			if (q->lines > 1 || (stat(buf_cstr(&path), &st) == 0 &&
			                     st.st_mtime + MAILDIR_QUOTA_RECALC_AGE <= time(NULL)))
				recalc = 1;
		}
	}
	buf_free(&data);
	buf_free(&path);
	if (spec_override != NULL)
		spec = *spec_override;
	if (!recalc)
		return 0;
	return maildir_quota_recalc(root, &spec, q, error_r);
}

int maildir_quota_add(const char *root, int64_t bytes, int64_t count, const char **error_r)
{
	struct buf path = BUF_INIT, line = BUF_INIT;
	int fd, ret = 0;

	buf_printf(&path, "%s/%s", root, MAILDIR_QUOTA_FILE);
	fd = open(buf_cstr(&path), O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT) {
			*error_r = "opening maildirsize failed";
			ret = -1;
		}
		goto out;
	}
	buf_printf(&line, "%8lld %4lld\n", (long long)bytes, (long long)count);
	/* One write with O_APPEND: concurrent deltas never interleave. */
	if (write(fd, line.data, line.len) != (ssize_t)line.len) {
		*error_r = "appending to maildirsize failed";
		ret = -1;
	}
	close(fd);
out:
	buf_free(&path);
	buf_free(&line);
	return ret;
}
