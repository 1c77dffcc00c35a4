/* Nagios plugin performance data: parsing 'label'=value[UOM];warn;crit;min;max items. */
#include "probe/perfdata.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

#define NUMBER_MAX 64 /* bytes of one number */

/* One text being parsed: read from TEXT, strings cut out of ARENA (a copy). */
struct cursor {
	const char *text;
	size_t len;
	size_t i;    /* next byte */
	char *arena; /* len + 1 bytes: the text, with NULs written where strings end */
	locale_t c;  /* the C locale for strtod_l */
};

static const struct unit_def {
	const char *uom;
	enum perfdata_unit unit;
	double scale;
} units[] = {
	{ "", PERFDATA_NONE, 1 },
	{ "s", PERFDATA_SECONDS, 1 },
	{ "ms", PERFDATA_SECONDS, 1e-3 },
	{ "us", PERFDATA_SECONDS, 1e-6 },
	{ "ns", PERFDATA_SECONDS, 1e-9 },
	{ "%", PERFDATA_PERCENT, 1 },
	{ "c", PERFDATA_COUNTER, 1 },
	{ "B", PERFDATA_BYTES, 1 },
	{ "KB", PERFDATA_BYTES, 1024.0 },
	{ "kB", PERFDATA_BYTES, 1024.0 },
	{ "KiB", PERFDATA_BYTES, 1024.0 },
	{ "MB", PERFDATA_BYTES, 1048576.0 },
	{ "MiB", PERFDATA_BYTES, 1048576.0 },
	{ "GB", PERFDATA_BYTES, 1073741824.0 },
	{ "GiB", PERFDATA_BYTES, 1073741824.0 },
	{ "TB", PERFDATA_BYTES, 1099511627776.0 },
	{ "TiB", PERFDATA_BYTES, 1099511627776.0 },
};

static bool is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
	       c == '\0';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_uom_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' ||
	       c == '%';
}

/* The first separator at or after I (or the end). */
static size_t next_sep(const struct cursor *cur, size_t i)
{
	while (i < cur->len && !is_sep(cur->text[i]))
		i++;
	return i;
}

/* [+-]digits[.digits][(e|E)[+-]digits] at S (before E): returns its end, or NULL. */
static const char *number_scan(const char *s, const char *e)
{
	const char *p = s, *q;
	size_t digits = 0;

	if (p < e && (*p == '+' || *p == '-'))
		p++;
	for (; p < e && is_digit(*p); p++)
		digits++;
	if (p < e && *p == '.')
		for (p++; p < e && is_digit(*p); p++)
			digits++;
	if (digits == 0)
		return NULL;
	if (p < e && (*p == 'e' || *p == 'E')) {
		q = p + 1;
		if (q < e && (*q == '+' || *q == '-'))
			q++;
		if (q < e && is_digit(*q)) {
			while (q < e && is_digit(*q))
				q++;
			p = q;
		}
	}
	return p;
}

/* Converts the number scanned in [S, E) in the C locale; false when not finite. */
static bool number_read(const struct cursor *cur, const char *s, const char *e, double *out)
{
	char tmp[NUMBER_MAX], *end;
	size_t n = (size_t)(e - s);

	if (n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	*out = strtod_l(tmp, &end, cur->c);
	return end == tmp + n && isfinite(*out);
}

/* A whole field [S, E) that is one number (min, max); NAN otherwise. */
static double number_field(const struct cursor *cur, const char *s, const char *e, double scale)
{
	double v;

	if (s == e || number_scan(s, e) != e || !number_read(cur, s, e, &v))
		return NAN;
	return v * scale;
}

/* The start of a range: "~", a number, or nothing. Returns false when malformed. */
static bool range_start(const struct cursor *cur, const char **p, const char *e, double *lo,
                        bool *had)
{
	const char *q;

	*had = false;
	if (*p < e && **p == '~') {
		*lo = -INFINITY;
		*had = true;
		(*p)++;
		return *p < e && **p == ':'; /* "~" alone or "~5" is no range */
	}
	q = number_scan(*p, e);
	if (q == NULL)
		return true;
	if (!number_read(cur, *p, q, lo))
		return false;
	*had = true;
	*p = q;
	return true;
}

/* Parses [S, E) as a Nagios range into R (text already set), scaled to base units. */
static void range_parse(const struct cursor *cur, const char *s, const char *e, double scale,
                        struct perfdata_range *r)
{
	const char *p = s, *q;
	double lo = 0, hi = INFINITY;
	bool had_lo;

	if (p < e && *p == '@') {
		r->inside = true;
		p++;
	}
	if (!range_start(cur, &p, e, &lo, &had_lo))
		return;
	if (p < e && *p == ':') {
		p++;
		if (p < e) {
			q = number_scan(p, e);
			if (q != e || !number_read(cur, p, q, &hi))
				return;
		} else if (!had_lo) {
			return; /* ":" has neither end */
		}
		if (!had_lo)
			lo = 0;
	} else {
		if (p != e || !had_lo)
			return;
		hi = lo;
		lo = 0;
	}
	if (lo > hi)
		return;
	r->valid = true;
	r->start = lo * scale;
	r->end = hi * scale;
}

static const struct unit_def *unit_find(const char *uom)
{
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(units[i].uom, uom) == 0)
			return &units[i];
	return NULL;
}

