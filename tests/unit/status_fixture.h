/*
 * Shared by the status page's unit tests (test_status_render.c,
 * test_status_xss.c): fabricated status views and a small XML
 * well-formedness checker that also enforces the page's markup policy.
 */
#ifndef VIGIL_TEST_STATUS_FIXTURE_H
#define VIGIL_TEST_STATUS_FIXTURE_H

#include "testing.h"

#include <ctype.h>
#include <jansson.h>
#include <stdbool.h>
#include <strings.h>

#include "util/buf.h"
#include "util/xmalloc.h"
#include "web/status_render.h"

#pragma GCC diagnostic ignored "-Wunused-function"

#define NOW     1772460309000LL /* 2026-03-02T14:05:09Z */
#define DAY     86400000LL
#define HOUR    3600000LL
#define P(expr) (void)!(expr)

/* ------------------------------------------------------------------ */
/* A small XML well-formedness checker with the status page's markup policy */

struct xc {
	const char *doc, *p;
	char err[200];
	bool policy;     /* refuse script-capable markup (a <script> is only counted) */
	int scripts;     /* <script> elements seen */
	struct buf text; /* decoded text and attribute values */
	struct buf html; /* decoded text of <content> and <description>: feed HTML */
	char stack[64][32];
	int depth;
};

static bool xc_fail(struct xc *x, const char *what)
{
	if (x->err[0] == '\0')
		snprintf(x->err, sizeof(x->err), "%s at byte %ld: \"%.50s\"", what,
		         (long)(x->p - x->doc), x->p);
	return false;
}

/* Whether S is valid UTF-8 made only of XML characters (no controls but tab, LF, CR). */
static bool xml_chars_ok(const char *s, bool allow_cr)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned c = *p, cp, n, i;

		if (c < 0x80) {
			if (c < 0x20 && c != '\t' && c != '\n' && !(allow_cr && c == '\r'))
				return false;
			if (c == 0x7f)
				return false;
			p++;
			continue;
		}
		n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
		if (n == 0 || c > 0xf4)
			return false;
		cp = c & (0xff >> (n + 1));
		for (i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff || cp == 0xfffe ||
		    cp == 0xffff || (cp >= 0x80 && cp <= 0x9f))
			return false;
		p += n;
	}
	return true;
}

static void put_utf8(struct buf *b, unsigned long cp)
{
	char u[4];

	if (cp < 0x80) {
		P(buf_putc(b, (char)cp));
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3f));
		P(buf_append(b, u, 2));
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12), u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		P(buf_append(b, u, 3));
	} else {
		u[0] = (char)(0xf0 | cp >> 18), u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f)), u[3] = (char)(0x80 | (cp & 0x3f));
		P(buf_append(b, u, 4));
	}
}

/* Decodes the reference at x->p ('&') into OUT. */
static bool xc_ref(struct xc *x, struct buf *out)
{
	static const char *const names[][2] = {
		{ "amp;", "&" },   { "lt;", "<" },   { "gt;", ">" },
		{ "quot;", "\"" }, { "apos;", "'" },
	};
	const char *p = x->p + 1;
	char *end;
	unsigned long cp;
	size_t i;

	for (i = 0; i < 5; i++)
		if (strncmp(p, names[i][0], strlen(names[i][0])) == 0) {
			P(buf_puts(out, names[i][1]));
			x->p = p + strlen(names[i][0]);
			return true;
		}
	if (*p != '#')
		return xc_fail(x, "unknown entity");
	cp = p[1] == 'x' ? strtoul(p + 2, &end, 16) : strtoul(p + 1, &end, 10);
	if (*end != ';' || end == p + 1 || cp == 0 || cp > 0x10ffff ||
	    (cp < 0x20 && cp != 9 && cp != 10 && cp != 13))
		return xc_fail(x, "bad character reference");
	put_utf8(out, cp);
	x->p = end + 1;
	return true;
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == ':' || c == '.';
}

static bool xc_name(struct xc *x, char *out, size_t size)
{
	size_t n = 0;

	if (!is_name_char(*x->p) || (*x->p >= '0' && *x->p <= '9') || *x->p == '-')
		return xc_fail(x, "bad name");
	while (is_name_char(*x->p) && n + 1 < size)
		out[n++] = *x->p++;
	out[n] = '\0';
	return is_name_char(*x->p) ? xc_fail(x, "name too long") : true;
}

/* Text up to the next '<', decoded into x->text (and into OUT when not NULL). */
static bool xc_text(struct xc *x, struct buf *out)
{
	while (*x->p && *x->p != '<') {
		size_t from = x->text.len;

		if (strncmp(x->p, "]]>", 3) == 0)
			return xc_fail(x, "]]> in text");
		if (*x->p == '&') {
			if (!xc_ref(x, &x->text))
				return false;
		} else {
			P(buf_putc(&x->text, *x->p++));
		}
		if (out != NULL)
			P(buf_append(out, x->text.data + from, x->text.len - from));
	}
	return true;
}

