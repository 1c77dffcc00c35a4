/* Dates, percentages, durations and the status words of the status page, formatted by hand. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "web/status_int.h"

static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
static const char weekdays[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Days since 1970-01-01 to the proleptic Gregorian calendar (H. Hinnant's civil_from_days). */
static void civil(int64_t z, struct status_tm *tm)
{
	int64_t era, yoe, doe, doy, mp;

	z += 719468;
	era = floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	tm->mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	tm->mon = (int)(mp < 10 ? mp + 3 : mp - 9);
	tm->year = (int)(yoe + era * 400 + (tm->mon <= 2));
}

void status_tm_of(int64_t ms, struct status_tm *tm)
{
	int64_t days = floor_div(ms, STATUS_MS_DAY), rest = ms - days * STATUS_MS_DAY;

	civil(days, tm);
	tm->wday = (int)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
	tm->hour = (int)(rest / STATUS_MS_HOUR);
	tm->min = (int)(rest / 60000 % 60);
	tm->sec = (int)(rest / 1000 % 60);
}

/* Writes the N low decimal digits of V at P. */
static void digits(char *p, int v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* Writes "YYYY-MM-DD" (10 bytes) at P. */
static void put_date(char *p, const struct status_tm *tm)
{
	digits(p, tm->year < 0 || tm->year > 9999 ? 0 : tm->year, 4);
	p[4] = '-';
	digits(p + 5, tm->mon, 2);
	p[7] = '-';
	digits(p + 8, tm->mday, 2);
}

void status_fmt_date(int64_t ms, char *out, size_t size)
{
	struct status_tm tm;

	if (size < 11) {
		if (size > 0)
			out[0] = '\0';
		return;
	}
	status_tm_of(ms, &tm);
	put_date(out, &tm);
	out[10] = '\0';
}

void status_fmt_iso(int64_t ms, char *out, size_t size)
{
	struct status_tm tm;
	int64_t frac = ms - (ms / 1000 - (ms % 1000 < 0)) * 1000;

	if (size < 25) {
		if (size > 0)
			out[0] = '\0';
		return;
	}
	status_tm_of(ms, &tm);
	put_date(out, &tm);
	out[10] = 'T';
	digits(out + 11, tm.hour, 2);
	out[13] = ':';
	digits(out + 14, tm.min, 2);
	out[16] = ':';
	digits(out + 17, tm.sec, 2);
	out[19] = '.';
	digits(out + 20, (int)frac, 3);
	out[23] = 'Z';
	out[24] = '\0';
}

void status_fmt_day(int64_t ms, char *out, size_t size)
{
	struct status_tm tm;

	status_tm_of(ms, &tm);
	snprintf(out, size, "%d %s %d", tm.mday, months[tm.mon - 1], tm.year);
}

void status_fmt_when(int64_t ms, char *out, size_t size)
{
	struct status_tm tm;

	status_tm_of(ms, &tm);
	snprintf(out, size, "%d %s %d, %02d:%02d UTC", tm.mday, months[tm.mon - 1], tm.year,
	         tm.hour, tm.min);
}

void status_fmt_rfc822(int64_t ms, char *out, size_t size)
{
	struct status_tm tm;

	status_tm_of(ms, &tm);
	snprintf(out, size, "%s, %02d %s %04d %02d:%02d:%02d +0000", weekdays[tm.wday], tm.mday,
	         months[tm.mon - 1], tm.year, tm.hour, tm.min, tm.sec);
}

long status_pct_hundredths(double pct)
{
	long h;

	if (!(pct >= 0))
		return -1;
	if (pct >= 100)
		return 10000;
	h = (long)floor(pct * 100 + 1e-6);
	return h < 10000 ? h : 9999;
}

const char *status_fmt_pct(double pct, char *out, size_t size)
{
	long h = status_pct_hundredths(pct);
	char *p = out;

	if (h < 0 || size < 8)
		return NULL;
	if (h == 10000) {
		memcpy(out, "100%", 5);
		return out;
	}
	if (h >= 1000)
		*p++ = (char)('0' + h / 1000);
	*p++ = (char)('0' + h / 100 % 10);
	*p++ = '.';
	*p++ = (char)('0' + h / 10 % 10);
	*p++ = (char)('0' + h % 10);
	*p++ = '%';
	*p = '\0';
	return out;
}

const char *status_fmt_ms(double ms, char *out, size_t size)
{
	if (!(ms >= 0) || !isfinite(ms))
		return NULL;
	if (ms < 1)
		snprintf(out, size, "%.2f ms", ms);
	else if (ms < 10)
		snprintf(out, size, "%.1f ms", ms);
	else if (ms < 10000)
		snprintf(out, size, "%d ms", (int)(ms + 0.5));
	else
		snprintf(out, size, "%.1f s", ms / 1000);
	return out;
}

void status_fmt_duration(int64_t ms, char *out, size_t size)
{
	int64_t s = ms < 0 ? 0 : ms / 1000, m = s / 60, h = m / 60, d = h / 24;

	if (d > 0)
		snprintf(out, size, "%lld d %lld h", (long long)d, (long long)(h % 24));
	else if (h > 0)
		snprintf(out, size, "%lld h %lld min", (long long)h, (long long)(m % 60));
	else if (m > 0)
		snprintf(out, size, "%lld min", (long long)m);
	else
		snprintf(out, size, "%lld s", (long long)s);
}

void status_put_int(struct buf *b, int64_t v)
{
	char tmp[24], *end = tmp + sizeof(tmp), *p = end;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	SP(buf_append(b, p, (size_t)(end - p)));
}

int status_day_class(double uptime)
{
	if (!(uptime >= 0))
		return 0;
	if (uptime >= 100)
		return 1;
	if (uptime >= 99)
		return 2;
	if (uptime >= 95)
		return 3;
	return 4;
}

const char *status_update_label(const char *status)
{
	static const char *const map[][2] = {
		{ "investigating", "Investigating" }, { "identified", "Identified" },
		{ "monitoring", "Monitoring" },       { "resolved", "Resolved" },
		{ "scheduled", "Scheduled" },         { "in_progress", "In progress" },
		{ "completed", "Completed" },
	};
	size_t i;

	for (i = 0; status != NULL && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(status, map[i][0]) == 0)
			return map[i][1];
	return NULL;
}

const char *status_impact_word(const char *impact)
{
	static const char *const words[] = { "none", "minor", "major", "critical" };
	size_t i;

	for (i = 0; impact != NULL && i < 4; i++)
		if (strcmp(impact, words[i]) == 0)
			return words[i];
	return "none";
}