/* 'quoted label' at cur->i: unescapes it in the arena. Returns the position of its '=', or 0. */
static size_t label_quoted(struct cursor *cur, struct perfdata_item *it)
{
	size_t j = cur->i + 1, close, n = 0;
	char *w = cur->arena + j;

	/* find the closing quote first: a malformed item must leave the arena as it was */
	for (close = j;; close++) {
		if (close >= cur->len || cur->text[close] == '\0')
			return 0;
		if (cur->text[close] == '\'') {
			if (close + 1 >= cur->len || cur->text[close + 1] != '\'')
				break;
			close++;
		}
		n++;
	}
	if (n == 0 || n > PERFDATA_LABEL_MAX || close + 1 >= cur->len ||
	    cur->text[close + 1] != '=')
		return 0;
	it->label = w;
	for (; j < close; j++) {
		*w++ = cur->text[j];
		if (cur->text[j] == '\'')
			j++; /* '' is one quote */
	}
	*w = '\0';
	return close + 1;
}

/* unquoted label at cur->i, up to '='. Returns the position of '=', or 0. */
static size_t label_plain(struct cursor *cur, struct perfdata_item *it)
{
	size_t j = cur->i;

	while (j < cur->len && !is_sep(cur->text[j]) && cur->text[j] != '=') {
		if (cur->text[j] == '\'')
			return 0;
		j++;
	}
	if (j >= cur->len || cur->text[j] != '=' || j == cur->i || j - cur->i > PERFDATA_LABEL_MAX)
		return 0;
	it->label = cur->arena + cur->i;
	cur->arena[j] = '\0';
	return j;
}

/* The label and its '='. Returns where the value begins, or 0 when malformed. */
static size_t label_parse(struct cursor *cur, struct perfdata_item *it)
{
	size_t eq;

	if (cur->text[cur->i] == '\'')
		eq = label_quoted(cur, it);
	else
		eq = label_plain(cur, it);
	if (eq == 0 || eq >= cur->len || cur->text[eq] != '=')
		return 0;
	return eq + 1;
}

/* value[UOM] in [S, E). Returns false when malformed. */
static bool value_parse(struct cursor *cur, size_t s, size_t e, struct perfdata_item *it)
{
	const char *v = cur->text + s, *end = cur->text + e, *num;
	const struct unit_def *u;
	double raw;
	size_t k;

	cur->arena[e] = '\0';
	if (e - s == 1 && *v == 'U') { /* the plugin could not tell */
		it->uom = cur->arena + e;
		it->value = NAN;
		return true;
	}
	num = number_scan(v, end);
	if (num == NULL || !number_read(cur, v, num, &raw))
		return false;
	if ((size_t)(end - num) >= PERFDATA_UOM_MAX)
		return false;
	for (k = 0; num + k < end; k++)
		if (!is_uom_char(num[k]))
			return false;
	it->uom = cur->arena + (num - cur->text);
	u = unit_find(it->uom);
	it->unit = u ? u->unit : PERFDATA_OTHER;
	it->scale = u ? u->scale : 1;
	it->value = raw * it->scale;
	return true;
}

