/* hatoimapcache: folder signature, snapshot format and parser, read and write. */
#include "config.h"
#include "maildir-cache.h"
#include "maildir-file.h"
#include "maildir-name.h"
#include "maildir-uiddb.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A file name in cur/ is at most NAME_MAX bytes on every file system we run on. */
#define CACHE_NAME_MAX 255

int maildir_cache_stamp(const char *path, struct maildir_stamp *st)
{
	struct stat s;

	if (stat(path, &s) < 0)
		return -1;
	st->sec = (int64_t)s.st_mtim.tv_sec;
	st->nsec = (int64_t)s.st_mtim.tv_nsec;
	st->ino = (uint64_t)s.st_ino;
	st->size = (uint64_t)s.st_size;
	return 0;
}

int maildir_cache_sig_take(const char *dir, struct maildir_sig *sig)
{
	struct buf path = BUF_INIT;
	struct timespec now;
	int ret = -1;

	memset(sig, 0, sizeof(*sig));
	clock_gettime(CLOCK_REALTIME, &now);
	sig->started_sec = (int64_t)now.tv_sec;
	sig->started_nsec = (int64_t)now.tv_nsec;
	buf_printf(&path, "%s/new", dir);
	if (maildir_cache_stamp(buf_cstr(&path), &sig->new_dir) < 0)
		goto out;
	buf_reset(&path);
	buf_printf(&path, "%s/cur", dir);
	if (maildir_cache_stamp(buf_cstr(&path), &sig->cur_dir) < 0)
		goto out;
	buf_reset(&path);
	buf_printf(&path, "%s/%s", dir, MAILDIR_UIDDB_FILE);
	if (maildir_cache_stamp(buf_cstr(&path), &sig->uiddb) < 0)
		goto out;
	ret = 0;
out:
	buf_free(&path);
	return ret;
}

static bool stamp_same(const struct maildir_stamp *a, const struct maildir_stamp *b)
{
	return a->sec == b->sec && a->nsec == b->nsec && a->ino == b->ino && a->size == b->size;
}

bool maildir_cache_sig_same(const struct maildir_sig *a, const struct maildir_sig *b)
{
	return stamp_same(&a->new_dir, &b->new_dir) && stamp_same(&a->cur_dir, &b->cur_dir) &&
	       stamp_same(&a->uiddb, &b->uiddb);
}

bool maildir_cache_stamp_settled(const struct maildir_stamp *st, int64_t started_sec,
				 int64_t started_nsec)
{
	/* started >= mtime + 1 s, without overflow for any input (the parser accepts any). */
	if (st->sec >= INT64_MAX - 1 || started_sec < st->sec + 1)
		return false;
	return started_sec > st->sec + 1 || started_nsec >= st->nsec;
}

bool maildir_cache_sig_settled(const struct maildir_sig *sig)
{
	return maildir_cache_stamp_settled(&sig->new_dir, sig->started_sec, sig->started_nsec) &&
	       maildir_cache_stamp_settled(&sig->cur_dir, sig->started_sec, sig->started_nsec) &&
	       maildir_cache_stamp_settled(&sig->uiddb, sig->started_sec, sig->started_nsec);
}

void maildir_cache_init(struct maildir_cache *c)
{
	memset(c, 0, sizeof(*c));
	maildir_scan_init(&c->msgs);
}

void maildir_cache_free(struct maildir_cache *c)
{
	maildir_scan_free(&c->msgs);
	maildir_cache_init(c);
}

