/* Concurrency and crash tests for the maildir store: forked processes appending, flagging,
 * expunging and syncing one Maildir; then SIGKILLed at random points. Afterwards every message
 * is where its journal says, UIDs never changed or repeated, and the uiddb parses. */
#include "config.h"
#include "maildir/maildir-deliver.h"
#include "maildir/maildir-file.h"
#include "maildir/maildir-index.h"
#include "maildir/maildir-name.h"
#include "maildir/maildir-pop3list.h"
#include "maildir/maildir-uiddb.h"
#include "check-maildir-util.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#define WORKERS 8
#define OPS_PER_WORKER 60

/* Journal lines, one write() each with O_APPEND so they never interleave:
 *   "A <base>"  appended (written after the commit)
 *   "X <base>"  about to expunge (written before the unlink)
 *   "U <uid> <base>" a UID this worker saw for base */
static void journal(const char *md, int worker, const char *fmt, const char *base, uint32_t uid)
{
	char path[4096], line[600];
	int fd, n;

	snprintf(path, sizeof(path), "%s/journal.%d", md, worker);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
	if (fd < 0)
		_exit(90);
	n = fmt[0] == 'U' ? snprintf(line, sizeof(line), "U %u %s\n", uid, base)
	                  : snprintf(line, sizeof(line), "%s %s\n", fmt, base);
	if (write(fd, line, (size_t)n) != n)
		_exit(91);
	close(fd);
}

static unsigned rnd(unsigned *state)
{
	*state = *state * 1103515245u + 12345u;
	return (*state >> 16) & 0x7fff;
}

/* Check that idx is sorted by strictly increasing UID. */
static int uids_ok(const struct maildir_index *idx)
{
	for (size_t i = 1; i < idx->msgs.n; i++) {
		if (idx->msgs.v[i - 1].uid >= idx->msgs.v[i].uid)
			return 0;
	}
	for (size_t i = 0; i < idx->msgs.n; i++) {
		if (idx->msgs.v[i].uid == 0 || idx->msgs.v[i].uid >= idx->nextuid)
			return 0;
	}
	return 1;
}

/* One worker: ops random operations; endless when ops == 0 (the crash test kills it). */
static void worker(const char *md, int id, int ops)
{
	struct maildir_index idx;
	struct maildir_pop3list pl;
	unsigned seed = (unsigned)getpid() * 2654435761u;
	const char *error;
	char body[256];

	maildir_index_init(&idx, md);
	maildir_pop3list_init(&pl);
	for (int i = 0; ops == 0 || i < ops; i++) {
		unsigned op = rnd(&seed) % 10;
		char *name = NULL, *nn = NULL;
		if (op < 4) {
			int len = snprintf(body, sizeof(body), "From: w%d\n\nmessage %d/%d\nEND\n",
			                   id, id, i);
			if (maildir_deliver_buffer(md, body, (size_t)len, op == 0,
			                           MAILDIR_FLAG_SEEN, &name, &error) < 0)
				_exit(10);
			struct maildir_name mn;
			(void)maildir_name_parse(name, &mn, &error);
			name[mn.base_len] = '\0';
			journal(md, id, "A", name, 0);
			free(name);
			continue;
		}
		if (op == 9) {
			if (maildir_pop3list_sync(md, &pl, &error) < 0)
				_exit(11);
			continue;
		}
		if (maildir_index_sync(&idx, &error) < 0)
			_exit(12);
		if (!uids_ok(&idx))
			_exit(13);
		if (idx.recovered)
			_exit(16);
		if (idx.msgs.n == 0)
			continue;
		struct maildir_entry *e = &idx.msgs.v[rnd(&seed) % idx.msgs.n];
		char base[300];
		snprintf(base, sizeof(base), "%.*s", (int)e->base_len, e->name);
		journal(md, id, "U", base, e->uid);
		if (op < 8) {
			/* Flag change: ENOENT means another worker renamed or expunged it. */
			if (maildir_deliver_set_flags(md, e->name, rnd(&seed) & MAILDIR_FLAGS_ALL,
			                              &nn, &error) == 0)
				free(nn);
			else if (errno != ENOENT)
				_exit(14);
		} else {
			journal(md, id, "X", base, 0);
			if (maildir_deliver_expunge(md, e->name, &error) < 0)
				_exit(15);
		}
	}
	maildir_index_free(&idx);
	maildir_pop3list_free(&pl);
	_exit(0);
}

