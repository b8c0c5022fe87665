/* Tests for the deliverquota program: exit codes 0 / 77 / 75, files on disk, maildirsize. */
#include "config.h"
#include "check-maildir-util.h"

#include <signal.h>
#include <sys/wait.h>

/* Run deliverquota with args, message on stdin; returns the exit status. */
static int run(const char *msg, const char *const *args)
{
	int in[2], status;
	pid_t pid;

	ck_assert_int_eq(pipe(in), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char *argv[8];
		int n = 0;
		argv[n++] = (char *)"deliverquota";
		for (; *args != NULL && n < 7; args++)
			argv[n++] = (char *)*args;
		argv[n] = NULL;
		dup2(in[0], 0);
		close(in[0]);
		close(in[1]);
		execv(DELIVERQUOTA, argv);
		_exit(127);
	}
	close(in[0]);
	/* The program may exit before reading (usage errors): EPIPE is fine then. */
	signal(SIGPIPE, SIG_IGN);
	(void)!write(in[1], msg, strlen(msg));
	close(in[1]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* The single file in dir/new, its contents checked. */
static void check_new(const char *md, int count)
{
	ck_assert_int_eq(tmd_count(md, "new"), count);
	ck_assert_int_eq(tmd_count(md, "tmp"), 0);
}

START_TEST(test_deliver_and_quota)
{
	char *md = tmd_make(), *size;
	const char msg[] = "Subject: hi\n\nhello\n"; /* 19 bytes */

	/* No quota anywhere: delivered, no maildirsize created. */
	ck_assert_int_eq(run(msg, (const char *const[]){md, NULL}), 0);
	check_new(md, 1);
	ck_assert_ptr_null(tmd_get(md, "maildirsize"));
	/* Quota on the command line: maildirsize created by recalculation, delta appended. */
	ck_assert_int_eq(run(msg, (const char *const[]){md, "50S", NULL}), 0);
	check_new(md, 2);
	size = tmd_get(md, "maildirsize");
	ck_assert_str_eq(size, "50S\n      19    1\n      19    1\n");
	free(size);
	/* 57 > 50 bytes: over quota, nothing delivered, nothing left in tmp/. */
	ck_assert_int_eq(run(msg, (const char *const[]){md, "50S", NULL}), 77);
	check_new(md, 2);
	/* Quota from maildirsize alone also applies. */
	ck_assert_int_eq(run(msg, (const char *const[]){md, NULL}), 77);
	/* Message-count quota. */
	ck_assert_int_eq(run(msg, (const char *const[]){md, "1000S,2C", NULL}), 77);
	ck_assert_int_eq(run(msg, (const char *const[]){md, "1000S,3C", NULL}), 0);
	check_new(md, 3);
	/* failure rows: temporary failures */
	ck_assert_int_eq(run(msg, (const char *const[]){md, "12Q", NULL}), 75);
	ck_assert_int_eq(run(msg, (const char *const[]){NULL}), 75);
	tmd_rm_rf(md);
	ck_assert_int_eq(run(msg, (const char *const[]){md, NULL}), 75);
	ck_assert_int_eq(run(msg, (const char *const[]){"-c", md, NULL}), 0);
	check_new(md, 1);
	tmd_rm_rf(md);
	free(md);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("maildir-deliverquota");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 60); /* a dozen exec()s, slow under sanitizers */
	tcase_add_test(tc, test_deliver_and_quota);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