uint64_t maildir_cache_checksum(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0x9e3779b97f4a7c15u ^ (uint64_t)len;
	size_t i = 0;

	/* Eight bytes per step (a multiply-rotate mix): the file can be megabytes and is
	 * checked on every SELECT that uses it. */
	for (; i + 8 <= len; i += 8) {
		uint64_t w = 0;

		/* Little-endian whatever the host, so a file is valid on any machine. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		memcpy(&w, p + i, 8);
#else
		for (int k = 7; k >= 0; k--)
			w = w << 8 | p[i + (size_t)k];
#endif
		h ^= w * 0xff51afd7ed558ccdu;
		h = (h << 31 | h >> 33) * 0xc4ceb9fe1a85ec53u;
	}
	for (; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3u;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	return h;
}

static void format_stamp(struct buf *out, const struct maildir_stamp *st)
{
	buf_printf(out, " %" PRId64 " %" PRId64 " %" PRIu64 " %" PRIu64, st->sec, st->nsec, st->ino,
		   st->size);
}

/* Position (1-based) of the first message without \\Seen, 0 when all are seen. */
static size_t first_unseen(const struct maildir_scan *msgs)
{
	for (size_t i = 0; i < msgs->n; i++) {
		if (!(msgs->v[i].flags & MAILDIR_FLAG_SEEN))
			return i + 1;
	}
	return 0;
}

void maildir_cache_format(const struct maildir_sig *sig, uint32_t uidvalidity, uint32_t nextuid,
			  const struct maildir_scan *msgs, struct buf *out)
{
	size_t start = out->len;
	char num[24];

	buf_printf(out, "%s %d\n%" PRId64 " %" PRId64, MAILDIR_CACHE_FILE, MAILDIR_CACHE_VERSION,
		   sig->started_sec, sig->started_nsec);
	format_stamp(out, &sig->new_dir);
	format_stamp(out, &sig->cur_dir);
	format_stamp(out, &sig->uiddb);
	buf_printf(out, " %" PRIu32 " %" PRIu32 " %zu %zu ", uidvalidity, nextuid, msgs->n,
		   first_unseen(msgs));
	buf_printf(out, "%016" PRIx64 "\n",
		   maildir_cache_checksum(out->data + start, out->len - start));
	buf_reserve(out, msgs->n * 64);
	for (size_t i = 0; i < msgs->n; i++) {
		const struct maildir_entry *e = &msgs->v[i];
		int n;

		/* snprintf per field, not one buf_printf per line: this runs for 100,000 lines. */
		n = snprintf(num, sizeof(num), "%" PRIu32 " ", e->uid);
		buf_append(out, num, (size_t)n);
		if (e->crlf_size == MAILDIR_SIZE_UNKNOWN) {
			buf_append(out, "- ", 2);
		} else {
			n = snprintf(num, sizeof(num), "%" PRIu64 " ", e->crlf_size);
			buf_append(out, num, (size_t)n);
		}
		if (e->mtime < 0) {
			buf_append(out, "- ", 2);
		} else {
			n = snprintf(num, sizeof(num), "%" PRId64 " ", e->mtime);
			buf_append(out, num, (size_t)n);
		}
		buf_puts(out, e->name);
		buf_putc(out, '\n');
	}
	buf_printf(out, "end %016" PRIx64 "\n",
		   maildir_cache_checksum(out->data + start, out->len - start));
}

/* Parse a decimal number ending at a space or newline (the separator is consumed when it is
 * sep). Unsigned, at most max. */
static int parse_u64(const char **pp, const char *end, char sep, uint64_t max, uint64_t *v_r)
{
	const char *p = *pp;
	uint64_t v = 0;

	if (p == end || *p < '0' || *p > '9')
		return -1;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (p == end || *p != sep)
		return -1;
	*pp = p + 1;
	*v_r = v;
	return 0;
}

static int parse_stamp(const char **pp, const char *end, struct maildir_stamp *st)
{
	uint64_t sec, nsec;

	if (parse_u64(pp, end, ' ', INT64_MAX, &sec) < 0 ||
	    parse_u64(pp, end, ' ', 999999999, &nsec) < 0 ||
	    parse_u64(pp, end, ' ', UINT64_MAX, &st->ino) < 0 ||
	    parse_u64(pp, end, ' ', UINT64_MAX, &st->size) < 0)
		return -1;
	st->sec = (int64_t)sec;
	st->nsec = (int64_t)nsec;
	return 0;
}

/* "-" + sep, or a number: the unknown value for "-". */
static int parse_opt(const char **pp, const char *end, uint64_t max, uint64_t unknown,
		     uint64_t *v_r)
{
	if (end - *pp >= 2 && (*pp)[0] == '-' && (*pp)[1] == ' ') {
		*pp += 2;
		*v_r = unknown;
		return 0;
	}
	return parse_u64(pp, end, ' ', max, v_r);
}

static int parse_records(struct maildir_cache *c, const char **pp, const char *end, uint64_t count,
			 const char **error_r)
{
	const char *p = *pp;
	uint32_t prev = 0;
	char *w;

	/* The names go into one block (no malloc per message): at most the file's size, and
	 * the pages past the last name are never touched, so they cost no memory. */
	maildir_scan_reserve(&c->msgs, (size_t)count);
	c->msgs.pool_len = (size_t)(end - p) + 1;
	c->msgs.pool = xmalloc(c->msgs.pool_len);
	w = c->msgs.pool;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t uid, crlf, mtime;
		struct maildir_entry *e;
		const char *nl;
		size_t len;

		if (parse_u64(&p, end, ' ', UINT32_MAX, &uid) < 0 || uid <= prev ||
		    uid >= c->nextuid ||
		    parse_opt(&p, end, UINT64_MAX - 1, MAILDIR_SIZE_UNKNOWN, &crlf) < 0 ||
		    parse_opt(&p, end, INT64_MAX, UINT64_MAX, &mtime) < 0) {
			*error_r = "bad record";
			return -1;
		}
		nl = memchr(p, '\n', (size_t)(end - p));
		len = nl != NULL ? (size_t)(nl - p) : 0;
		if (nl == NULL || len == 0 || len > CACHE_NAME_MAX || p[0] == '.' ||
		    memchr(p, '/', len) != NULL || memchr(p, '\0', len) != NULL) {
			*error_r = "bad file name";
			return -1;
		}
		memcpy(w, p, len);
		w[len] = '\0';
		e = maildir_scan_add_pooled(&c->msgs, w);
		if (e == NULL) {
			*error_r = "bad file name";
			return -1;
		}
		e->uid = (uint32_t)uid;
		e->crlf_size = crlf;
		e->mtime = mtime == UINT64_MAX ? MAILDIR_MTIME_UNKNOWN : (int64_t)mtime;
		prev = (uint32_t)uid;
		p = nl + 1;
		w += len + 1;
	}
	*pp = p;
	return 0;
}

/* The summary lines; *end_r is set past them. */
static int parse_summary(struct maildir_cache *c, const char *data, size_t len, const char **end_r,
			 const char **error_r)
{
	static const char magic[] = MAILDIR_CACHE_FILE " 2\n";
	const char *p = data, *end = data + len, *sum;
	uint64_t sec, nsec, uidv, next, count, unseen;
	char want[24];

	if (len < sizeof(magic) - 1 || memcmp(data, magic, sizeof(magic) - 1) != 0) {
		*error_r = "not a version 2 cache";
		return -1;
	}
	p += sizeof(magic) - 1;
	if (parse_u64(&p, end, ' ', INT64_MAX, &sec) < 0 ||
	    parse_u64(&p, end, ' ', 999999999, &nsec) < 0 ||
	    parse_stamp(&p, end, &c->sig.new_dir) < 0 || parse_stamp(&p, end, &c->sig.cur_dir) < 0 ||
	    parse_stamp(&p, end, &c->sig.uiddb) < 0 ||
	    parse_u64(&p, end, ' ', UINT32_MAX, &uidv) < 0 || uidv == 0 ||
	    parse_u64(&p, end, ' ', UINT32_MAX, &next) < 0 || next == 0 ||
	    parse_u64(&p, end, ' ', UINT32_MAX, &count) < 0 ||
	    parse_u64(&p, end, ' ', count, &unseen) < 0) {
		*error_r = "bad header";
		return -1;
	}
	sum = p;
	snprintf(want, sizeof(want), "%016" PRIx64 "\n",
		 maildir_cache_checksum(data, (size_t)(sum - data)));
	if (end - sum < 17 || memcmp(sum, want, 17) != 0) {
		*error_r = "header checksum mismatch";
		return -1;
	}
	c->sig.started_sec = (int64_t)sec;
	c->sig.started_nsec = (int64_t)nsec;
	c->uidvalidity = (uint32_t)uidv;
	c->nextuid = (uint32_t)next;
	c->count = (uint32_t)count;
	c->first_unseen = (uint32_t)unseen;
	*end_r = sum + 17;
	return 0;
}

int maildir_cache_parse_summary(struct maildir_cache *c, const char *data, size_t len,
				const char **error_r)
{
	const char *end;

	maildir_cache_free(c);
	if (parse_summary(c, data, len, &end, error_r) < 0) {
		maildir_cache_free(c);
		return -1;
	}
	return 0;
}

int maildir_cache_parse(struct maildir_cache *c, const char *data, size_t len,
			const char **error_r)
{
	const char *p, *trailer;
	char want[32];

	maildir_cache_free(c);
	/* The trailer is the last line, "end " + 16 hex digits + "\n" (21 bytes). */
	if (len < 21) {
		*error_r = "not a version 2 cache";
		return -1;
	}
	trailer = data + len - 21;
	if (parse_summary(c, data, (size_t)(trailer - data), &p, error_r) < 0)
		goto fail;
	snprintf(want, sizeof(want), "end %016" PRIx64 "\n",
		 maildir_cache_checksum(data, (size_t)(trailer - data)));
	if (memcmp(trailer, want, 21) != 0) {
		*error_r = "checksum mismatch";
		goto fail;
	}
	/* Each record takes at least 7 bytes: refuse a count the file cannot hold before
	 * reserving memory for it. */
	if (c->count > (uint64_t)(trailer - p) / 7) {
		*error_r = "record count beyond the file";
		goto fail;
	}
	if (parse_records(c, &p, trailer, c->count, error_r) < 0)
		goto fail;
	if (p != trailer) {
		*error_r = "bytes after the records";
		goto fail;
	}
	if (first_unseen(&c->msgs) != c->first_unseen) {
		*error_r = "summary does not match the records";
		goto fail;
	}
	return 0;
fail:
	maildir_cache_free(c);
	return -1;
}

int maildir_cache_read_summary(int fd, struct maildir_cache *c, const char **error_r)
{
	char head[MAILDIR_CACHE_SUMMARY_MAX];
	ssize_t n;

	do
		n = pread(fd, head, sizeof(head), 0);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		*error_r = "cannot read the cache";
		return -1;
	}
	return maildir_cache_parse_summary(c, head, (size_t)n, error_r);
}

