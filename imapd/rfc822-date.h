/* Date: header values (RFC 5322 §3.3 with the obsolete forms of §4.3) and civil-day helpers. */
#ifndef HATO_RFC822_DATE_H
#define HATO_RFC822_DATE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct rfc822_date {
	time_t time;    /* the instant (UTC) */
	int tz_minutes; /* the zone as written, e.g. +540 for +0900; 0 for unknown zones */
	/* The date's own calendar day as written (SENTON/SENTBEFORE/SENTSINCE compare these,
	 * not the UTC day). */
	int year, month, day; /* month 1-12 */
};

/* Parse a Date: value: "[Wed,] 17 Jul 1996 02:44:25 -0700", comments anywhere, seconds and
 * zone optional, two-digit years (< 50: 20xx, else 19xx) and three-digit years (+1900),
 * RFC 822 zones (UT GMT EST EDT CST CDT MST MDT PST PDT), military letters (as -0000, RFC 5322
 * §4.3) and a few common names (JST, CET, ...). -1 on anything else. */
int rfc822_date_parse(const char *value, size_t len, struct rfc822_date *date_r);

/* Days since 1970-01-01 of a proleptic Gregorian date (negative before). */
int64_t rfc822_date_days(int year, int month, int day);
/* Days in the month (0 for an invalid month). */
int rfc822_date_month_days(int year, int month);
/* "Jan".."Dec" to 1..12 (case-insensitive, exactly 3 letters), else 0. */
int rfc822_date_month(const char *name, size_t len);

#endif
