/* Unit tests for imapd/rfc822-date.c and imapd/imap-date.c. */
#include "config.h"
#include "rfc822-date.h"
#include "imap-date.h"
#include "buf.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

struct row {
	const char *in;
	int ok;
	long long time; /* UTC seconds */
	int tz, year, month, day;
};

static const struct row rows[] = {
	{ "Wed, 17 Jul 1996 02:44:25 -0700", 1, 837596665, -420, 1996, 7, 17 },
	{ "17 Jul 1996 02:44:25 -0700", 1, 837596665, -420, 1996, 7, 17 },
	{ "Wed 17 Jul 1996 02:44:25 -0700 (PDT)", 1, 837596665, -420, 1996, 7, 17 },
	{ " (c) Wed,(c)17(c)Jul(c)1996 02:44:25(c)-0700", 1, 837596665, -420, 1996, 7, 17 },
	{ "Wed, 17 Jul 1996 02:44:25 PDT", 1, 837596665, -420, 1996, 7, 17 },
	{ "Wed, 17 Jul 96 02:44:25 -0700", 1, 837596665, -420, 1996, 7, 17 },
	{ "Wed, 17 Jul 096 02:44:25 -0700", 1, 837596665, -420, 1996, 7, 17 },
	{ "Sat, 1 Jan 2000 00:00:00 +0900", 1, 946652400, 540, 2000, 1, 1 },
	/* The Date header's own day is Jan 1 although it is Dec 31 in UTC. */
	{ "Sat, 01 Jan 00 08:59 JST", 1, 946684740, 540, 2000, 1, 1 },
	{ "1 Jan 2000 00:00:00 GMT", 1, 946684800, 0, 2000, 1, 1 },
	{ "1 Jan 2000 00:00:00 UT", 1, 946684800, 0, 2000, 1, 1 },
	{ "1 Jan 2000 05:00:00 EST", 1, 946720800, -300, 2000, 1, 1 },
	{ "1 Jan 2000 00:00:00 Z", 1, 946684800, 0, 2000, 1, 1 },
	{ "1 Jan 2000 00:00:00 A", 1, 946684800, 0, 2000, 1, 1 }, /* military: -0000 */
	{ "1 Jan 2000 00:00:00", 1, 946684800, 0, 2000, 1, 1 },
	{ "1 jan 2000 00:00 +0000", 1, 946684800, 0, 2000, 1, 1 },
	{ "29 Feb 2000 12:00:00 +0000", 1, 951825600, 0, 2000, 2, 29 },
	{ "31 Dec 1969 23:59:59 +0000", 1, -1, 0, 1969, 12, 31 },
	{ "1 Jan 2000 00:00:60 +0000", 1, 946684860, 0, 2000, 1, 1 }, /* leap second */
	{ "1 Jan 2000 00:00:00 +0530", 1, 946665000, 330, 2000, 1, 1 },
	{ "", 0, 0, 0, 0, 0, 0 },
	{ "garbage", 0, 0, 0, 0, 0, 0 },
	{ "29 Feb 1900 00:00:00 +0000", 0, 0, 0, 0, 0, 0 },
	{ "32 Jan 2000 00:00:00 +0000", 0, 0, 0, 0, 0, 0 },
	{ "1 Foo 2000 00:00:00 +0000", 0, 0, 0, 0, 0, 0 },
	{ "1 Jan 2000 24:00:00 +0000", 0, 0, 0, 0, 0, 0 },
	{ "1 Jan 2000 00:60:00 +0000", 0, 0, 0, 0, 0, 0 },
	{ "1 Jan 2000 00:00:00 +00", 0, 0, 0, 0, 0, 0 },
	{ "1 Jan 2000 00:00:00 +0099", 0, 0, 0, 0, 0, 0 },
	{ "1 Jan 2000", 0, 0, 0, 0, 0, 0 },
	{ "1 Jan 20000 00:00:00 +0000", 0, 0, 0, 0, 0, 0 },
	{ "2000-01-01T00:00:00Z", 0, 0, 0, 0, 0, 0 },
};

START_TEST(test_rfc822_rows)
{
	const struct row *r = &rows[_i];
	struct rfc822_date d;
	int ret = rfc822_date_parse(r->in, strlen(r->in), &d);

	if (!r->ok) {
		ck_assert_msg(ret == -1, "accepted: %s", r->in);
		return;
	}
	ck_assert_msg(ret == 0, "rejected: %s", r->in);
	ck_assert_int_eq((long long)d.time, r->time);
	ck_assert_int_eq(d.tz_minutes, r->tz);
	ck_assert_int_eq(d.year, r->year);
	ck_assert_int_eq(d.month, r->month);
	ck_assert_int_eq(d.day, r->day);
}
END_TEST