int maildir_cache_read_fd(int fd, struct maildir_cache *c, const char **error_r)
{
	struct stat st;
	void *map;
	int ret;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > MAILDIR_FILE_MAX) {
		*error_r = "cache is empty, too large or not a file";
		return -1;
	}
	/* Mapped, not read: no copy of megabytes into fresh pages. The file is only ever
	 * replaced by rename, never changed in place, so the mapping cannot change under us. */
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		*error_r = "cannot map the cache";
		return -1;
	}
	(void)madvise(map, (size_t)st.st_size, MADV_WILLNEED);
	ret = maildir_cache_parse(c, map, (size_t)st.st_size, error_r);
	munmap(map, (size_t)st.st_size);
	return ret;
}

int maildir_cache_read(const char *dir, struct maildir_cache *c, const char **error_r)
{
	struct buf path = BUF_INIT;
	int fd, ret;

	buf_printf(&path, "%s/%s", dir, MAILDIR_CACHE_FILE);
	fd = open(buf_cstr(&path), O_RDONLY | O_CLOEXEC);
	buf_free(&path);
	if (fd < 0) {
		*error_r = "cannot open the cache";
		return errno == ENOENT ? 1 : -1;
	}
	ret = maildir_cache_read_fd(fd, c, error_r);
	close(fd);
	return ret;
}

