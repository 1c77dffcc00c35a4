/* Cron expressions: a Vixie-compatible parser and a next-occurrence search in wall time. */
#include "util/cron.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/tz.h"

#define SEARCH_YEARS 30   /* Feb 29 on a given weekday recurs within 28 */
#define MAX_TRIES    4096 /* candidates refused for being before T (DST overlaps) */

struct field {
	const char *name;
	int min, max;
	const char *const *names; /* index + min is the value */
};

static const char *const month_names[] = { "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL",
	                                   "AUG", "SEP", "OCT", "NOV", "DEC", NULL };
static const char *const wday_names[] = { "SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", NULL };

static const struct field fields[5] = {
	{ "minute", 0, 59, NULL },           { "hour", 0, 23, NULL },
	{ "day-of-month", 1, 31, NULL },     { "month", 1, 12, month_names },
	{ "day-of-week", 0, 7, wday_names },
};

static const struct {
	const char *name, *expr;
} macros[] = {
	{ "@yearly", "0 0 1 1 *" }, { "@annually", "0 0 1 1 *" }, { "@monthly", "0 0 1 * *" },
	{ "@weekly", "0 0 * * 0" }, { "@daily", "0 0 * * *" },    { "@midnight", "0 0 * * *" },
	{ "@hourly", "0 * * * *" },
};

/* Parsing state: the expression, where we are, and where errors go. */
struct parser {
	const char *expr, *p;
	char *err;
	size_t errlen;
};

static int fail(struct parser *ps, const struct field *f, const char *at, const char *why,
                const char *tok, int toklen)
{
	snprintf(ps->err, ps->errlen, "%s field, column %d: %s \"%.*s\"", f->name,
	         (int)(at - ps->expr) + 1, why, toklen, tok);
	return -1;
}

/* A number or, where the field has them, a name. Returns 0 or -1 (reported). */
static int value(struct parser *ps, const struct field *f, int *out)
{
	const char *s = ps->p;
	int v = 0, n = 0, i;

	if (isdigit((unsigned char)*s)) {
		for (; isdigit((unsigned char)*s); s++, n++)
			if (n < 4)
				v = v * 10 + (*s - '0');
		if (n > 3 || v < f->min || v > f->max) {
			char why[48];

			snprintf(why, sizeof(why), "out of range %d-%d:", f->min, f->max);
			return fail(ps, f, ps->p, why, ps->p, (int)(s - ps->p));
		}
	} else {
		for (; isalpha((unsigned char)*s); s++)
			n++;
		for (i = 0; f->names != NULL && n == 3 && f->names[i] != NULL; i++)
			if (strncasecmp(ps->p, f->names[i], 3) == 0)
				break;
		if (n == 0 || f->names == NULL || n != 3 || f->names[i] == NULL)
			return fail(ps, f, ps->p,
			            n == 0             ? "expected a number at"
			            : f->names != NULL ? "not a name (like JAN or MON):"
			                               : "not a number:",
			            ps->p, n ? n : 1);
		v = i + f->min;
	}
	ps->p = s;
	*out = v;
	return 0;
}

/* One item of a list: "*", "N", "N-M", any with "/STEP". ORs its values into *BITS. */
static int item(struct parser *ps, const struct field *f, uint64_t *bits)
{
	const char *start = ps->p;
	int lo = f->min, hi = f->max, step = 1, v;

	if (*ps->p == '*') {
		ps->p++;
		if (f->max == 7)
			hi = 6; /* '*' of day-of-week: each day once */
	} else {
		if (value(ps, f, &lo) < 0)
			return -1;
		hi = lo;
		if (*ps->p == '-') {
			ps->p++;
			if (value(ps, f, &hi) < 0)
				return -1;
			if (hi < lo)
				return fail(ps, f, start, "a range goes upwards:", start,
				            (int)(ps->p - start));
		} else if (*ps->p == '/') {
			hi = f->max;
		}
	}
	if (*ps->p == '/') {
		const char *s = ++ps->p;

		for (step = 0; isdigit((unsigned char)*ps->p) && step <= 99; ps->p++)
			step = step * 10 + (*ps->p - '0');
		if (ps->p == s || step < 1 || step > f->max) {
			char why[48];

			snprintf(why, sizeof(why), "a step is a number from 1 to %d, not", f->max);
			return fail(ps, f, s, why, s, ps->p > s ? (int)(ps->p - s) : 1);
		}
	}
	for (v = lo; v <= hi; v += step)
		*bits |= 1ULL << v;
	return 0;
}

/* A whole field: items separated by commas, up to a space or the end. */
static int field_parse(struct parser *ps, const struct field *f, uint64_t *bits, bool *star)
{
	*bits = 0;
	*star = *ps->p == '*';
	for (;;) {
		if (item(ps, f, bits) < 0)
			return -1;
		if (*ps->p != ',')
			break;
		ps->p++;
	}
	if (*ps->p != '\0' && !isspace((unsigned char)*ps->p))
		return fail(ps, f, ps->p, "unexpected", ps->p, 1);
	return 0;
}

