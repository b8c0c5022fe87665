/* Unit tests for maildir/maildir-notify.c: inotify and the polling fallback. */
#include "config.h"
#include "maildir/maildir-deliver.h"
#include "maildir/maildir-name.h"
#include "maildir/maildir-notify.h"
#include "check-maildir-util.h"

#include <poll.h>
#include <time.h>

static void settle(void)
{
	/* Polling compares directory mtimes: make sure the clock moved past the last change. */
	struct timespec ts = {0, 20 * 1000 * 1000};
	nanosleep(&ts, NULL);
}

static const unsigned modes[] = {0, MAILDIR_NOTIFY_FORCE_POLL};

START_TEST(test_notify)
{
	char *md = tmd_make(), *name, *name2;
	struct maildir_notify n;
	const char *error;

	ck_assert_int_eq(maildir_notify_init(&n, md, modes[_i], &error), 0);
	if (modes[_i] == 0) {
		ck_assert_int_ge(maildir_notify_fd(&n), 0); /* inotify must exist on Linux */
	} else {
		ck_assert_int_eq(maildir_notify_fd(&n), -1);
	}
	ck_assert_int_eq(maildir_notify_changed(&n), 0);
	settle();
	ck_assert_int_eq(maildir_deliver_buffer(md, "x", 1, 0, 0, &name, &error), 0);
	if (modes[_i] == 0) {
		struct pollfd p = {maildir_notify_fd(&n), POLLIN, 0};
		ck_assert_int_eq(poll(&p, 1, 1000), 1);
	}
	ck_assert_int_eq(maildir_notify_changed(&n), 1);
	ck_assert_int_eq(maildir_notify_changed(&n), 0);
	free(name);
	settle();
	ck_assert_int_eq(maildir_deliver_buffer(md, "y", 1, 1, 0, &name, &error), 0);
	ck_assert_int_eq(maildir_notify_changed(&n), 1);
	settle();
	ck_assert_int_eq(maildir_deliver_set_flags(md, name, MAILDIR_FLAG_SEEN, &name2, &error), 0);
	ck_assert_int_eq(maildir_notify_changed(&n), 1);
	settle();
	ck_assert_int_eq(maildir_deliver_expunge(md, name2, &error), 0);
	ck_assert_int_eq(maildir_notify_changed(&n), 1);
	ck_assert_int_eq(maildir_notify_changed(&n), 0);
	free(name);
	free(name2);
	maildir_notify_deinit(&n);
	/* failure row: not a maildir */
	tmd_rm_rf(md);
	ck_assert_int_eq(maildir_notify_init(&n, md, modes[_i], &error), -1);
	ck_assert_str_eq(error, "cannot stat new/ or cur/");
	free(md);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("maildir-notify");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_notify, 0, 2);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
