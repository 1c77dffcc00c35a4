/* A reader of TZif files (RFC 8536) and of POSIX TZ strings, without libc's global TZ state. */
#include "util/tz.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/xmalloc.h"

#define HEADER_LEN 44
#define OFF_MIN    (-89999) /* RFC 8536: utoff within -25 h and +26 h */
#define OFF_MAX    93599
#define HOUR       3600

struct tz_type {
	int32_t utoff; /* seconds east of UTC */
	bool isdst;
	char abbr[TZ_ABBR_MAX];
};

/* A POSIX TZ rule date and time: Jn, n or Mm.w.d, then /time. */
struct tz_rule {
	char kind; /* 'J' (1-365, no Feb 29), 'D' (0-365), 'M' */
	int n, m, w, d;
	int32_t time; /* seconds after local midnight; may be negative or past 24 h (v3) */
};

/* The footer's TZ string ("CET-1CEST,M3.5.0,M10.5.0/3"): local time after the table. */
struct tz_posix {
	bool valid, has_dst;
	struct tz_type std, dst;
	struct tz_rule start, end;
};

struct tz {
	char name[TZ_NAME_MAX];
	int64_t *trans; /* ascending */
	uint8_t *idx;   /* the type in effect from trans[i] */
	size_t ntrans;
	struct tz_type *types;
	size_t ntypes;
	struct tz_posix footer;
};

/* A stretch of time with one local time type: [start, end). */
struct period {
	int64_t start, end;
	const struct tz_type *type;
};

/* TZif counts, in file order. */
struct header {
	char version;
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static const struct tz_type utc_type = { 0, false, "UTC" };

int64_t tz_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void tz_civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
	int64_t z = days + 719468, era, doe, yoe, doy, mp;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int tz_days_in_month(int64_t y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : days[m - 1];
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

bool tz_name_valid(const char *name)
{
	size_t i, len = strlen(name);

	if (len == 0 || len >= TZ_NAME_MAX || name[0] == '/' || name[len - 1] == '/')
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (c == '/' && name[i + 1] == '/')
			return false;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '+' || c == '-' || c == '/'))
			return false;
	}
	return true;
}

/* POSIX TZ strings */

