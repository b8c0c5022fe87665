/* IMAP date formats (RFC 3501 §9): INTERNALDATE date-time and SEARCH dates. */
#ifndef HATO_IMAP_DATE_H
#define HATO_IMAP_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct buf;

/* Parse a date-time "17-Jul-1996 02:44:25 -0700" (day " 7", "07" or "7"), without the quotes.
 * -1 on any syntax or range error. */
int imap_date_parse_datetime(const char *str, time_t *time_r, int *tz_minutes_r);
/* Append "17-Jul-1996 02:44:25 -0700" (with the quotes) for time t shown in zone tz_minutes. */
void imap_date_write_datetime(struct buf *out, time_t t, int tz_minutes);
/* Parse a SEARCH date "1-Feb-1994" (date-day 1*2DIGIT); year, month (1-12), day. */
int imap_date_parse_day(const char *str, int *year_r, int *month_r, int *day_r);

#endif