START_TEST(test_days)
{
	ck_assert_int_eq(rfc822_date_days(1970, 1, 1), 0);
	ck_assert_int_eq(rfc822_date_days(2000, 3, 1), 11017);
	ck_assert_int_eq(rfc822_date_days(1969, 12, 31), -1);
	ck_assert_int_eq(rfc822_date_month_days(2000, 2), 29);
	ck_assert_int_eq(rfc822_date_month_days(2100, 2), 28);
	ck_assert_int_eq(rfc822_date_month_days(2001, 13), 0);
}
END_TEST

struct dt_row {
	const char *in;
	int ok;
	long long time;
	int tz;
	const char *out; /* written back */
};

static const struct dt_row dt_rows[] = {
	{ "17-Jul-1996 02:44:25 -0700", 1, 837596665, -420, "\"17-Jul-1996 02:44:25 -0700\"" },
	{ " 7-Jul-1996 02:44:25 +0000", 1, 836707465, 0, "\"07-Jul-1996 02:44:25 +0000\"" },
	{ "7-jul-1996 02:44:25 +0000", 1, 836707465, 0, "\"07-Jul-1996 02:44:25 +0000\"" },
	{ "01-Jan-2000 00:00:00 +0900", 1, 946652400, 540, "\"01-Jan-2000 00:00:00 +0900\"" },
	{ "31-Dec-1969 23:59:59 +0000", 1, -1, 0, "\"31-Dec-1969 23:59:59 +0000\"" },
	{ "01-Jan-2000 00:00:00 -0030", 1, 946686600, -30, "\"01-Jan-2000 00:00:00 -0030\"" },
	{ "17-Jul-1996 02:44:25", 0, 0, 0, NULL },
	{ "17-Jul-1996 2:44:25 -0700", 0, 0, 0, NULL },
	{ "17-Jul-96 02:44:25 -0700", 0, 0, 0, NULL },
	{ "30-Feb-1996 02:44:25 -0700", 0, 0, 0, NULL },
	{ "17-Jux-1996 02:44:25 -0700", 0, 0, 0, NULL },
	{ "17-Jul-1996 02:44:25 -0700 ", 0, 0, 0, NULL },
	{ "17-Jul-1996 02:44:25 0700", 0, 0, 0, NULL },
	{ "", 0, 0, 0, NULL },
};

START_TEST(test_datetime_rows)
{
	const struct dt_row *r = &dt_rows[_i];
	time_t t;
	int tz;
	struct buf b = BUF_INIT;

	if (!r->ok) {
		ck_assert_int_eq(imap_date_parse_datetime(r->in, &t, &tz), -1);
		return;
	}
	ck_assert_int_eq(imap_date_parse_datetime(r->in, &t, &tz), 0);
	ck_assert_int_eq((long long)t, r->time);
	ck_assert_int_eq(tz, r->tz);
	imap_date_write_datetime(&b, t, tz);
	ck_assert_str_eq(buf_cstr(&b), r->out);
	buf_free(&b);
}
END_TEST

START_TEST(test_search_day)
{
	int y, m, d;

	ck_assert_int_eq(imap_date_parse_day("1-Feb-1994", &y, &m, &d), 0);
	ck_assert_int_eq(y, 1994);
	ck_assert_int_eq(m, 2);
	ck_assert_int_eq(d, 1);
	ck_assert_int_eq(imap_date_parse_day("28-feb-1994", &y, &m, &d), 0);
	ck_assert_int_eq(d, 28);
	ck_assert_int_eq(imap_date_parse_day("29-Feb-1994", &y, &m, &d), -1);
	ck_assert_int_eq(imap_date_parse_day("1-Feb-94", &y, &m, &d), -1);
	ck_assert_int_eq(imap_date_parse_day("001-Feb-1994", &y, &m, &d), -1);
	ck_assert_int_eq(imap_date_parse_day(" 1-Feb-1994", &y, &m, &d), -1);
	ck_assert_int_eq(imap_date_parse_day("1-Feb-1994x", &y, &m, &d), -1);
	ck_assert_int_eq(imap_date_parse_day("1-Fe", &y, &m, &d), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rfc822-date");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_rfc822_rows, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, test_days);
	tcase_add_loop_test(tc, test_datetime_rows, 0, (int)(sizeof(dt_rows) / sizeof(dt_rows[0])));
	tcase_add_test(tc, test_search_day);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
