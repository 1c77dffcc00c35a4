/*
 * Unit tests of the status page's renderers (src/web/status_*.c, badge.c,
 * feed.c) on fabricated views: words and banners, the page's sections and
 * groups, the incident page, theme CSS, JSON, badges, feeds, and the page's
 * size and render time for 1,000 components. The XSS corpus is in
 * test_status_xss.c.
 */
#include "status_fixture.h"

#include <math.h>
#include <time.h>

/* ------------------------------------------------------------------ */
/* Words and banners */

static void test_words(void **state)
{
	static const char *const words[] = { "operational", "degraded_performance",
		                             "partial_outage", "major_outage",
		                             "under_maintenance" };
	static const char *const labels[] = { "Operational", "Degraded Performance",
		                              "Partial Outage", "Major Outage",
		                              "Under Maintenance" };
	static const char *const banners[] = { "All Systems Operational", "Degraded Performance",
		                               "Partial Outage", "Major Outage",
		                               "Under Maintenance" };
	int i;

	(void)state;
	for (i = 0; i < STATE_COUNT; i++) {
		assert_string_equal(status_state_word((enum status_state)i), words[i]);
		assert_string_equal(status_state_label((enum status_state)i), labels[i]);
	}
	for (i = 0; i < BANNER_COUNT; i++) {
		assert_string_equal(status_banner_label((enum status_banner)i), banners[i]);
		assert_non_null(status_banner_word((enum status_banner)i));
	}
	assert_string_equal(status_banner_word(BANNER_OPERATIONAL), "operational");
	assert_string_equal(status_banner_word(BANNER_DEGRADED), "degraded");
	assert_string_equal(status_banner_word(BANNER_MAJOR), "major_outage");
}

