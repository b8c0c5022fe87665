/* IMAP date-time and date (RFC 3501 §9 date, date-time): parsing and writing. */
#include "config.h"
#include "imap-date.h"
#include "rfc822-date.h"
#include "buf.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

static const char month_names[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static int digits(const char **p, int count, int *n_r)
{
	int n = 0;

	for (int i = 0; i < count; i++, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		n = n * 10 + (**p - '0');
	}
	*n_r = n;
	return 0;
}

/* "d-Mon-yyyy" with a 1-2 digit day (leading space allowed when fixed). */
static int parse_date(const char **pp, bool fixed, int *y, int *m, int *d)
{
	const char *p = *pp;

	if (fixed && *p == ' ')
		p++;
	if (digits(&p, 1, d) < 0)
		return -1;
	if (isdigit((unsigned char)*p)) {
		*d = *d * 10 + (*p - '0');
		p++;
	}
	if (*p++ != '-')
		return -1;
	*m = rfc822_date_month(p, strnlen(p, 3) == 3 ? 3 : 0);
	if (*m == 0)
		return -1;
	p += 3;
	if (*p++ != '-' || digits(&p, 4, y) < 0)
		return -1;
	if (*d < 1 || *d > rfc822_date_month_days(*y, *m))
		return -1;
	*pp = p;
	return 0;
}

int imap_date_parse_day(const char *str, int *year_r, int *month_r, int *day_r)
{
	const char *p = str;

	if (parse_date(&p, false, year_r, month_r, day_r) < 0 || *p != '\0')
		return -1;
	return 0;
}

int imap_date_parse_datetime(const char *str, time_t *time_r, int *tz_minutes_r)
{
	const char *p = str;
	int y, m, d, hh, mm, ss, zone, sign;

	if (parse_date(&p, true, &y, &m, &d) < 0 || *p++ != ' ')
		return -1;
	if (digits(&p, 2, &hh) < 0 || *p++ != ':' || digits(&p, 2, &mm) < 0 || *p++ != ':' ||
	    digits(&p, 2, &ss) < 0 || *p++ != ' ')
		return -1;
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if (digits(&p, 4, &zone) < 0 || *p != '\0')
		return -1;
	if (hh > 23 || mm > 59 || ss > 60 || zone % 100 > 59)
		return -1;
	*tz_minutes_r = sign * (zone / 100 * 60 + zone % 100);
	*time_r = (time_t)(rfc822_date_days(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss -
			   (int64_t)*tz_minutes_r * 60);
	return 0;
}

void imap_date_write_datetime(struct buf *out, time_t t, int tz_minutes)
{
	int64_t local = (int64_t)t + (int64_t)tz_minutes * 60;
	int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	int64_t secs = local - days * 86400;
	/* Howard Hinnant's civil_from_days. */
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int day = (int)(doy - (153 * mp + 2) / 5 + 1);
	int month = (int)(mp < 10 ? mp + 3 : mp - 9);
	int64_t year = yoe + era * 400 + (month <= 2);
	int tz = tz_minutes < 0 ? -tz_minutes : tz_minutes;

	buf_printf(out, "\"%02d-%s-%04lld %02d:%02d:%02d %c%02d%02d\"", day, month_names[month - 1],
		   (long long)year, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60),
		   tz_minutes < 0 ? '-' : '+', tz / 60, tz % 60);
}
