/* Parsing points in time given by people and scripts. */
#include "util/timeparse.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf/value.h"

/* "YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)" */
static int rfc3339(const char *s, int64_t *out)
{
	struct tm tm = { 0 };
	int y, mo, d, h, mi, sec, n = 0, oh = 0, om = 0;
	int64_t frac_ms = 0, t;
	const char *p;

	if (sscanf(s, "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
	    n == 0)
		return -1;
	p = s + n;
	if (*p == '.') {
		int digits = 0;

		for (p++; isdigit((unsigned char)*p); p++, digits++)
			if (digits < 3)
				frac_ms = frac_ms * 10 + (*p - '0');
		while (digits++ < 3)
			frac_ms *= 10;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d", &oh, &om) == 2) {
		if (*p == '-') {
			oh = -oh;
			om = -om;
		}
		p += 6;
	} else {
		return -1;
	}
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = (int64_t)timegm(&tm) - (oh * 3600 + om * 60);
	*out = t * 1000 + frac_ms;
	return 0;
}

int time_parse(const char *s, int64_t now_ms, int64_t *out)
{
	int64_t v;
	char *end;

	if (*s == '\0')
		return -1;
	if (isdigit((unsigned char)*s) && strchr(s, '-') == NULL) {
		long long n = strtoll(s, &end, 10);

		if (*end == '\0' && n >= 0) {
			*out = n < 100000000000LL ? n * 1000 : n; /* seconds, or ms past 1973 */
			return 0;
		}
	}
	if (conf_duration_parse(s, &v) == 0) {
		*out = now_ms - v;
		return 0;
	}
	return rfc3339(s, out);
}
