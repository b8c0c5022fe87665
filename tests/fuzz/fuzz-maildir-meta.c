/* Fuzz target: the Maildir metadata parsers (courierimapuiddb, courierpop3dsizelist,
 * courierimapkeywords :list, courierimapsubscribed, maildirsize, file names) and modified
 * UTF-7. The first byte picks the parser; parsers do no I/O. */
#include "config.h"
#include "maildir/maildir-keywords.h"
#include "maildir/maildir-mutf7.h"
#include "maildir/maildir-name.h"
#include "maildir/maildir-pop3list.h"
#include "maildir/maildir-quota.h"
#include "maildir/maildir-subscribed.h"
#include "maildir/maildir-uiddb.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_uiddb(const char *s, size_t n)
{
	struct maildir_uiddb db;
	struct buf in = BUF_INIT, out = BUF_INIT;
	const char *error;

	maildir_uiddb_init(&db);
	buf_append(&in, s, n);
	if (maildir_uiddb_parse(&db, &in, &error) == 0) {
		/* A parsed file formats to something that parses to the same records. */
		struct maildir_uiddb db2;
		maildir_uiddb_format(&db, &out);
		maildir_uiddb_init(&db2);
		if (maildir_uiddb_parse(&db2, &out, &error) != 0 || db2.n != db.n ||
		    db2.nextuid != db.nextuid)
			abort();
		maildir_uiddb_free(&db2);
	}
	maildir_uiddb_free(&db);
	buf_free(&in);
	buf_free(&out);
}

static void fuzz_pop3list(const char *s, size_t n)
{
	struct maildir_pop3list l;
	struct buf out = BUF_INIT;
	const char *error;

	maildir_pop3list_init(&l);
	if (maildir_pop3list_parse(&l, s, n, &error) == 0) {
		maildir_pop3list_format(&l, &out);
		for (size_t i = 0; i < l.n; i++)
			maildir_pop3list_uidl(&l.v[i], &out);
	}
	maildir_pop3list_free(&l);
	buf_free(&out);
}

static void fuzz_keywords(const char *s, size_t n)
{
	struct maildir_keywords k;
	struct buf out = BUF_INIT;
	const char *error;

	maildir_keywords_init(&k);
	if (maildir_keywords_parse(&k, s, n, &error) == 0)
		maildir_keywords_format(&k, &out);
	maildir_keywords_free(&k);
	buf_free(&out);
}

static void fuzz_small(const char *s, size_t n, char which)
{
	struct buf tmp = BUF_INIT, out = BUF_INIT;
	struct maildir_subscribed sub;
	struct maildir_quota q;
	struct maildir_name mn;
	const char *error;

	buf_append(&tmp, s, n);
	switch (which) {
	case 3:
		maildir_subscribed_init(&sub);
		(void)maildir_subscribed_parse(&sub, s, n, &error);
		maildir_subscribed_free(&sub);
		break;
	case 4:
		(void)maildir_quota_parse(s, n, &q, &error);
		break;
	case 5:
		(void)maildir_name_parse(buf_cstr(&tmp), &mn, &error);
		break;
	default:
		/* Decoding then encoding valid modified UTF-7 gives the input back. */
		if (maildir_mutf7_to_utf8(buf_cstr(&tmp), &out, &error) == 0) {
			struct buf back = BUF_INIT;
			if (maildir_mutf7_from_utf8(buf_cstr(&out), &back, &error) != 0 ||
			    (strlen(buf_cstr(&tmp)) == n &&
			     strcmp(buf_cstr(&back), buf_cstr(&tmp)) != 0))
				abort();
			buf_free(&back);
		}
		break;
	}
	buf_free(&tmp);
	buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const char *s = (const char *)data + 1;
	size_t n = size - 1;

	switch (data[0] % 7) {
	case 0:
		fuzz_uiddb(s, n);
		break;
	case 1:
		fuzz_pop3list(s, n);
		break;
	case 2:
		fuzz_keywords(s, n);
		break;
	default:
		fuzz_small(s, n, (char)(data[0] % 7));
		break;
	}
	return 0;
}