static bool colour_value(const char *v)
{
	size_t n = strlen(v), i;

	if (strcmp(v, "none") == 0 || strcmp(v, "url(#s)") == 0 || strcmp(v, "url(#r)") == 0)
		return true;
	if (v[0] != '#' || (n != 4 && n != 7))
		return false;
	for (i = 1; i < n; i++)
		if (!isxdigit((unsigned char)v[i]))
			return false;
	return true;
}

/* The markup policy for one attribute (VALUE decoded). */
static bool xc_attr_policy(struct xc *x, const char *elem, const char *name, const char *value)
{
	if (strncasecmp(name, "on", 2) == 0)
		return xc_fail(x, "event handler attribute");
	if (strcasecmp(name, "style") == 0 || strcasecmp(name, "srcdoc") == 0 ||
	    strcasecmp(name, "formaction") == 0 || strcasecmp(name, "http-equiv") == 0)
		return xc_fail(x, "forbidden attribute");
	if (strcasestr(value, "javascript:") != NULL && strcmp(name, "aria-label") != 0 &&
	    strcmp(name, "content") != 0 && strcmp(name, "alt") != 0)
		return xc_fail(x, "javascript: in an attribute");
	if (strcmp(name, "href") == 0 || strcmp(name, "src") == 0 ||
	    strcmp(name, "xlink:href") == 0 || strcmp(name, "action") == 0) {
		bool local = value[0] == '/' && value[1] != '/';

		if (!local && value[0] != '#' && strncmp(value, "https://", 8) != 0 &&
		    strncmp(value, "http://", 7) != 0 && strcmp(value, "data:,") != 0)
			return xc_fail(x, "a URL that is neither local nor http(s)");
		if (strcmp(elem, "script") == 0 && strcmp(value, "/status/status.js") != 0)
			return xc_fail(x, "a script from elsewhere");
	}
	if ((strcmp(name, "fill") == 0 || strcmp(name, "stroke") == 0 ||
	     strcmp(name, "stop-color") == 0) &&
	    !colour_value(value))
		return xc_fail(x, "a colour attribute that is not a fixed colour");
	return true;
}