/* A zone name: 3 or more letters, or <...> of letters, digits, + and -. */
static const char *posix_name(const char *s, char *out)
{
	size_t n = 0;

	if (*s == '<') {
		for (s++; *s && *s != '>'; s++) {
			if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
			      (*s >= '0' && *s <= '9') || *s == '+' || *s == '-'))
				return NULL;
			if (n < TZ_ABBR_MAX - 1)
				out[n++] = *s;
		}
		if (*s != '>')
			return NULL;
		s++;
	} else {
		for (; (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'); s++)
			if (n < TZ_ABBR_MAX - 1)
				out[n++] = *s;
	}
	out[n] = '\0';
	return n >= 3 ? s : NULL;
}

/* [+-]hh[:mm[:ss]] with hours up to MAXH, as seconds. */
static const char *posix_hms(const char *s, int maxh, int32_t *out)
{
	int sign = 1, part[3] = { 0, 0, 0 }, i, digits;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	for (i = 0; i < 3; i++) {
		if (i > 0 && *s != ':')
			break;
		if (i > 0)
			s++;
		for (digits = 0; *s >= '0' && *s <= '9' && digits < 3; s++, digits++)
			part[i] = part[i] * 10 + (*s - '0');
		if (digits == 0)
			return NULL;
	}
	if (part[0] > maxh || part[1] > 59 || part[2] > 59)
		return NULL;
	*out = sign * (part[0] * HOUR + part[1] * 60 + part[2]);
	return s;
}

static const char *posix_num(const char *s, int lo, int hi, int *out)
{
	int v = 0, digits = 0;

	for (; *s >= '0' && *s <= '9' && digits < 4; s++, digits++)
		v = v * 10 + (*s - '0');
	if (digits == 0 || v < lo || v > hi)
		return NULL;
	*out = v;
	return s;
}

/* ",Jn[/time]", ",n[/time]" or ",Mm.w.d[/time]" */
static const char *posix_rule(const char *s, struct tz_rule *r)
{
	if (*s++ != ',')
		return NULL;
	memset(r, 0, sizeof(*r));
	r->time = 2 * HOUR;
	if (*s == 'J') {
		r->kind = 'J';
		s = posix_num(s + 1, 1, 365, &r->n);
	} else if (*s == 'M') {
		r->kind = 'M';
		if ((s = posix_num(s + 1, 1, 12, &r->m)) == NULL || *s++ != '.' ||
		    (s = posix_num(s, 1, 5, &r->w)) == NULL || *s++ != '.')
			return NULL;
		s = posix_num(s, 0, 6, &r->d);
	} else {
		r->kind = 'D';
		s = posix_num(s, 0, 365, &r->n);
	}
	if (s != NULL && *s == '/')
		s = posix_hms(s + 1, 167, &r->time); /* RFC 8536 3.3.1: -167 to 167 hours */
	return s;
}

/* Parses a footer TZ string into P; an empty string leaves P invalid. Returns 0 or -1. */
static int posix_parse(const char *s, struct tz_posix *p)
{
	int32_t off;

	memset(p, 0, sizeof(*p));
	if (*s == '\0')
		return 0;
	if ((s = posix_name(s, p->std.abbr)) == NULL || (s = posix_hms(s, 24, &off)) == NULL)
		return -1;
	p->std.utoff = -off; /* POSIX counts hours west */
	if (*s != '\0') {
		p->has_dst = true;
		p->dst.isdst = true;
		if ((s = posix_name(s, p->dst.abbr)) == NULL)
			return -1;
		p->dst.utoff = p->std.utoff + HOUR;
		if (*s != ',' && *s != '\0') {
			if ((s = posix_hms(s, 24, &off)) == NULL)
				return -1;
			p->dst.utoff = -off;
		}
		if (*s == '\0') /* no rules: the US ones, as glibc assumes */
			s = ",M3.2.0,M11.1.0";
		if ((s = posix_rule(s, &p->start)) == NULL || (s = posix_rule(s, &p->end)) == NULL)
			return -1;
	}
	if (*s != '\0')
		return -1;
	p->valid = true;
	return 0;
}

/* Days since the epoch of the local date rule R falls on in year Y. */
static int64_t rule_day(const struct tz_rule *r, int64_t y)
{
	int64_t jan1 = tz_days_from_civil(y, 1, 1), first, day;
	int wday;

	if (r->kind == 'J')
		return jan1 + r->n - 1 + (leap(y) && r->n >= 60);
	if (r->kind == 'D')
		return jan1 + r->n;
	first = tz_days_from_civil(y, r->m, 1);
	wday = (int)((first % 7 + 11) % 7); /* 1970-01-01 was a Thursday (4) */
	day = first + (r->d - wday + 7) % 7 + 7 * (r->w - 1);
	while (day - first >= tz_days_in_month(y, r->m))
		day -= 7; /* w = 5: the last such weekday */
	return day;
}

/* The footer's period around T: its transitions of the years about T, sorted. */
static void posix_period(const struct tz_posix *p, int64_t t, struct period *out)
{
	struct {
		int64_t at;
		const struct tz_type *to;
	} tr[8], tmp;
	int64_t y;
	int d, m, n = 0, i, j;

	out->start = INT64_MIN;
	out->end = INT64_MAX;
	out->type = &p->std;
	if (!p->has_dst)
		return;
	tz_civil_from_days(floor_div(t, 86400), &y, &m, &d);
	for (y -= 2, i = 0; i < 4; i++, y++) {
		tr[n].at = rule_day(&p->start, y) * 86400 + p->start.time - p->std.utoff;
		tr[n++].to = &p->dst;
		tr[n].at = rule_day(&p->end, y) * 86400 + p->end.time - p->dst.utoff;
		tr[n++].to = &p->std;
	}
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && tr[j - 1].at > tr[j].at; j--) {
			tmp = tr[j];
			tr[j] = tr[j - 1];
			tr[j - 1] = tmp;
		}
	for (i = 0; i < n && tr[i].at <= t; i++)
		;
	/* years -2 to +1 always put a transition on each side of t */
	out->start = i > 0 ? tr[i - 1].at : INT64_MIN;
	out->type = i > 0 ? tr[i - 1].to : (tr[0].to == &p->dst ? &p->std : &p->dst);
	out->end = i < n ? tr[i].at : INT64_MAX;
}

