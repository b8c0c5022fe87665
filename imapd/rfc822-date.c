/* RFC 5322 §3.3 / §4.3 date-time parsing, lenient as mail in the wild needs. */
#include "config.h"
#include "rfc822-date.h"
#include "mime-header.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

static const char month_names[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static const struct {
	const char *name;
	int minutes;
} zone_names[] = {
	/* RFC 822 */
	{ "UT", 0 }, { "UTC", 0 }, { "GMT", 0 }, { "Z", 0 },
	{ "EST", -300 }, { "EDT", -240 }, { "CST", -360 }, { "CDT", -300 },
	{ "MST", -420 }, { "MDT", -360 }, { "PST", -480 }, { "PDT", -420 },
	/* Seen in real mail although no standard defines them. */
	{ "JST", 540 }, { "KST", 540 }, { "HKT", 480 }, { "SGT", 480 },
	{ "WET", 0 }, { "WEST", 60 }, { "BST", 60 }, { "CET", 60 }, { "CEST", 120 },
	{ "MET", 60 }, { "MEST", 120 }, { "EET", 120 }, { "EEST", 180 },
	{ "AEST", 600 }, { "AEDT", 660 }, { "NZST", 720 }, { "NZDT", 780 },
};

int rfc822_date_month(const char *name, size_t len)
{
	if (len != 3)
		return 0;
	for (int i = 0; i < 12; i++) {
		if (strncasecmp(name, month_names[i], 3) == 0)
			return i + 1;
	}
	return 0;
}

int rfc822_date_month_days(int year, int month)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	if (month < 1 || month > 12)
		return 0;
	return month == 2 && leap ? 29 : days[month - 1];
}

int64_t rfc822_date_days(int year, int month, int day)
{
	/* Howard Hinnant's days_from_civil. */
	int64_t y = year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t mp = (month + 9) % 12;
	int64_t doy = (153 * mp + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

struct lex {
	const char *p;
	size_t pos, len;
};

static bool number(struct lex *l, int min_digits, int max_digits, int *n_r, int *digits_r)
{
	int n = 0, d = 0;

	l->pos = mime_skip_cfws(l->p, l->pos, l->len);
	while (l->pos < l->len && isdigit((unsigned char)l->p[l->pos]) && d < max_digits) {
		n = n * 10 + (l->p[l->pos++] - '0');
		d++;
	}
	if (d < min_digits || (l->pos < l->len && isdigit((unsigned char)l->p[l->pos])))
		return false;
	*n_r = n;
	if (digits_r != NULL)
		*digits_r = d;
	return true;
}

static size_t word(struct lex *l, const char **start_r)
{
	size_t start;

	l->pos = mime_skip_cfws(l->p, l->pos, l->len);
	start = l->pos;
	while (l->pos < l->len && isalpha((unsigned char)l->p[l->pos]))
		l->pos++;
	*start_r = l->p + start;
	return l->pos - start;
}

static bool expect(struct lex *l, char c)
{
	l->pos = mime_skip_cfws(l->p, l->pos, l->len);
	if (l->pos < l->len && l->p[l->pos] == c) {
		l->pos++;
		return true;
	}
	return false;
}

static bool parse_zone(struct lex *l, int *minutes_r)
{
	const char *w;
	size_t n;

	*minutes_r = 0;
	l->pos = mime_skip_cfws(l->p, l->pos, l->len);
	if (l->pos >= l->len)
		return true; /* no zone: -0000 */
	if (l->p[l->pos] == '+' || l->p[l->pos] == '-') {
		int sign = l->p[l->pos++] == '-' ? -1 : 1, hhmm, digits;

		if (!number(l, 4, 4, &hhmm, &digits) || hhmm % 100 > 59)
			return false;
		*minutes_r = sign * ((hhmm / 100) * 60 + hhmm % 100);
		return true;
	}
	n = word(l, &w);
	if (n == 0)
		return false;
	for (size_t i = 0; i < sizeof(zone_names) / sizeof(zone_names[0]); i++) {
		if (strlen(zone_names[i].name) == n && strncasecmp(w, zone_names[i].name, n) == 0) {
			*minutes_r = zone_names[i].minutes;
			return true;
		}
	}
	/* Military letters and other names: -0000 (RFC 5322 §4.3). */
	return true;
}

int rfc822_date_parse(const char *value, size_t len, struct rfc822_date *date_r)
{
	struct lex l = { value, 0, len };
	const char *w;
	size_t n;
	int day, month, year, ydigits, hour, min, sec = 0, tz;
	size_t save;

	/* Optional day-of-week, with or without its comma. */
	save = l.pos;
	n = word(&l, &w);
	if (n > 0) {
		if (!expect(&l, ','))
			l.pos = mime_skip_cfws(l.p, l.pos, l.len);
	} else {
		l.pos = save;
	}
	if (!number(&l, 1, 2, &day, NULL))
		return -1;
	n = word(&l, &w);
	month = rfc822_date_month(w, n);
	if (month == 0)
		return -1;
	if (!number(&l, 2, 4, &year, &ydigits))
		return -1;
	if (ydigits == 2)
		year += year < 50 ? 2000 : 1900;
	else if (ydigits == 3)
		year += 1900;
	if (day < 1 || day > rfc822_date_month_days(year, month))
		return -1;
	if (!number(&l, 1, 2, &hour, NULL) || !expect(&l, ':') || !number(&l, 2, 2, &min, NULL))
		return -1;
	if (expect(&l, ':') && !number(&l, 2, 2, &sec, NULL))
		return -1;
	if (hour > 23 || min > 59 || sec > 60)
		return -1;
	if (!parse_zone(&l, &tz))
		return -1;
	date_r->year = year;
	date_r->month = month;
	date_r->day = day;
	date_r->tz_minutes = tz;
	date_r->time = (time_t)(rfc822_date_days(year, month, day) * 86400 + hour * 3600 +
				min * 60 + sec - (int64_t)tz * 60);
	return 0;
}