static bool xc_elem_policy(struct xc *x, const char *name)
{
	static const char *const banned[] = { "style",  "iframe", "object",   "embed",
		                              "base",   "form",   "frame",    "frameset",
		                              "applet", "button", "textarea", "foreignObject" };
	size_t i;

	if (strcasecmp(name, "script") == 0)
		x->scripts++;
	for (i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
		if (strcasecmp(name, banned[i]) == 0)
			return xc_fail(x, "forbidden element");
	return true;
}

static bool xc_attrs(struct xc *x, const char *elem)
{
	char names[32][40];
	int n = 0, i;

	for (;;) {
		struct buf val;
		bool ok;

		while (*x->p == ' ' || *x->p == '\n' || *x->p == '\t')
			x->p++;
		if (*x->p == '>' || strncmp(x->p, "/>", 2) == 0)
			return true;
		if (n == 32 || !xc_name(x, names[n], sizeof(names[n])))
			return xc_fail(x, "bad attribute");
		for (i = 0; i < n; i++)
			if (strcmp(names[i], names[n]) == 0)
				return xc_fail(x, "duplicate attribute");
		if (x->p[0] != '=' || x->p[1] != '"')
			return xc_fail(x, "attribute value not double-quoted");
		x->p += 2;
		buf_init(&val, 0);
		P(buf_puts(&val, ""));
		ok = true;
		while (ok && *x->p && *x->p != '"') {
			if (*x->p == '<')
				ok = xc_fail(x, "< in an attribute value");
			else if (*x->p == '&')
				ok = xc_ref(x, &val);
			else
				P(buf_putc(&val, *x->p++));
		}
		if (ok && *x->p != '"')
			ok = xc_fail(x, "unterminated attribute value");
		x->p++;
		P(buf_append(&x->text, val.data, val.len));
		P(buf_putc(&x->text, '\n'));
		if (ok && x->policy)
			ok = xc_attr_policy(x, elem, names[n], val.data);
		buf_free(&val);
		if (!ok)
			return false;
		n++;
	}
}

static bool xc_tag(struct xc *x)
{
	char name[32];

	x->p++;
	if (*x->p == '/') {
		x->p++;
		if (!xc_name(x, name, sizeof(name)))
			return false;
		if (x->depth == 0 || strcmp(name, x->stack[x->depth - 1]) != 0)
			return xc_fail(x, "mismatched end tag");
		x->depth--;
		if (*x->p++ != '>')
			return xc_fail(x, "bad end tag");
		return true;
	}
	if (*x->p == '!' || *x->p == '?')
		return xc_fail(x, "unexpected markup declaration");
	if (!xc_name(x, name, sizeof(name)) || !xc_attrs(x, name))
		return false;
	if (x->policy && !xc_elem_policy(x, name))
		return false;
	if (*x->p == '/') {
		x->p += 2;
		return true;
	}
	x->p++;
	if (x->depth == 64)
		return xc_fail(x, "too deep");
	snprintf(x->stack[x->depth++], sizeof(x->stack[0]), "%s", name);
	return true;
}

static bool xc_run(struct xc *x)
{
	if (!xml_chars_ok(x->doc, false))
		return xc_fail(x, "not UTF-8 made of XML characters");
	if (strncmp(x->p, "<?xml ", 6) == 0)
		x->p = strstr(x->p, "?>") + 2;
	while (*x->p == '\n' || *x->p == ' ')
		x->p++;
	if (strncmp(x->p, "<!DOCTYPE html>", 15) == 0)
		x->p += 15;
	while (*x->p == '\n' || *x->p == ' ')
		x->p++;
	if (*x->p != '<')
		return xc_fail(x, "no root element");
	do {
		const char *top;

		if (*x->p == '<' && !xc_tag(x))
			return false;
		if (x->depth == 0)
			break;
		top = x->stack[x->depth - 1];
		if (!xc_text(x, strcmp(top, "content") == 0 || strcmp(top, "description") == 0
		                        ? &x->html
		                        : NULL))
			return false;
	} while (*x->p);
	if (x->depth != 0)
		return xc_fail(x, "unclosed elements");
	while (*x->p == '\n' || *x->p == ' ')
		x->p++;
	return *x->p == '\0' ? true : xc_fail(x, "content after the root element");
}

/* Checks DOC; fills X (the caller frees x->text and x->html with xc_done). */
static bool xml_check(const char *doc, bool policy, struct xc *x)
{
	memset(x, 0, sizeof(*x));
	x->doc = x->p = doc;
	x->policy = policy;
	buf_init(&x->text, 0);
	buf_init(&x->html, 0);
	P(buf_puts(&x->text, ""));
	P(buf_puts(&x->html, ""));
	return xc_run(x);
}

static void xc_done(struct xc *x)
{
	buf_free(&x->text);
	buf_free(&x->html);
}

/* Asserts DOC is well-formed, follows the policy and has SCRIPTS <script> elements. */
static void assert_markup(const char *what, const char *doc, int scripts)
{
	struct xc x;

	if (!xml_check(doc, true, &x))
		fail_msg("%s: %s", what, x.err);
	if (x.scripts != scripts)
		fail_msg("%s: %d <script> elements, expected %d", what, x.scripts, scripts);
	xc_done(&x);
}

/* ------------------------------------------------------------------ */
/* Fabricated views */

enum fab_days {
	DAYS_HEALTHY,   /* every day 100% */
	DAYS_REALISTIC, /* mostly 100%, a few bad days, no data at first for some */
	DAYS_VARIED,    /* every day different: the worst case for the bars */
};

struct fab {
	struct status_view v;
	struct status_component *comps;
	struct status_incident inc[2];
	struct status_update upd[4];
	const char *inc_names[2];
	struct status_maintenance maint[2];
	const char *maint_names[1];
	char **owned;
	size_t nowned;
	enum status_state *states;
};

static const char *own(struct fab *f, char *s)
{
	f->owned = xrealloc(f->owned, (f->nowned + 1) * sizeof(*f->owned));
	f->owned[f->nowned++] = s;
	return s;
}

static void fab_days(struct status_component *c, size_t i, enum fab_days kind)
{
	int d, h;

	for (d = 0; d < STATUS_DAYS; d++) {
		struct status_day *day = &c->days[d];

		day->start_ms = (NOW / DAY - (STATUS_DAYS - 1) + d) * DAY;
		day->uptime = 100;
		day->incidents = 0;
		if (kind == DAYS_REALISTIC && i % 2 == 1 && d < 10)
			day->uptime = -1;
		if (kind == DAYS_REALISTIC && d == 80)
			day->uptime = 99.5, day->incidents = 1;
		if (kind == DAYS_REALISTIC && d == 85)
			day->uptime = 94.25;
		if (kind == DAYS_VARIED)
			day->uptime = 90 + (double)((d * 7 + (int)i) % 100) / 10,
			day->incidents = d % 3;
	}
	for (h = 0; h < STATUS_HOURS; h++) {
		c->hours[h].start_ms = (NOW / HOUR - (STATUS_HOURS - 1) + h) * HOUR;
		c->hours[h].latency_ms = h == 5 ? -1 : 20 + (h * 7 + (int)i) % 50;
	}
}

static void fab_incidents(struct fab *f)
{
	f->upd[0] = (struct status_update){ NOW - 30 * 60000, "identified",
		                            "The cause is a failed disk." };
	f->upd[1] = (struct status_update){ NOW - 60 * 60000, "investigating",
		                            "We are looking into slow queries." };
	f->upd[2] = (struct status_update){ NOW - DAY + 2 * HOUR, "resolved",
		                            "Error rates are back to normal." };
	f->upd[3] = (struct status_update){ NOW - DAY, "investigating", "Some API calls fail." };
	f->inc_names[0] = f->comps[0].name;
	f->inc_names[1] = f->v.ncomponents > 1 ? f->comps[1].name : f->comps[0].name;
	f->inc[0] = (struct status_incident){
		101, "Database slowdown", "major", "identified", NOW - HOUR,
		0,   f->inc_names,        2,       &f->upd[0],   2
	};
	f->inc[1] = (struct status_incident){ 102,          "API errors",
		                              "minor",      "resolved",
		                              NOW - DAY,    NOW - DAY + 2 * HOUR,
		                              f->inc_names, 1,
		                              &f->upd[2],   2 };
	f->maint_names[0] = f->inc_names[1];
	f->maint[0] = (struct status_maintenance){ "Database upgrade", NOW - HOUR, NOW + HOUR, true,
		                                   f->maint_names,     1 };
	f->maint[1] = (struct status_maintenance){
		"Network work", NOW + 2 * DAY, NOW + 2 * DAY + 3 * HOUR, false, NULL, 0
	};
	f->v.incidents = f->inc;
	f->v.nincidents = 2;
	f->v.maintenance = f->maint;
	f->v.nmaintenance = 2;
}

/*
 * A view of N components (N >= 1): ids comp-I, names "Component I", groups
 * none / "Group A" / "Group B" by I % 3, states cycling through all five;
 * incident 101 (open) and 102 (resolved yesterday); one active and one
 * upcoming maintenance window.
 */
static struct fab *fab_new(size_t n, enum fab_days kind)
{
	struct fab *f = xcalloc(1, sizeof(*f));
	size_t i;

	f->comps = xcalloc(n, sizeof(*f->comps));
	f->states = xcalloc(n, sizeof(*f->states));
	for (i = 0; i < n; i++) {
		struct status_component *c = &f->comps[i];

		c->id = own(f, xasprintf("comp-%zu", i));
		c->name = own(f, xasprintf("Component %zu", i));
		c->group = i % 3 == 0 ? NULL : i % 3 == 1 ? "Group A" : "Group B";
		c->state = n >= 5 ? (enum status_state)(i % STATE_COUNT) : STATE_OPERATIONAL;
		c->uptime_24h = 100, c->uptime_7d = 99.99, c->uptime_30d = 99.953;
		c->uptime_90d = 99.9;
		c->latency_ms = 123;
		fab_days(c, i, kind);
		f->states[i] = c->state;
	}
	f->v = (struct status_view){ .now_ms = NOW,
		                     .title = "Example Status",
		                     .description = "Live status of Example's services.",
		                     .url = "https://status.example.com",
		                     .has_logo = true,
		                     .refresh_ms = 60000,
		                     .theme = { "#1d4ed8", "#15803d", "#a16207", "#b91c1c",
		                                "#1d4ed8", 0 },
		                     .components = f->comps,
		                     .ncomponents = n };
	f->v.banner = status_banner_of(f->states, n);
	fab_incidents(f);
	return f;
}

static void fab_free(struct fab *f)
{
	size_t i;

	for (i = 0; i < f->nowned; i++)
		free(f->owned[i]);
	free(f->owned);
	free(f->comps);
	free(f->states);
	free(f);
}

static char *page_of(const struct status_view *v)
{
	size_t len = 0;
	char *s = status_render_page(v, &len);

	assert_non_null(s);
	assert_int_equal(strlen(s), len);
	return s;
}

/* How many times NEEDLE occurs in HAY. */
static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (hay = strstr(hay, needle); hay != NULL; hay = strstr(hay + 1, needle))
		n++;
	return n;
}

static json_t *json_of(const struct status_view *v)
{
	size_t len = 0;
	char *s = status_render_json(v, &len);
	json_error_t err;
	json_t *j;

	assert_non_null(s);
	assert_int_equal(strlen(s), len);
	j = json_loads(s, 0, &err);
	if (j == NULL)
		fail_msg("JSON does not parse: %s at %d", err.text, err.position);
	free(s);
	return j;
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		fail_msg("\"%s\" is not a string", key);
	return json_string_value(v);
}

#endif