/* The period of Z that holds instant T. */
static void period_at(const struct tz *z, int64_t t, struct period *p)
{
	size_t lo = 0, hi = z->ntrans;

	if (z->ntrans == 0 && z->footer.valid) {
		posix_period(&z->footer, t, p);
		return;
	}
	if (z->ntrans == 0 || t < z->trans[0]) {
		p->start = INT64_MIN;
		p->end = z->ntrans > 0 ? z->trans[0] : INT64_MAX;
		p->type = &z->types[0]; /* RFC 8536 3.2: type 0 before the first transition */
		return;
	}
	while (hi - lo > 1) { /* the last transition at or before t */
		size_t mid = lo + (hi - lo) / 2;

		if (z->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	if (lo == z->ntrans - 1 && z->footer.valid) {
		posix_period(&z->footer, t, p);
		if (p->start < z->trans[lo])
			p->start = z->trans[lo];
		return;
	}
	p->start = z->trans[lo];
	p->end = lo + 1 < z->ntrans ? z->trans[lo + 1] : INT64_MAX;
	p->type = &z->types[z->idx[lo]];
}

int32_t tz_offset(const struct tz *z, int64_t t, char *abbr)
{
	struct period p;

	period_at(z, t, &p);
	if (abbr != NULL)
		snprintf(abbr, TZ_ABBR_MAX, "%s", p.type->abbr);
	return p.type->utoff;
}

enum tz_local tz_local_to_utc(const struct tz *z, int64_t local, int64_t out[2])
{
	struct period p;
	int64_t u, gap = 0;
	int32_t prev = 0;
	bool have_prev = false, have_gap = false;
	int n = 0;

	/* every solution local - utoff lies within these bounds */
	period_at(z, local - OFF_MAX - 1, &p);
	for (;;) {
		u = local - p.type->utoff;
		if (u >= p.start && u < p.end) {
			if (n < 2)
				out[n++] = u;
		} else if (n == 0 && !have_gap && have_prev && u < p.start &&
		           local - prev >= p.start) {
			gap = p.start; /* the previous offset ran out before, this one starts after */
			have_gap = true;
		}
		if (p.end == INT64_MAX || p.end > local - OFF_MIN + 1)
			break;
		prev = p.type->utoff;
		have_prev = true;
		period_at(z, p.end, &p);
	}
	if (n == 2)
		return TZ_LOCAL_TWICE;
	if (n == 1)
		return TZ_LOCAL_ONE;
	out[0] = have_gap ? gap : local - tz_offset(z, local, NULL);
	return TZ_LOCAL_GAP;
}

/* TZif files */

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static int header_read(const uint8_t *p, size_t len, struct header *h)
{
	if (len < HEADER_LEN || memcmp(p, "TZif", 4) != 0)
		return -1;
	h->version = (char)p[4];
	h->isutcnt = be32(p + 20);
	h->isstdcnt = be32(p + 24);
	h->leapcnt = be32(p + 28);
	h->timecnt = be32(p + 32);
	h->typecnt = be32(p + 36);
	h->charcnt = be32(p + 40);
	return 0;
}

/* Bytes of the data block after a header, with TIMESIZE-byte times. */
static uint64_t block_len(const struct header *h, int timesize)
{
	return (uint64_t)h->timecnt * (uint64_t)(timesize + 1) + (uint64_t)h->typecnt * 6 +
	       h->charcnt + (uint64_t)h->leapcnt * (uint64_t)(timesize + 4) + h->isstdcnt +
	       h->isutcnt;
}

/* Decodes the data block at P (BLOCK bytes, checked) into Z. Returns NULL or the error. */
static const char *block_read(struct tz *z, const struct header *h, const uint8_t *p, int timesize)
{
	const uint8_t *idx = p + (size_t)h->timecnt * timesize, *types = idx + h->timecnt;
	const char *chars = (const char *)(types + (size_t)h->typecnt * 6);
	size_t i;

	if (h->typecnt == 0 || h->typecnt > 256 || h->charcnt == 0)
		return "no local time types";
	if (h->leapcnt > 0)
		return "leap-second zones (right/...) are not supported";
	if ((h->isstdcnt != 0 && h->isstdcnt != h->typecnt) ||
	    (h->isutcnt != 0 && h->isutcnt != h->typecnt))
		return "bad isstd/isut counts";
	if (chars[h->charcnt - 1] != '\0')
		return "abbreviations do not end with NUL";
	z->ntrans = h->timecnt;
	z->trans = xcalloc(z->ntrans + 1, sizeof(*z->trans));
	z->idx = xcalloc(z->ntrans + 1, 1);
	for (i = 0; i < z->ntrans; i++) {
		z->trans[i] = timesize == 8 ? be64(p + i * 8) : (int32_t)be32(p + i * 4);
		z->idx[i] = idx[i];
		if (idx[i] >= h->typecnt)
			return "a transition has no such type";
		if (i > 0 && z->trans[i] <= z->trans[i - 1])
			return "transitions are not in order";
	}
	z->ntypes = h->typecnt;
	z->types = xcalloc(z->ntypes, sizeof(*z->types));
	for (i = 0; i < z->ntypes; i++) {
		const uint8_t *t = types + i * 6;

		z->types[i].utoff = (int32_t)be32(t);
		z->types[i].isdst = t[4] != 0;
		if (z->types[i].utoff < OFF_MIN || z->types[i].utoff > OFF_MAX || t[4] > 1 ||
		    t[5] >= h->charcnt)
			return "a bad local time type";
		snprintf(z->types[i].abbr, sizeof(z->types[i].abbr), "%s", chars + t[5]);
	}
	return NULL;
}

/* The version 2+ part after the v1 block at P: 64-bit block and footer. */
static const char *v2_read(struct tz *z, const uint8_t *p, size_t len)
{
	struct header h;
	uint64_t n;
	const uint8_t *nl;
	const char *why;
	char footer[256];

	if (header_read(p, len, &h) < 0)
		return "no second header";
	n = block_len(&h, 8);
	if (n > len - HEADER_LEN)
		return "truncated";
	if ((why = block_read(z, &h, p + HEADER_LEN, 8)) != NULL)
		return why;
	p += HEADER_LEN + n;
	len -= HEADER_LEN + n;
	if (len < 2 || p[0] != '\n' || (nl = memchr(p + 1, '\n', len - 1)) == NULL ||
	    (size_t)(nl - p - 1) >= sizeof(footer))
		return "no footer";
	memcpy(footer, p + 1, (size_t)(nl - p - 1));
	footer[nl - p - 1] = '\0';
	if (posix_parse(footer, &z->footer) < 0)
		return "a bad TZ string in the footer";
	return NULL;
}

int tz_parse(const char *name, const void *data, size_t len, struct tz **out, char *err,
             size_t errlen)
{
	const uint8_t *p = data;
	struct tz *z;
	struct header h;
	const char *why = NULL;
	uint64_t n;

	*out = NULL;
	if (header_read(p, len, &h) < 0) {
		snprintf(err, errlen, "time zone \"%s\": not a TZif file", name);
		return -1;
	}
	if (h.version != '\0' && (h.version < '2' || h.version > '4')) {
		snprintf(err, errlen, "time zone \"%s\": TZif version %d is not supported", name,
		         h.version);
		return -1;
	}
	z = xcalloc(1, sizeof(*z));
	snprintf(z->name, sizeof(z->name), "%s", name);
	n = block_len(&h, 4);
	if (n > len - HEADER_LEN)
		why = "truncated";
	else if (h.version == '\0')
		why = block_read(z, &h, p + HEADER_LEN, 4);
	else
		why = v2_read(z, p + HEADER_LEN + n, len - HEADER_LEN - n);
	if (why != NULL) {
		snprintf(err, errlen, "time zone \"%s\": bad TZif file: %s", name, why);
		tz_free(z);
		return -1;
	}
	*out = z;
	return 0;
}

static struct tz *tz_new_utc(const char *name)
{
	struct tz *z = xcalloc(1, sizeof(*z));

	snprintf(z->name, sizeof(z->name), "%s", name);
	z->types = xcalloc(1, sizeof(*z->types));
	z->types[0] = utc_type;
	z->ntypes = 1;
	return z;
}

/* Reads at most TZ_FILE_MAX bytes of PATH into *DATA. Returns the length, or -1 (errno). */
static ssize_t slurp(const char *path, uint8_t **data)
{
	struct stat st;
	size_t len = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		r = errno;
		close(fd);
		errno = (int)r;
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > TZ_FILE_MAX) {
		close(fd);
		errno = S_ISDIR(st.st_mode) ? EISDIR : S_ISREG(st.st_mode) ? EFBIG : EINVAL;
		return -1;
	}
	*data = xmalloc((size_t)st.st_size + 1);
	while (len <= (size_t)st.st_size &&
	       (r = read(fd, *data + len, (size_t)st.st_size + 1 - len)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(*data);
			close(fd);
			return -1;
		}
		len += (size_t)r;
	}
	close(fd);
	return (ssize_t)len;
}

int tz_load(const char *dir, const char *name, struct tz **out, char *err, size_t errlen)
{
	char path[4096];
	uint8_t *data = NULL;
	ssize_t len;
	int r;

	*out = NULL;
	if (!tz_name_valid(name)) {
		snprintf(err, errlen,
		         "\"%.*s\" is not a time zone name (like Europe/Paris: letters, digits, "
		         "_ + - and /)",
		         64, name);
		return -1;
	}
	if (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0) {
		*out = tz_new_utc(name);
		return 0;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir ? dir : TZ_DIR, name) >=
	    sizeof(path)) {
		snprintf(err, errlen, "time zone \"%s\": the path is too long", name);
		return -1;
	}
	if ((len = slurp(path, &data)) < 0) {
		if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR)
			snprintf(err, errlen, "unknown time zone \"%s\" (no such zone in %s)", name,
			         dir ? dir : TZ_DIR);
		else
			snprintf(err, errlen, "time zone \"%s\": %s: %s", name, path,
			         strerror(errno));
		return -1;
	}
	r = tz_parse(name, data, (size_t)len, out, err, errlen);
	free(data);
	return r;
}

void tz_free(struct tz *z)
{
	if (z == NULL)
		return;
	free(z->trans);
	free(z->idx);
	free(z->types);
	free(z);
}

const char *tz_name(const struct tz *z)
{
	return z->name;
}
