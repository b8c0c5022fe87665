/* courierimapuiddb parse and format (Courier imap/imapscanclient.C, version 1). */
#include "config.h"
#include "maildir-uiddb.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

void maildir_uiddb_init(struct maildir_uiddb *db)
{
	memset(db, 0, sizeof(*db));
}

void maildir_uiddb_free(struct maildir_uiddb *db)
{
	for (size_t i = 0; i < db->n; i++) {
		if (db->v[i].owned)
			free((char *)db->v[i].base);
	}
	free(db->v);
	buf_free(&db->storage);
	maildir_uiddb_init(db);
}

static void push(struct maildir_uiddb *db, uint32_t uid, const char *base, size_t len, int owned)
{
	if (db->n == db->cap) {
		db->cap = db->cap == 0 ? 256 : db->cap * 2;
		db->v = xreallocarray(db->v, db->cap, sizeof(*db->v));
	}
	db->v[db->n].uid = uid;
	db->v[db->n].base = base;
	db->v[db->n].base_len = len;
	db->v[db->n].owned = owned;
	db->n++;
}

void maildir_uiddb_add(struct maildir_uiddb *db, uint32_t uid, const char *base, size_t base_len)
{
	push(db, uid, xstrndup(base, base_len), base_len, 1);
	if (uid >= db->nextuid)
		db->nextuid = uid + 1;
}

/* Parse an unsigned 32-bit decimal at *p, advancing it; -1 when absent or too large. */
static int parse_u32(char **p, uint32_t *v_r)
{
	uint64_t v = 0;
	char *s = *p;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return -1;
	}
	*p = s;
	*v_r = (uint32_t)v;
	return 0;
}

static int uid_cmp(const void *pa, const void *pb)
{
	const struct maildir_uiddb_rec *a = pa, *b = pb;

	return a->uid < b->uid ? -1 : a->uid > b->uid;
}

static int parse_header(struct maildir_uiddb *db, char *line, const char **error_r)
{
	uint32_t version, uidv, next;
	char *p = line;

	if (parse_u32(&p, &version) < 0 || *p++ != ' ' || parse_u32(&p, &uidv) < 0 || *p++ != ' ' ||
	    parse_u32(&p, &next) < 0 || *p != '\0') {
		*error_r = "courierimapuiddb: malformed header line";
		return -1;
	}
	db->uidvalidity = uidv;
	if (version != 1) {
		*error_r = "courierimapuiddb: unsupported version";
		return -1;
	}
	if (uidv == 0 || next == 0) {
		*error_r = "courierimapuiddb: zero UIDVALIDITY or next UID";
		return -1;
	}
	db->nextuid = next;
	return 0;
}

static int parse_record(struct maildir_uiddb *db, char *line, const char **error_r)
{
	uint32_t uid;
	char *p = line;

	if (parse_u32(&p, &uid) < 0 || uid == 0 || *p++ != ' ' || *p == '\0' ||
	    strchr(p, ' ') != NULL || strchr(p, '/') != NULL || strchr(p, ':') != NULL) {
		*error_r = "courierimapuiddb: malformed record line";
		return -1;
	}
	push(db, uid, p, strlen(p), 0);
	return 0;
}

int maildir_uiddb_parse(struct maildir_uiddb *db, struct buf *data, const char **error_r)
{
	char *p, *end, *nl;
	int first = 1;

	maildir_uiddb_free(db);
	db->storage = *data;
	buf_init(data);
	p = db->storage.data;
	if (p == NULL || db->storage.len == 0) {
		*error_r = "courierimapuiddb: empty file";
		return -1;
	}
	end = p + db->storage.len;
	if (memchr(p, '\0', db->storage.len) != NULL) {
		*error_r = "courierimapuiddb: NUL byte in file";
		return -1;
	}
	if (end[-1] != '\n') {
		/* A torn write: our writers rename only complete files, so this is corruption. */
		*error_r = "courierimapuiddb: last line not terminated";
		return -1;
	}
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		*nl = '\0';
		if (first) {
			if (parse_header(db, p, error_r) < 0)
				return -1;
			first = 0;
		} else if (parse_record(db, p, error_r) < 0) {
			return -1;
		}
	}
	if (db->n > 1)
		qsort(db->v, db->n, sizeof(*db->v), uid_cmp);
	for (size_t i = 0; i < db->n; i++) {
		if (i > 0 && db->v[i].uid == db->v[i - 1].uid) {
			*error_r = "courierimapuiddb: duplicate UID";
			return -1;
		}
	}
	if (db->n > 0 && db->v[db->n - 1].uid >= db->nextuid)
		db->nextuid = db->v[db->n - 1].uid + 1;
	return 0;
}

void maildir_uiddb_format(const struct maildir_uiddb *db, struct buf *out)
{
	buf_printf(out, "1 %u %u\n", db->uidvalidity, db->nextuid);
	for (size_t i = 0; i < db->n; i++) {
		buf_printf(out, "%u ", db->v[i].uid);
		buf_append(out, db->v[i].base, db->v[i].base_len);
		buf_putc(out, '\n');
	}
}

uint32_t maildir_uiddb_new_uidvalidity(time_t now, uint32_t old)
{
	long long v = (long long)now - MAILDIR_IMAP_EPOCH;

	if (v <= (long long)old)
		v = (long long)old + 1;
	if (v <= 0 || v > UINT32_MAX)
		v = 1;
	return (uint32_t)v;
}