int maildir_cache_write(const char *dir, const void *data, size_t len, const char **error_r)
{
	struct buf tmp = BUF_INIT, dst = BUF_INIT;
	const char *p = data;
	int fd, ret = -1;

	buf_printf(&tmp, "%s/tmp/", dir);
	maildir_file_unique(&tmp);
	buf_puts(&tmp, "." MAILDIR_CACHE_FILE);
	buf_printf(&dst, "%s/%s", dir, MAILDIR_CACHE_FILE);
	fd = open(buf_cstr(&tmp), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		*error_r = "creating temporary file in tmp/ failed";
		goto out;
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*error_r = "writing temporary file failed";
			close(fd);
			unlink(buf_cstr(&tmp));
			goto out;
		}
		p += n;
		len -= (size_t)n;
	}
	/* No fsync: after a crash the file may be empty or torn, which the length and checksum
	 * checks catch, and a lost cache only costs one full sync. Syncing megabytes on every
	 * write would cost more than the cache saves on a busy server. */
	if (close(fd) < 0 || rename(buf_cstr(&tmp), buf_cstr(&dst)) < 0) {
		*error_r = "renaming temporary file into place failed";
		unlink(buf_cstr(&tmp));
		goto out;
	}
	ret = 0;
out:
	buf_free(&tmp);
	buf_free(&dst);
	return ret;
}