/* "@daily" and the like, with nothing but spaces after. */
static int macro(const char *s, struct cron *out, char *err, size_t errlen)
{
	size_t i, n = strcspn(s, " \t\r\n\f\v"), rest = n + strspn(s + n, " \t\r\n\f\v");

	if (s[rest] != '\0') {
		snprintf(err, errlen, "column %zu: \"%s\" after %.*s", rest + 1, s + rest, (int)n,
		         s);
		return -1;
	}
	for (i = 0; i < sizeof(macros) / sizeof(macros[0]); i++)
		if (strlen(macros[i].name) == n && strncmp(s, macros[i].name, n) == 0)
			return cron_parse(macros[i].expr, out, err, errlen);
	snprintf(err, errlen, "unknown \"%.*s\" (@yearly, @monthly, @weekly, @daily, @hourly)",
	         (int)n, s);
	return -1;
}

int cron_parse(const char *expr, struct cron *out, char *err, size_t errlen)
{
	struct parser ps = { expr, expr, err, errlen };
	uint64_t bits[5];
	bool star[5];
	size_t i;

	memset(out, 0, sizeof(*out));
	while (isspace((unsigned char)*ps.p))
		ps.p++;
	if (*ps.p == '@')
		return macro(ps.p, out, err, errlen);
	for (i = 0; i < 5; i++) {
		while (isspace((unsigned char)*ps.p))
			ps.p++;
		if (*ps.p == '\0') {
			snprintf(err, errlen,
			         "%s field missing: a cron expression has 5 fields (minute hour "
			         "day-of-month month day-of-week), this one %zu",
			         fields[i].name, i);
			return -1;
		}
		if (field_parse(&ps, &fields[i], &bits[i], &star[i]) < 0)
			return -1;
	}
	while (isspace((unsigned char)*ps.p))
		ps.p++;
	if (*ps.p != '\0') {
		snprintf(err, errlen,
		         "column %d: \"%s\" after the 5 fields (minute hour day-of-month month "
		         "day-of-week)",
		         (int)(ps.p - expr) + 1, ps.p);
		return -1;
	}
	out->minutes = bits[0];
	out->hours = (uint32_t)bits[1];
	out->mdays = (uint32_t)bits[2];
	out->months = (uint16_t)bits[3];
	out->wdays = (uint8_t)((bits[4] | bits[4] >> 7) & 0x7f); /* 7 is Sunday too */
	out->mday_star = star[2];
	out->wday_star = star[4];
	out->wild = star[0] || star[1];
	return 0;
}

static bool day_matches(const struct cron *c, int64_t days, int mday)
{
	int wday = (int)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
	bool dom = c->mdays >> mday & 1, dow = c->wdays >> wday & 1;

	if (c->mday_star || c->wday_star)
		return dom && dow;
	return dom || dow;
}

/* The first wall time (minutes, as local seconds) at or after LOCAL that C matches; -1 none. */
static int64_t next_local(const struct cron *c, int64_t local)
{
	int64_t days = local / 86400 - (local % 86400 < 0), y, limit;
	int secs = (int)(local - days * 86400), h = secs / 3600, mi = (secs % 3600 + 59) / 60, mo,
	    d;

	tz_civil_from_days(days, &y, &mo, &d);
	limit = y + SEARCH_YEARS;
	while (y <= limit) {
		if (mi == 60) {
			mi = 0;
			h++;
		}
		if (h == 24) {
			h = 0;
			d++;
			days++;
		}
		if (d > tz_days_in_month(y, mo)) {
			d = 1;
			if (++mo > 12) {
				mo = 1;
				y++;
			}
			days = tz_days_from_civil(y, mo, d);
		}
		if (!(c->months >> mo & 1)) {
			d = 99; /* the next month */
			h = mi = 0;
		} else if (!day_matches(c, days, d)) {
			h = 24;
			mi = 0;
		} else if (!(c->hours >> h & 1)) {
			h++;
			mi = 0;
		} else if (!(c->minutes >> mi & 1)) {
			mi++;
		} else {
			return days * 86400 + h * 3600 + mi * 60;
		}
	}
	return -1;
}

int64_t cron_next(const struct cron *c, const struct tz *z, int64_t t)
{
	int32_t now = tz_offset(z, t, NULL), later = tz_offset(z, t + 86400, NULL);
	/* in an overlap to come, wall times earlier than t's may still be ahead */
	int64_t local = t + (later < now ? later : now), u[2];
	int tries;

	for (tries = 0; tries < MAX_TRIES; tries++, local += 60) {
		enum tz_local kind;

		if ((local = next_local(c, local)) < 0)
			return -1;
		kind = tz_local_to_utc(z, local, u);
		if (kind == TZ_LOCAL_GAP && c->wild)
			continue;
		if (u[0] >= t)
			return u[0];
		if (kind == TZ_LOCAL_TWICE && c->wild && u[1] >= t)
			return u[1];
	}
	return -1;
}

int cron_occurrence(const struct cron *c, const struct tz *z, int64_t duration_ms, int64_t now_ms,
                    int64_t *start_ms)
{
	int64_t from = now_ms - duration_ms + 1, s;

	/* an occurrence that started within DURATION before now is still running */
	from = from / 1000 + (from % 1000 > 0);
	if ((s = cron_next(c, z, from)) < 0)
		return -1;
	*start_ms = s * 1000;
	return 0;
}