struct seen {
	char *base;
	uint32_t uid;
	int appended, expunge_intent;
};

static int seen_cmp(const void *a, const void *b)
{
	return strcmp(((const struct seen *)a)->base, ((const struct seen *)b)->base);
}

/* Read all journals; returns a malloc'd array sorted by base (one row per journal line). */
static struct seen *read_journals(const char *md, size_t *n_r)
{
	struct seen *v = NULL;
	size_t n = 0, cap = 0;

	for (int w = 0; w < WORKERS; w++) {
		char name[64], *text, *p, *nl;
		snprintf(name, sizeof(name), "journal.%d", w);
		text = tmd_get(md, name);
		if (text == NULL)
			continue;
		for (p = text; *p != '\0'; p = nl + 1) {
			nl = strchr(p, '\n');
			ck_assert_ptr_nonnull(nl); /* single write(): never torn */
			*nl = '\0';
			if (n == cap) {
				cap = cap == 0 ? 1024 : cap * 2;
				v = realloc(v, cap * sizeof(*v));
			}
			memset(&v[n], 0, sizeof(v[n]));
			if (p[0] == 'U') {
				char *sp = strchr(p + 2, ' ');
				v[n].uid = (uint32_t)strtoul(p + 2, NULL, 10);
				v[n].base = strdup(sp + 1);
			} else {
				v[n].base = strdup(p + 2);
				v[n].appended = p[0] == 'A';
				v[n].expunge_intent = p[0] == 'X';
			}
			n++;
		}
		free(text);
	}
	qsort(v, n, sizeof(*v), seen_cmp);
	*n_r = n;
	return v;
}

/* The checks shared by both tests. */
static void verify(const char *md, uint32_t uidv)
{
	struct maildir_index idx;
	struct maildir_uiddb db;
	struct buf data = BUF_INIT;
	const char *error;
	size_t n, appended = 0;
	struct seen *v = read_journals(md, &n);

	maildir_index_init(&idx, md);
	ck_assert_int_eq(maildir_index_sync(&idx, &error), 0);
	ck_assert_int_eq(idx.recovered, 0);
	ck_assert_uint_eq(idx.uidvalidity, uidv);
	ck_assert(uids_ok(&idx));
	/* The uiddb on disk parses. */
	ck_assert_int_eq(maildir_file_read(md, MAILDIR_UIDDB_FILE, &data, &error), 0);
	maildir_uiddb_init(&db);
	ck_assert_int_eq(maildir_uiddb_parse(&db, &data, &error), 0);
	maildir_uiddb_free(&db);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		int app = 0, xp = 0;
		uint32_t uid = 0;
		for (; j < n && strcmp(v[j].base, v[i].base) == 0; j++) {
			app |= v[j].appended;
			xp |= v[j].expunge_intent;
			if (v[j].uid != 0) {
				/* Every session saw the same UID for a message: never renumbered.
				 */
				if (uid != 0)
					ck_assert_msg(v[j].uid == uid, "%s: uid %u then %u",
					              v[i].base, uid, v[j].uid);
				uid = v[j].uid;
			}
		}
		struct maildir_entry *e =
		    maildir_scan_find(&idx.msgs, v[i].base, strlen(v[i].base));
		/* idx.msgs is sorted by UID: look the base up linearly via a sorted copy instead.
		 */
		(void)e;
		size_t found = 0;
		for (size_t k = 0; k < idx.msgs.n; k++) {
			if (idx.msgs.v[k].base_len == strlen(v[i].base) &&
			    memcmp(idx.msgs.v[k].name, v[i].base, idx.msgs.v[k].base_len) == 0) {
				found++;
				if (uid != 0)
					ck_assert_uint_eq(idx.msgs.v[k].uid, uid);
			}
		}
		if (app) {
			appended++;
			ck_assert_uint_le(found, 1);
			if (!xp)
				ck_assert_uint_eq(found, 1); /* not lost */
		}
		i = j;
	}
	/* Nothing in cur/ that was not journaled except messages whose journal line was cut off
	 * by SIGKILL after the commit (the crash test allows those; they must be complete). */
	for (size_t k = 0; k < idx.msgs.n; k++) {
		struct maildir_entry *e = &idx.msgs.v[k];
		char rel[600], *body;
		snprintf(rel, sizeof(rel), "cur/%s", e->name);
		body = tmd_get(md, rel);
		if (body == NULL)
			continue; /* renamed meanwhile: impossible here, workers are gone */
		ck_assert_uint_eq(strlen(body), e->size); /* ,S= matches: never a half message */
		ck_assert_str_eq(body + strlen(body) - 4, "END\n");
		free(body);
	}
	ck_assert_int_eq(tmd_count(md, "new"), 0);
	ck_assert_uint_gt(appended, 0);
	for (size_t i = 0; i < n; i++)
		free(v[i].base);
	free(v);
	buf_free(&data);
	maildir_index_free(&idx);
}

