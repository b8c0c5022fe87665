/* Unit tests for lib/privs.c. Every drop happens in a forked child, which reports by exit code;
 * the drops themselves need root and are skipped (with a note) only when not run as root. */
#include "config.h"
#include "privs.h"

#include <check.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define TEST_ID 65534

/* Run fn in a child; its return value is the child's exit code, 0 meaning all checks held. */
static int in_child(int (*fn)(void))
{
	pid_t pid = fork();
	int status;

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(fn());
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status), "child died by signal");
	return WEXITSTATUS(status);
}

static int ids_are(uid_t uid, gid_t gid)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return 0;
	return ru == uid && eu == uid && su == uid && rg == gid && eg == gid && sg == gid;
}

static int child_drop_plain(void)
{
	struct privs_target t = { TEST_ID, TEST_ID, NULL, NULL };
	const char *error = NULL;
	gid_t groups[4];

	if (privs_drop(&t, &error) < 0) {
		fprintf(stderr, "privs_drop: %s\n", error);
		return 1;
	}
	if (!ids_are(TEST_ID, TEST_ID))
		return 2;
	if (getgroups(4, groups) != 1 || groups[0] != TEST_ID)
		return 3;
	if (setuid(0) != -1 || seteuid(0) != -1 || setgid(0) != -1)
		return 4;
	if (setgroups(0, NULL) != -1)
		return 5;
	/* Dropping again to the same uid is the unprivileged same-user mode: success. */
	if (privs_drop(&t, &error) != 0)
		return 6;
	/* But switching to anybody else without root is refused. */
	t.uid = TEST_ID - 1;
	if (privs_drop(&t, &error) != -1 || strstr(error, "not root") == NULL)
		return 7;
	return 0;
}

START_TEST(test_drop_as_root)
{
	if (geteuid() != 0) {
		fprintf(stderr, "check-privs: not root, drop test not run\n");
		return;
	}
	ck_assert_int_eq(in_child(child_drop_plain), 0);
}
END_TEST

static int child_drop_initgroups(void)
{
	struct privs_target t = { TEST_ID, TEST_ID, "root", NULL };
	const char *error = NULL;
	gid_t groups[64];
	int n;

	/* initgroups("root", gid) gives root's groups (gid 0 among them) plus the target gid:
	 * the supplementary list follows the named user, the primary ids the target. */
	if (privs_drop(&t, &error) < 0) {
		fprintf(stderr, "privs_drop: %s\n", error);
		return 1;
	}
	if (!ids_are(TEST_ID, TEST_ID))
		return 2;
	n = getgroups(64, groups);
	if (n < 1)
		return 3;
	for (int i = 0; i < n; i++)
		if (groups[i] == TEST_ID)
			return setuid(0) == -1 ? 0 : 4;
	return 5;
}

START_TEST(test_drop_with_initgroups)
{
	if (geteuid() != 0)
		return;
	ck_assert_int_eq(in_child(child_drop_initgroups), 0);
}
END_TEST

static char jail[64];

static int child_drop_chroot(void)
{
	struct privs_target t = { TEST_ID, TEST_ID, NULL, jail };
	const char *error = NULL;
	char cwd[64];

	if (privs_drop(&t, &error) < 0) {
		fprintf(stderr, "privs_drop: %s\n", error);
		return 1;
	}
	if (access("/marker", F_OK) != 0)
		return 2;
	if (getcwd(cwd, sizeof(cwd)) == NULL || strcmp(cwd, "/") != 0)
		return 3;
	if (!ids_are(TEST_ID, TEST_ID) || chroot("/") != -1)
		return 4;
	return 0;
}

START_TEST(test_drop_with_chroot)
{
	char marker[96];
	FILE *f;

	if (geteuid() != 0)
		return;
	strcpy(jail, "/tmp/check-privs.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(jail));
	ck_assert_int_eq(chmod(jail, 0755), 0);
	snprintf(marker, sizeof(marker), "%s/marker", jail);
	f = fopen(marker, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	ck_assert_int_eq(in_child(child_drop_chroot), 0);
	unlink(marker);
	rmdir(jail);
}
END_TEST

static int child_bad_chroot(void)
{
	struct privs_target t = { TEST_ID, TEST_ID, NULL, "/nonexistent/hato-jail" };
	const char *error = NULL;

	if (privs_drop(&t, &error) != -1)
		return 1;
	if (strcmp(error, "chroot /nonexistent/hato-jail: No such file or directory") != 0) {
		fprintf(stderr, "unexpected error: %s\n", error);
		return 2;
	}
	/* Nothing was dropped on the way out. */
	return ids_are(0, 0) ? 0 : 3;
}

START_TEST(test_bad_chroot_fails_before_dropping)
{
	if (geteuid() != 0)
		return;
	ck_assert_int_eq(in_child(child_bad_chroot), 0);
}
END_TEST

START_TEST(test_refuses_uid_zero)
{
	struct privs_target t = { 0, 0, NULL, NULL };
	const char *error = NULL;

	ck_assert_int_eq(privs_drop(&t, &error), -1);
	ck_assert_str_eq(error, "refusing to run as root (target uid 0)");
	/* Whatever the group, and whoever asks: nothing changes. */
	uid_t before = geteuid();
	t.gid = TEST_ID;
	ck_assert_int_eq(privs_drop(&t, &error), -1);
	ck_assert_str_eq(error, "refusing to run as root (target uid 0)");
	ck_assert_uint_eq(geteuid(), before);
}
END_TEST

static int child_same_uid(void)
{
	struct privs_target t = { 0, 0, NULL, NULL };
	const char *error = NULL;

	if (geteuid() == 0) {
		/* Become an ordinary user by other means first, then ask for what we are. */
		if (setgroups(0, NULL) < 0 || setresgid(TEST_ID, TEST_ID, TEST_ID) < 0 ||
		    setresuid(TEST_ID, TEST_ID, TEST_ID) < 0)
			return 10;
	}
	t.uid = getuid();
	t.gid = getgid();
	if (privs_drop(&t, &error) != 0) {
		fprintf(stderr, "privs_drop: %s\n", error);
		return 1;
	}
	return ids_are(t.uid, t.gid) ? 0 : 2;
}

START_TEST(test_non_root_same_uid)
{
	ck_assert_int_eq(in_child(child_same_uid), 0);
}
END_TEST

START_TEST(test_lookup_user)
{
	uid_t uid = 1;
	gid_t gid = 1;
	const char *error = NULL;

	ck_assert_int_eq(privs_lookup_user("root", &uid, &gid, &error), 0);
	ck_assert_uint_eq(uid, 0);
	ck_assert_uint_eq(gid, 0);
	ck_assert_int_eq(privs_lookup_user("hato-no-such-user", &uid, &gid, &error), -1);
	ck_assert_str_eq(error, "no such user: hato-no-such-user");
}
END_TEST

static Suite *privs_suite(void)
{
	Suite *s = suite_create("privs");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_drop_as_root);
	tcase_add_test(tc, test_drop_with_initgroups);
	tcase_add_test(tc, test_drop_with_chroot);
	tcase_add_test(tc, test_bad_chroot_fails_before_dropping);
	tcase_add_test(tc, test_refuses_uid_zero);
	tcase_add_test(tc, test_non_root_same_uid);
	tcase_add_test(tc, test_lookup_user);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(privs_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