static void test_banner_table(void **state)
{
#define OP   STATE_OPERATIONAL
#define DEG  STATE_DEGRADED
#define PART STATE_PARTIAL_OUTAGE
#define MAJ  STATE_MAJOR_OUTAGE
#define MNT  STATE_MAINTENANCE
	static const struct {
		enum status_state s[4];
		size_t n;
		enum status_banner want;
	} cases[] = {
		{ { OP }, 0, BANNER_OPERATIONAL },
		{ { OP }, 1, BANNER_OPERATIONAL },
		{ { OP, OP, OP }, 3, BANNER_OPERATIONAL },
		{ { OP, DEG }, 2, BANNER_DEGRADED },
		{ { DEG, PART, OP }, 3, BANNER_PARTIAL },
		{ { PART, MAJ, DEG }, 3, BANNER_MAJOR },
		{ { MAJ }, 1, BANNER_MAJOR },
		{ { MNT }, 1, BANNER_MAINTENANCE },
		{ { MNT, MNT, MNT }, 3, BANNER_MAINTENANCE },
		{ { MNT, OP }, 2, BANNER_OPERATIONAL },
		{ { OP, MNT, OP }, 3, BANNER_OPERATIONAL },
		{ { MNT, DEG }, 2, BANNER_DEGRADED },
		{ { MNT, PART }, 2, BANNER_PARTIAL },
		{ { MNT, MAJ, OP }, 3, BANNER_MAJOR },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (status_banner_of(cases[i].s, cases[i].n) != cases[i].want)
			fail_msg("case %zu: banner %d, expected %d", i,
			         (int)status_banner_of(cases[i].s, cases[i].n), (int)cases[i].want);
#undef OP
#undef DEG
#undef PART
#undef MAJ
#undef MNT
}

/* ------------------------------------------------------------------ */
/* The page */

static void test_page_sections(void **state)
{
	struct fab *f = fab_new(6, DAYS_REALISTIC);
	char *s = page_of(&f->v);

	(void)state;
	assert_markup("page", s, 1);
	assert_true(strncmp(s, "<!DOCTYPE html>\n<html lang=\"en\">", 31) == 0);
	assert_contains(
	        s, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>");
	assert_contains(s, "<title>Example Status</title>");
	assert_contains(s, "<link rel=\"stylesheet\" href=\"/status/status.css\"/>");
	assert_contains(s, "<link rel=\"stylesheet\" href=\"/status/theme.css\"/>");
	assert_contains(s, "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Atom "
	                   "feed\" href=\"/feed.atom\"/>");
	assert_contains(s, "<header class=\"top\">");
	assert_contains(s, "<main id=\"main\" class=\"wrap\">");
	assert_contains(s, "<h1>Example Status</h1>");
	assert_contains(s, "<p class=\"desc\">Live status of Example&#39;s services.</p>");
	/* the banner: major outage among the states */
	assert_contains(s, "data-state=\"major_outage\" aria-labelledby=\"h-banner\"><h2 "
	                   "id=\"h-banner\" aria-live=\"polite\">Major Outage</h2>");
	assert_contains(s, "<section id=\"incidents\"");
	assert_contains(s, "<section id=\"maintenance\"");
	assert_contains(s, "<section id=\"components\"");
	assert_contains(s, "<section id=\"history\"");
	/* footer */
	assert_contains(s, "<footer class=\"foot\">");
	assert_contains(s, "Powered by Vigil");
	assert_contains(
	        s, "<time datetime=\"2026-03-02T14:05:09.000Z\">2026-03-02 14:05:09 UTC</time>");
	assert_contains(s, "<a href=\"/feed.atom\">Atom feed</a>");
	/* no CSP breakers */
	assert_not_contains(s, "<style");
	assert_not_contains(s, " style=");
	assert_not_contains(s, "javascript:");
	free(s);
	fab_free(f);
}

/* The page says everything without script: names, states, uptimes, incidents, maintenance. */
static void test_page_complete(void **state)
{
	struct fab *f = fab_new(6, DAYS_REALISTIC);
	char *s = page_of(&f->v), want[200];
	size_t i;

	(void)state;
	for (i = 0; i < f->v.ncomponents; i++) {
		const struct status_component *c = &f->comps[i];

		snprintf(want, sizeof(want),
		         "<li data-state=\"%s\"><a href=\"/status/components/%s\">%s</a> "
		         "<span class=\"s\">%s</span><svg class=\"u\"",
		         status_state_word(c->state), c->id, c->name, status_state_label(c->state));
		assert_contains(s, want);
	}
	assert_int_equal(count(s, "<span>24 h <b>100%</b></span><span>30 d <b>99.95%</b></span>"
	                          "<span>90 d <b>99.90%</b></span>"),
	                 6);
	/* the bar: runs of like days, each with a tooltip; a text summary */
	assert_contains(s, "<svg class=\"u\" viewBox=\"0 0 90 1\" preserveAspectRatio=\"none\" "
	                   "role=\"img\" aria-label=\"90-day uptime 99.90%, 1 "
	                   "incident\">");
	assert_contains(s, "<rect x=\"0\" width=\"80\" height=\"1\" class=\"b1\"><title>2025-12-03 "
	                   "to 2026-02-20: 100%, no incidents</title></rect>");
	assert_contains(s,
	                "<rect x=\"80\" width=\"1\" height=\"1\" class=\"b2\"><title>2026-02-21: "
	                "99.50%, 1 incident</title></rect>");
	assert_contains(s,
	                "<rect x=\"85\" width=\"1\" height=\"1\" class=\"b4\"><title>2026-02-26: "
	                "94.25%, no incidents</title></rect>");
	assert_contains(s, "<rect x=\"0\" width=\"10\" height=\"1\" class=\"b0\"><title>2025-12-03 "
	                   "to 2025-12-12: No data, no incidents</title></rect>");
	assert_contains(s, "aria-label=\"90-day uptime 99.90%, 1 incident, no data for 10 days\"");
	/* the response-time chart and its text */
	assert_contains(s, "<p class=\"rt\">Response time, last 24 h: min 20 ms, avg ");
	assert_contains(s, "<svg class=\"r\" viewBox=\"0 0 230 40\" preserveAspectRatio=\"none\" "
	                   "aria-hidden=\"true\"><path d=\"M0 ");
	/* incidents with their updates; maintenance; history linking the incident page */
	assert_contains(s, "<a href=\"/status/incidents/101\">Database slowdown</a>");
	assert_contains(s, "Major impact");
	assert_contains(s, "The cause is a failed disk.");
	assert_contains(s, "We are looking into slow queries.");
	assert_contains(s, "Affects: Component 0 and Component 1");
	assert_contains(s, "<article class=\"mnt\" data-active=\"true\"><h3>Database upgrade</h3>");
	assert_contains(s, "<span class=\"tag\">In progress</span>");
	assert_contains(s, "<article class=\"mnt\" data-active=\"false\"><h3>Network work</h3>");
	assert_contains(s, "Affects: All components");
	assert_contains(s, "<h3>1 Mar 2026</h3><ul><li><a href=\"/status/incidents/102\">API "
	                   "errors</a>");
	assert_contains(s, "resolved after 2 h 0 min");
	assert_int_equal(count(s, "<div class=\"day\">"), STATUS_HISTORY);
	assert_int_equal(count(s, "No incidents reported."), STATUS_HISTORY - 1);
	/* the open incident is not history */
	assert_null(strstr(strstr(s, "id=\"history\""), "/status/incidents/101"));
	free(s);
	fab_free(f);
}

/* Components without data: a grey bar, "no data" for the chart, a dot for a lone hour. */
static void test_page_no_data(void **state)
{
	struct fab *f = fab_new(1, DAYS_HEALTHY);
	char *s;
	int i;

	(void)state;
	for (i = 0; i < STATUS_DAYS; i++)
		f->comps[0].days[i].uptime = -1;
	for (i = 0; i < STATUS_HOURS; i++)
		f->comps[0].hours[i].latency_ms = -1;
	f->comps[0].uptime_24h = f->comps[0].uptime_30d = f->comps[0].uptime_90d = -1;
	s = page_of(&f->v);
	assert_contains(s,
	                "aria-label=\"90-day uptime unknown, 0 incidents\"><rect x=\"0\" "
	                "width=\"90\" height=\"1\" class=\"b0\"><title>2025-12-03 to 2026-03-02: "
	                "No data, no incidents</title></rect></svg>");
	assert_contains(s, "<span>24 h <b>–</b></span><span>30 d <b>–</b></span>");
	assert_contains(s, "<p class=\"rt\">Response time, last 24 h: no data</p></li>");
	assert_not_contains(s, "<svg class=\"r\"");
	free(s);

	f->comps[0].hours[STATUS_HOURS - 1].latency_ms = 0.269;
	s = page_of(&f->v);
	assert_contains(s, "min 0.27 ms, avg 0.27 ms, max 0.27 ms</p>");
	assert_contains(s, "<path d=\"M230 2h0\"/>");
	free(s);
	fab_free(f);
}

static void test_page_groups(void **state)
{
	struct fab *f = fab_new(7, DAYS_HEALTHY);
	char *s;
	const char *c0, *c3, *c6, *ga, *gb, *c1, *c4, *c2;

	(void)state;
	/* Group B's first member comes before Group A's: groups keep first-appearance order */
	f->comps[1].group = "Group B";
	f->comps[2].group = "Group A";
	f->comps[4].group = "Group B";
	f->comps[5].group = "";
	s = page_of(&f->v);
	c0 = strstr(s, "components/comp-0\"");
	c3 = strstr(s, "components/comp-3\"");
	c6 = strstr(s, "components/comp-6\"");
	gb = strstr(s, "<summary><h3>Group B</h3>");
	ga = strstr(s, "<summary><h3>Group A</h3>");
	c1 = strstr(s, "components/comp-1\"");
	c4 = strstr(s, "components/comp-4\"");
	c2 = strstr(s, "components/comp-2\"");
	assert_true(c0 && c3 && c6 && ga && gb && c1 && c4 && c2);
	/* ungrouped first (an empty group is none), in order; then B (1, 4), then A (2) */
	assert_true(c0 < c3 && c3 < strstr(s, "components/comp-5\"") && c3 < c6 && c6 < gb);
	assert_true(gb < c1 && c1 < c4 && c4 < ga && ga < c2);
	assert_int_equal(count(s, "<details open=\"\">"), 2);
	/* a group's summary shows its worst state: B has 1 (degraded) and 4 (maintenance) */
	assert_contains(s, "<summary><h3>Group B</h3> <span class=\"s\" "
	                   "data-state=\"degraded_performance\">Degraded Performance</span>");
	assert_contains(s, "<summary><h3>Group A</h3> <span class=\"s\" "
	                   "data-state=\"partial_outage\">Partial Outage</span>");
	free(s);
	fab_free(f);
}

static void test_page_script_and_logo(void **state)
{
	struct fab *f = fab_new(2, DAYS_HEALTHY);
	char *s;

	(void)state;
	s = page_of(&f->v);
	assert_int_equal(count(s, "<script"), 1);
	assert_contains(s, "<script src=\"/status/status.js\" defer=\"\"></script>");
	assert_contains(s, "<body data-refresh=\"60000\">");
	assert_contains(s,
	                "<img class=\"logo\" src=\"/status/logo\" alt=\"Example Status logo\"/>");
	assert_contains(s, "<link rel=\"icon\" href=\"/status/logo\"/>");
	assert_contains(s, "<span id=\"live\" class=\"live\" hidden=\"\"></span>");
	free(s);

	f->v.refresh_ms = 0;
	f->v.has_logo = false;
	s = page_of(&f->v);
	assert_markup("page without script", s, 0);
	assert_not_contains(s, "<script");
	assert_not_contains(s, "status.js");
	assert_not_contains(s, "data-refresh");
	assert_not_contains(s, "/status/logo");
	assert_contains(s, "<link rel=\"icon\" href=\"data:,\"/>");
	assert_contains(s, "<body>");
	free(s);

	/* no components, no incidents, no title: still a whole page */
	f->v.ncomponents = 0;
	f->v.nincidents = 0;
	f->v.nmaintenance = 0;
	f->v.title = "";
	f->v.description = NULL;
	f->v.banner = status_banner_of(NULL, 0);
	s = page_of(&f->v);
	assert_markup("empty page", s, 0);
	assert_contains(s, "<title>Status</title>");
	assert_contains(s, "All Systems Operational");
	assert_contains(s, "No components yet.");
	assert_not_contains(s, "id=\"incidents\"");
	assert_not_contains(s, "id=\"maintenance\"");
	assert_contains(s, "id=\"history\"");
	free(s);
	fab_free(f);
}

static void test_incident_page(void **state)
{
	struct fab *f = fab_new(3, DAYS_HEALTHY);
	size_t len = 77;
	char *s;

	(void)state;
	s = status_render_incident(&f->v, 102, &len);
	assert_non_null(s);
	assert_int_equal(strlen(s), len);
	assert_markup("incident page", s, 0); /* nothing there refreshes */
	assert_contains(s, "<title>API errors · Example Status</title>");
	assert_contains(s, "<article class=\"inc\" data-impact=\"minor\"><h2>API errors</h2>");
	assert_contains(s, "Minor impact");
	assert_contains(s, "<strong>Resolved</strong> <time datetime=\"2026-03-01T16:05:09.000Z\">"
	                   "1 Mar 2026, 16:05 UTC</time>");
	assert_contains(s, "Error rates are back to normal.");
	assert_contains(s, "Some API calls fail.");
	assert_contains(s, "(lasted 2 h 0 min)");
	assert_contains(s, "<a href=\"/status\">");
	assert_contains(s, "Powered by Vigil");
	/* newest update first */
	assert_true(strstr(s, "Error rates") < strstr(s, "Some API calls"));
	free(s);

	len = 77;
	assert_null(status_render_incident(&f->v, 999, &len));
	assert_int_equal(len, 77);
	fab_free(f);
}

/* ------------------------------------------------------------------ */
/* Theme CSS */

static double lin(double c)
{
	c /= 255;
	return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double lum(const char *hex)
{
	unsigned r, g, b;

	if (sscanf(hex, "#%02x%02x%02x", &r, &g, &b) != 3)
		fail_msg("not a colour: %.8s", hex);
	return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/* The value of --NAME in the FROMth rule block of CSS. */
static const char *css_var(const char *css, int block, const char *name)
{
	static char out[8];
	char key[40];
	const char *p = css, *v;
	int i;

	for (i = 0; i <= block; i++)
		if ((p = strstr(p + (i > 0), ":root{")) == NULL)
			fail_msg("no block %d", block);
	snprintf(key, sizeof(key), "--%s:", name);
	v = strstr(p, key);
	if (v == NULL || (strchr(p, '}') != NULL && v > strchr(p, '}')))
		fail_msg("no %s in block %d", key, block);
	snprintf(out, sizeof(out), "%.7s", v + strlen(key));
	return out;
}

/* Asserts every theme colour of BLOCK reaches 4.5:1 against its --bg. */
static void assert_aa(const char *css, int block)
{
	static const char *const names[] = { "primary", "operational", "degraded", "outage",
		                             "maintenance" };
	double bg = lum(css_var(css, block, "bg"));
	size_t i;

	for (i = 0; i < 5; i++) {
		double c = lum(css_var(css, block, names[i]));
		double ratio = c > bg ? (c + 0.05) / (bg + 0.05) : (bg + 0.05) / (c + 0.05);

		if (ratio < 4.5)
			fail_msg("--%s has %.2f:1 in block %d", names[i], ratio, block);
	}
}

static char *css_of(const struct status_view *v)
{
	size_t len = 0;
	char *s = status_render_theme_css(v, &len);

	assert_non_null(s);
	assert_int_equal(strlen(s), len);
	assert_int_equal(count(s, "{"), count(s, "}"));
	return s;
}

static void test_theme_css(void **state)
{
	struct fab *f = fab_new(1, DAYS_HEALTHY);
	char *s;

	(void)state;
	s = css_of(&f->v); /* auto: light, then dark in a media query */
	assert_contains(s, "--operational:#15803d;");
	assert_contains(s, "--degraded:#a16207;");
	assert_contains(s, "--outage:#b91c1c;");
	assert_contains(s, "--primary:#1d4ed8;");
	assert_contains(s, "@media (prefers-color-scheme:dark){");
	assert_int_equal(count(s, ":root{"), 2);
	assert_aa(s, 0);
	assert_aa(s, 1);
	assert_string_not_equal(css_var(s, 1, "operational"), "#15803d");
	free(s);

	f->v.theme.mode = 1; /* light only */
	s = css_of(&f->v);
	assert_int_equal(count(s, ":root{"), 1);
	assert_not_contains(s, "@media");
	assert_contains(s, "color-scheme:light");
	free(s);

	f->v.theme.mode = 2; /* dark only */
	s = css_of(&f->v);
	assert_int_equal(count(s, ":root{"), 1);
	assert_not_contains(s, "@media");
	assert_contains(s, "color-scheme:dark");
	assert_aa(s, 0);
	free(s);

	/* short forms expand; bad ones fall back; pale colours are darkened to AA */
	f->v.theme = (struct status_theme){
		"#ABC", "#ffff00", "red;}body{background:url(x)}", "expression(alert(1))", NULL, 0
	};
	s = css_of(&f->v);
	assert_not_contains(s, "url(");
	assert_not_contains(s, "expression");
	assert_not_contains(s, "red");
	assert_contains(s, "--degraded:#a16207;");
	assert_contains(s, "--outage:#b91c1c;");
	assert_contains(s, "--maintenance:#1d4ed8;");
	assert_string_not_equal(css_var(s, 0, "operational"), "#ffff00");
	assert_aa(s, 0);
	assert_aa(s, 1);
	free(s);
	fab_free(f);
}

/* ------------------------------------------------------------------ */
/* JSON */

static void test_json(void **state)
{
	struct fab *f = fab_new(6, DAYS_REALISTIC);
	json_t *j, *c, *d, *inc, *m;

	(void)state;
	f->comps[2].uptime_7d = -1;
	f->comps[2].latency_ms = -1;
	j = json_of(&f->v);
	assert_string_equal(jstr(json_object_get(j, "page"), "title"), "Example Status");
	assert_string_equal(jstr(json_object_get(j, "page"), "url"), "https://status.example.com");
	assert_string_equal(jstr(json_object_get(j, "page"), "updated_at"),
	                    "2026-03-02T14:05:09.000Z");
	assert_string_equal(jstr(json_object_get(j, "status"), "indicator"), "major_outage");
	assert_string_equal(jstr(json_object_get(j, "status"), "description"), "Major Outage");
	assert_int_equal(json_array_size(json_object_get(j, "components")), 6);
	c = json_array_get(json_object_get(j, "components"), 1);
	assert_string_equal(jstr(c, "id"), "comp-1");
	assert_string_equal(jstr(c, "name"), "Component 1");
	assert_string_equal(jstr(c, "group"), "Group A");
	assert_string_equal(jstr(c, "status"), "degraded_performance");
	assert_true(json_real_value(json_object_get(json_object_get(c, "uptime"), "30d")) ==
	            99.953);
	assert_true(json_number_value(json_object_get(json_object_get(c, "uptime"), "24h")) == 100);
	assert_true(json_number_value(json_object_get(c, "response_time_ms")) == 123);
	assert_int_equal(json_array_size(json_object_get(c, "days")), STATUS_DAYS);
	d = json_array_get(json_object_get(c, "days"), 0);
	assert_string_equal(jstr(d, "date"), "2025-12-03");
	assert_true(json_is_null(json_object_get(d, "uptime")));
	d = json_array_get(json_object_get(c, "days"), 80);
	assert_true(json_number_value(json_object_get(d, "uptime")) == 99.5);
	assert_int_equal(json_integer_value(json_object_get(d, "incidents")), 1);
	assert_int_equal(json_array_size(json_object_get(c, "response_times")), STATUS_HOURS);
	d = json_array_get(json_object_get(c, "response_times"), 23);
	assert_string_equal(jstr(d, "time"), "2026-03-02T14:00:00.000Z");
	assert_true(json_is_number(json_object_get(d, "ms")));
	assert_true(json_is_null(
	        json_object_get(json_array_get(json_object_get(c, "response_times"), 5), "ms")));
	c = json_array_get(json_object_get(j, "components"), 0);
	assert_true(json_is_null(json_object_get(c, "group")));
	c = json_array_get(json_object_get(j, "components"), 2);
	assert_true(json_is_null(json_object_get(json_object_get(c, "uptime"), "7d")));
	assert_true(json_is_null(json_object_get(c, "response_time_ms")));

	assert_int_equal(json_array_size(json_object_get(j, "incidents")), 2);
	inc = json_array_get(json_object_get(j, "incidents"), 0);
	assert_int_equal(json_integer_value(json_object_get(inc, "id")), 101);
	assert_string_equal(jstr(inc, "title"), "Database slowdown");
	assert_string_equal(jstr(inc, "impact"), "major");
	assert_string_equal(jstr(inc, "status"), "identified");
	assert_string_equal(jstr(inc, "started_at"), "2026-03-02T13:05:09.000Z");
	assert_true(json_is_null(json_object_get(inc, "resolved_at")));
	assert_int_equal(json_array_size(json_object_get(inc, "components")), 2);
	assert_int_equal(json_array_size(json_object_get(inc, "updates")), 2);
	d = json_array_get(json_object_get(inc, "updates"), 0);
	assert_string_equal(jstr(d, "status"), "identified");
	assert_string_equal(jstr(d, "message"), "The cause is a failed disk.");
	assert_string_equal(jstr(d, "time"), "2026-03-02T13:35:09.000Z");
	inc = json_array_get(json_object_get(j, "incidents"), 1);
	assert_string_equal(jstr(inc, "resolved_at"), "2026-03-01T16:05:09.000Z");

	assert_int_equal(json_array_size(json_object_get(j, "scheduled_maintenances")), 2);
	m = json_array_get(json_object_get(j, "scheduled_maintenances"), 0);
	assert_string_equal(jstr(m, "name"), "Database upgrade");
	assert_true(json_is_true(json_object_get(m, "active")));
	assert_string_equal(jstr(m, "start"), "2026-03-02T13:05:09.000Z");
	assert_string_equal(jstr(m, "end"), "2026-03-02T15:05:09.000Z");
	assert_string_equal(json_string_value(json_array_get(json_object_get(m, "components"), 0)),
	                    "Component 1");
	m = json_array_get(json_object_get(j, "scheduled_maintenances"), 1);
	assert_true(json_is_false(json_object_get(m, "active")));
	assert_int_equal(json_array_size(json_object_get(m, "components")), 0);
	json_decref(j);

	f->v.url = NULL;
	f->v.title = "\xff bad \xc0\xaf";
	j = json_of(&f->v);
	assert_true(json_is_null(json_object_get(json_object_get(j, "page"), "url")));
	assert_string_equal(jstr(json_object_get(j, "page"), "title"),
	                    "\xef\xbf\xbd bad \xef\xbf\xbd\xef\xbf\xbd");
	json_decref(j);
	fab_free(f);
}

/* ------------------------------------------------------------------ */
/* Badges */

static char *badge_of(const struct status_view *v, const char *id, const char *what)
{
	size_t len = 0;
	char *s = status_render_badge(v, id, what, &len);

	if (s == NULL)
		return NULL;
	assert_int_equal(strlen(s), len);
	assert_markup(what, s, 0);
	assert_contains(s, "role=\"img\"");
	return s;
}

/* Asserts the badge WHAT of ID reads "LABEL: VALUE" on COLOUR. */
static void assert_badge(const struct status_view *v, const char *id, const char *what,
                         const char *label, const char *value, const char *colour)
{
	char *s = badge_of(v, id, what), want[160];

	if (s == NULL)
		fail_msg("no badge %s for %s", what, id);
	snprintf(want, sizeof(want), "aria-label=\"%s: %s\"><title>%s: %s</title>", label, value,
	         label, value);
	assert_contains(s, want);
	snprintf(want, sizeof(want), "height=\"20\" fill=\"%s\"/>", colour);
	assert_contains(s, want);
	snprintf(want, sizeof(want), ">%s</text>", value);
	assert_int_equal(count(s, want), 2);
	free(s);
}

static void test_badges(void **state)
{
	struct fab *f = fab_new(5, DAYS_HEALTHY);
	char *a, *b;
	size_t len = 5;

	(void)state;
	assert_badge(&f->v, "comp-0", "status", "status", "operational", "#4c1");
	assert_badge(&f->v, "comp-1", "status", "status", "degraded", "#dfb317");
	assert_badge(&f->v, "comp-2", "status", "status", "partial outage", "#fe7d37");
	assert_badge(&f->v, "comp-3", "status", "status", "major outage", "#e05d44");
	assert_badge(&f->v, "comp-4", "status", "status", "maintenance", "#007ec6");
	assert_badge(&f->v, "comp-0", "uptime/24h", "uptime 24h", "100%", "#4c1");
	assert_badge(&f->v, "comp-0", "uptime/7d", "uptime 7d", "99.99%", "#4c1");
	assert_badge(&f->v, "comp-0", "uptime/30d", "uptime 30d", "99.95%", "#4c1");
	assert_badge(&f->v, "comp-0", "uptime/90d", "uptime 90d", "99.90%", "#4c1");
	assert_badge(&f->v, "comp-0", "response-time", "response time", "123 ms", "#4c1");
	f->comps[1].uptime_24h = 99.5;
	f->comps[1].uptime_7d = 96;
	f->comps[1].uptime_30d = 80;
	f->comps[1].uptime_90d = -1;
	f->comps[1].latency_ms = 1500;
	assert_badge(&f->v, "comp-1", "uptime/24h", "uptime 24h", "99.50%", "#97ca00");
	assert_badge(&f->v, "comp-1", "uptime/7d", "uptime 7d", "96.00%", "#dfb317");
	assert_badge(&f->v, "comp-1", "uptime/30d", "uptime 30d", "80.00%", "#e05d44");
	assert_badge(&f->v, "comp-1", "uptime/90d", "uptime 90d", "unknown", "#9f9f9f");
	assert_badge(&f->v, "comp-1", "response-time", "response time", "1500 ms", "#fe7d37");
	f->comps[1].latency_ms = -1;
	assert_badge(&f->v, "comp-1", "response-time", "response time", "unknown", "#9f9f9f");
	f->comps[2].latency_ms = 0.269;
	assert_badge(&f->v, "comp-2", "response-time", "response time", "0.27 ms", "#4c1");

	/* wider text, wider badge */
	a = badge_of(&f->v, "comp-0", "status");
	b = badge_of(&f->v, "comp-3", "status");
	assert_true(strtol(strstr(a, "width=\"") + 7, NULL, 10) <
	            strtol(strstr(b, "width=\"") + 7, NULL, 10));
	free(a);
	free(b);

	assert_null(status_render_badge(&f->v, "nope", "status", &len));
	assert_null(status_render_badge(&f->v, "comp-0", "uptime/1y", &len));
	assert_null(status_render_badge(&f->v, "comp-0", "", &len));
	assert_null(status_render_badge(&f->v, "Component 0", "status", &len)); /* ids, not names */
	assert_int_equal(len, 5);
	fab_free(f);
}

/* ------------------------------------------------------------------ */
/* Feeds */

static char *feed_of(const struct status_view *v, bool rss)
{
	size_t len = 0;
	char *s = status_render_feed(v, rss, &len);
	struct xc x;

	assert_non_null(s);
	assert_int_equal(strlen(s), len);
	if (!xml_check(s, true, &x))
		fail_msg("%s: %s", rss ? "rss" : "atom", x.err);
	xc_done(&x);
	return s;
}

static void test_feed_atom(void **state)
{
	struct fab *f = fab_new(3, DAYS_HEALTHY);
	char *s;

	(void)state;
	f->maint[1].name = "Network work/a b";
	s = feed_of(&f->v, false);
	assert_true(strncmp(s,
	                    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed "
	                    "xmlns=\"http://www.w3.org/2005/Atom\"",
	                    70) == 0);
	assert_contains(s, "<id>https://status.example.com/status</id>");
	assert_contains(s, "<title type=\"text\">Example Status</title>");
	assert_contains(s, "<link rel=\"self\" type=\"application/atom+xml\" "
	                   "href=\"https://status.example.com/feed.atom\"/>");
	assert_int_equal(count(s, "<entry>"), 4);
	assert_contains(
	        s, "<entry><id>https://status.example.com/status/incidents/101</id><title "
	           "type=\"text\">Database slowdown</title><link rel=\"alternate\" "
	           "type=\"text/html\" href=\"https://status.example.com/status/incidents/101\"/>"
	           "<published>2026-03-02T13:05:09.000Z</published><updated>2026-03-02T13:35:"
	           "09.000Z</updated>");
	/* the feed's updated is its newest entry's */
	assert_contains(s, "feed.atom\"/><updated>2026-03-02T13:35:09.000Z</updated>");
	assert_contains(s, "&lt;strong&gt;Identified&lt;/strong&gt; (2 Mar 2026, 13:35 UTC): The "
	                   "cause is a failed disk.");
	assert_contains(s, "<title type=\"text\">Scheduled maintenance: Database upgrade</title>");
	assert_contains(s, "<id>urn:vigil:maintenance:1772633109000:Network%20work%2Fa%20b</id>");
	/* newest first: 101 (13:35 today), then 102 (yesterday), maintenance by announcement */
	assert_true(strstr(s, "incidents/101") < strstr(s, "incidents/102"));
	free(s);

	f->v.url = "https://status.example.com/some/path?q#x";
	s = feed_of(&f->v, false);
	assert_contains(s, "href=\"https://status.example.com/status/incidents/102\"");
	free(s);

	f->v.url = NULL; /* absolute paths, URN ids */
	s = feed_of(&f->v, false);
	assert_contains(s, "<id>urn:vigil:status</id>");
	assert_contains(s, "<id>urn:vigil:incident:101</id>");
	assert_contains(s, "href=\"/status/incidents/101\"");
	assert_not_contains(s, "example.com");
	free(s);

	f->v.nincidents = 0;
	f->v.nmaintenance = 0;
	s = feed_of(&f->v, false);
	assert_int_equal(count(s, "<entry>"), 0);
	assert_contains(s, "<updated>2026-03-02T14:05:09.000Z</updated>");
	free(s);
	fab_free(f);
}

static void test_feed_rss(void **state)
{
	struct fab *f = fab_new(3, DAYS_HEALTHY);
	char *s;

	(void)state;
	s = feed_of(&f->v, true);
	assert_contains(
	        s, "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\"><channel>"
	           "<title>Example Status</title><link>https://status.example.com/status</link>");
	assert_contains(s, "<atom:link rel=\"self\" type=\"application/rss+xml\" "
	                   "href=\"https://status.example.com/feed.rss\"/>");
	assert_contains(s, "<lastBuildDate>Mon, 02 Mar 2026 13:35:09 +0000</lastBuildDate>");
	assert_int_equal(count(s, "<item>"), 4);
	assert_contains(s,
	                "<item><title>API errors</title><link>https://status.example.com/status/"
	                "incidents/102</link><guid isPermaLink=\"true\">https://status.example.com/"
	                "status/incidents/102</guid><pubDate>Sun, 01 Mar 2026 16:05:09 "
	                "+0000</pubDate>");
	assert_contains(s, "&lt;strong&gt;Resolved&lt;/strong&gt; (1 Mar 2026, 16:05 UTC): Error "
	                   "rates are back to normal.");
	assert_contains(s, "<guid isPermaLink=\"false\">urn:vigil:maintenance:");
	free(s);
	fab_free(f);
}

/* ------------------------------------------------------------------ */
/* Size and time for 1,000 components */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median time of 20 renders by RENDER of F's view; *SIZE the body's size. */
static double median_render(const struct fab *f,
                            char *(*render)(const struct status_view *, size_t *), size_t *size)
{
	double t[20];
	int i;

	for (i = 0; i < 20; i++) {
		double t0 = now_ms();
		char *s = render(&f->v, size);

		t[i] = now_ms() - t0;
		assert_non_null(s);
		free(s);
	}
	qsort(t, 20, sizeof(t[0]), cmp_double);
	return (t[9] + t[10]) / 2;
}

static void test_size_1000(void **state)
{
	static const char *const kinds[] = { "healthy", "realistic", "varied" };
	size_t size[3], full[3], json;
	double ms[3], jms;
	int k;

	(void)state;
	for (k = 0; k < 3; k++) {
		struct fab *f = fab_new(1000, (enum fab_days)k);

		ms[k] = median_render(f, status_render_page, &size[k]);
		print_message("status page, 1000 components, %s days: %zu bytes, median %.2f ms\n",
		              kinds[k], size[k], ms[k]);
		f->v.layout = LAYOUT_FULL;
		(void)median_render(f, status_render_page, &full[k]);
		print_message("  with layout full: %zu bytes\n", full[k]);
		if (k == DAYS_REALISTIC) {
			jms = median_render(f, status_render_json, &json);
			print_message("status JSON, 1000 components: %zu bytes, median %.2f ms\n",
			              json, jms);
		}
		fab_free(f);
	}
	/*
	 * The goal, 300 KB for 1,000 components, on the page they get by
	 * default (compact above 50); days that all differ are the worst case.
	 */
	assert_true(size[DAYS_HEALTHY] <= 300 * 1000);
	assert_true(size[DAYS_REALISTIC] <= 300 * 1000);
	assert_true(size[DAYS_VARIED] < 1000 * 1000);
	/* the full layout: every component with tooltips, three uptimes and a chart */
	assert_true(full[DAYS_HEALTHY] < 1000 * 900);
	assert_true(full[DAYS_REALISTIC] < 1000 * 1400);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_banner_table),
		cmocka_unit_test(test_page_sections),
		cmocka_unit_test(test_page_complete),
		cmocka_unit_test(test_page_no_data),
		cmocka_unit_test(test_page_groups),
		cmocka_unit_test(test_page_script_and_logo),
		cmocka_unit_test(test_incident_page),
		cmocka_unit_test(test_theme_css),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_badges),
		cmocka_unit_test(test_feed_atom),
		cmocka_unit_test(test_feed_rss),

		cmocka_unit_test(test_size_1000),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