static uint32_t prepare(const char *md)
{
	struct maildir_index idx;
	const char *error;
	uint32_t uidv;

	maildir_index_init(&idx, md);
	ck_assert_int_eq(maildir_index_sync(&idx, &error), 0);
	uidv = idx.uidvalidity;
	maildir_index_free(&idx);
	return uidv;
}

START_TEST(test_concurrent_workers)
{
	char *md = tmd_make();
	uint32_t uidv = prepare(md);
	pid_t pids[WORKERS];

	for (int w = 0; w < WORKERS; w++) {
		pids[w] = fork();
		ck_assert_int_ge(pids[w], 0);
		if (pids[w] == 0)
			worker(md, w, OPS_PER_WORKER);
	}
	for (int w = 0; w < WORKERS; w++) {
		int status;
		ck_assert_int_eq(waitpid(pids[w], &status, 0), pids[w]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		              "worker %d failed with status %d", w, status);
	}
	verify(md, uidv);
	tmd_rm_rf(md);
	free(md);
}
END_TEST

START_TEST(test_crash_workers)
{
	char *md = tmd_make();
	uint32_t uidv = prepare(md);
	pid_t pids[WORKERS];
	unsigned seed = 12345;
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (int w = 0; w < WORKERS; w++)
		pids[w] = -1;
	/* For ~3 s: keep 8 endless workers running and SIGKILL one at a random moment. */
	for (;;) {
		for (int w = 0; w < WORKERS; w++) {
			if (pids[w] > 0)
				continue;
			pids[w] = fork();
			ck_assert_int_ge(pids[w], 0);
			if (pids[w] == 0)
				worker(md, w, 0);
		}
		struct timespec ts = {0, (long)(rnd(&seed) % 20000) * 1000L};
		nanosleep(&ts, NULL);
		int w = (int)(rnd(&seed) % WORKERS), status;
		ck_assert_int_gt(pids[w], 0);
		kill(pids[w], SIGKILL);
		ck_assert_int_eq(waitpid(pids[w], &status, 0), pids[w]);
		/* Killed, or it failed a check on its own (exit code says which). */
		ck_assert_msg(WIFSIGNALED(status), "worker exited with status %d", status);
		pids[w] = -1;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= 3)
			break;
	}
	for (int w = 0; w < WORKERS; w++) {
		int status;
		if (pids[w] <= 0)
			continue; /* never kill(-1, ...) */
		kill(pids[w], SIGKILL);
		waitpid(pids[w], &status, 0);
		ck_assert_msg(WIFSIGNALED(status), "worker exited with status %d", status);
	}
	verify(md, uidv);
	tmd_rm_rf(md);
	free(md);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("maildir-concurrency");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_concurrent_workers);
	tcase_add_test(tc, test_crash_workers);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