/* Field K (1 warn, 2 crit, 3 min, 4 max) in [S, E). */
static void field_parse(struct cursor *cur, int k, size_t s, size_t e, struct perfdata_item *it)
{
	const char *fs = cur->text + s, *fe = cur->text + e;
	struct perfdata_range *r = k == 1 ? &it->warn : &it->crit;

	cur->arena[e] = '\0';
	if (k >= 3) {
		*(k == 3 ? &it->min : &it->max) = number_field(cur, fs, fe, it->scale);
		return;
	}
	if (s == e)
		return;
	r->text = cur->arena + s;
	range_parse(cur, fs, fe, it->scale, r);
}

/* One item at cur->i (not a separator). Returns false when malformed; cur->i moves past it. */
static bool item_parse(struct cursor *cur, struct perfdata_item *it)
{
	size_t vs = label_parse(cur, it), end, s, e;
	int k;

	if (vs == 0) {
		cur->i = next_sep(cur, cur->i + 1);
		return false;
	}
	end = next_sep(cur, vs);
	cur->i = end;
	for (e = vs; e < end && cur->text[e] != ';'; e++)
		;
	if (!value_parse(cur, vs, e, it))
		return false;
	for (k = 1; k <= 4 && e < end; k++) {
		for (s = ++e; e < end && cur->text[e] != ';'; e++)
			;
		field_parse(cur, k, s, e, it);
	}
	return true;
}

static void item_init(struct perfdata_item *it)
{
	memset(it, 0, sizeof(*it));
	it->uom = "";
	it->unit = PERFDATA_NONE;
	it->scale = 1;
	it->min = it->max = NAN;
	it->warn.start = it->crit.start = -INFINITY;
	it->warn.end = it->crit.end = INFINITY;
}

static void items_parse(struct cursor *cur, struct perfdata *out)
{
	size_t cap = 0;
	struct perfdata_item it;

	while (cur->i < cur->len) {
		if (is_sep(cur->text[cur->i])) {
			cur->i++;
			continue;
		}
		item_init(&it);
		if (!item_parse(cur, &it)) {
			out->skipped++;
		} else if (out->n == PERFDATA_ITEMS_MAX) {
			out->dropped++;
		} else {
			out->items = xgrow(out->items, &cap, out->n + 1, sizeof(*out->items));
			out->items[out->n++] = it;
		}
	}
}

int perfdata_parse(const char *text, size_t len, struct perfdata *out)
{
	struct cursor cur = { .text = text, .len = len };

	memset(out, 0, sizeof(*out));
	if (len == 0)
		return 0;
	cur.c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	if (cur.c == (locale_t)0)
		abort(); /* out of memory: the one way xmalloc fails too */
	cur.arena = xmalloc(len + 1);
	memcpy(cur.arena, text, len);
	cur.arena[len] = '\0';
	out->strings = cur.arena;
	items_parse(&cur, out);
	freelocale(cur.c);
	return (int)out->n;
}

void perfdata_free(struct perfdata *pd)
{
	free(pd->items);
	free(pd->strings);
	memset(pd, 0, sizeof(*pd));
}

const struct perfdata_item *perfdata_find(const struct perfdata *pd, const char *label)
{
	size_t i;

	for (i = 0; i < pd->n; i++)
		if (strcmp(pd->items[i].label, label) == 0)
			return &pd->items[i];
	return NULL;
}

const char *perfdata_unit_name(const struct perfdata_item *it)
{
	switch (it->unit) {
	case PERFDATA_SECONDS:
		return "seconds";
	case PERFDATA_BYTES:
		return "bytes";
	case PERFDATA_PERCENT:
		return "percent";
	case PERFDATA_COUNTER:
		return "counter";
	case PERFDATA_OTHER:
		return it->uom;
	default:
		return "";
	}
}

bool perfdata_range_alerts(const struct perfdata_range *r, double v)
{
	bool in;

	if (!r->valid || isnan(v))
		return false;
	in = r->start <= v && v <= r->end;
	return r->inside ? in : !in;
}
