/*
 * Unit tests of the status page's layouts and pages for many components
 * (src/web/status_html.c, status_svg.c, status_component.c, status_events.c):
 * the choice of layout, the compact row and bar, a component's own page, and
 * a storm of open incidents. The rest of the renderers are in
 * test_status_render.c.
 */
#include "status_fixture.h"
#include "web/status_html.h"

/* Many open incidents: the first whole, the next one linked line each, the rest counted. */
static void test_incident_storm(void **state)
{
	enum { N = STATUS_ACTIVE_FULL + STATUS_ACTIVE_LINES + 7 };
	struct fab *f = fab_new(3, DAYS_HEALTHY);
	struct status_incident inc[N];
	char *s, want[160];
	struct xc x;
	int i;

	(void)state;
	for (i = 0; i < N; i++) {
		inc[i] = f->inc[0]; /* open, with two updates */
		inc[i].id = 1000 + i;
		inc[i].title = i == STATUS_ACTIVE_FULL + STATUS_ACTIVE_LINES - 1 ? "Last <one>"
		               : i == N - 1                                      ? "Hidden"
		                                                                 : "Storm";
		inc[i].started_ms = NOW - (int64_t)i * 60000; /* newest first */
	}
	f->v.incidents = inc;
	f->v.nincidents = N;
	s = page_of(&f->v);
	if (!xml_check(s, true, &x))
		fail_msg("storm page: %s", x.err);
	xc_done(&x);
	assert_int_equal(count(s, "<article class=\"inc\""), STATUS_ACTIVE_FULL);
	assert_int_equal(count(s, "The cause is a failed disk."), STATUS_ACTIVE_FULL);
	assert_contains(s, "<h3 class=\"more\">More active incidents</h3><ul class=\"more\"><li><a "
	                   "href=\"/status/incidents/1010\">Storm</a> <span class=\"meta\">Major "
	                   "impact · Identified · Started <time");
	snprintf(want, sizeof(want), "<li><a href=\"/status/incidents/%d\">Last &lt;one&gt;</a>",
	         1000 + STATUS_ACTIVE_FULL + STATUS_ACTIVE_LINES - 1);
	assert_contains(s, want);
	assert_int_equal(count(s, "<a href=\"/status/incidents/10"),
	                 STATUS_ACTIVE_FULL + STATUS_ACTIVE_LINES);
	assert_not_contains(s, "Hidden");
	assert_contains(s,
	                "<p class=\"none\">And 7 more open incidents: the page of each component "
	                "lists its own");
	free(s);
	/* one more than whole: a list of one, nothing counted */
	f->v.nincidents = STATUS_ACTIVE_FULL + 1;
	s = page_of(&f->v);
	assert_int_equal(count(s, "<ul class=\"more\"><li>"), 1);
	assert_not_contains(s, "more open incidents");
	free(s);
	/* exactly STATUS_ACTIVE_FULL: no second list */
	f->v.nincidents = STATUS_ACTIVE_FULL;
	s = page_of(&f->v);
	assert_not_contains(s, "class=\"more\"");
	free(s);
	fab_free(f);
}

/* Full up to STATUS_FULL_MAX components, compact above, unless status_page.layout says. */
static void test_layout_choice(void **state)
{
	static const struct {
		enum status_layout layout;
		size_t n;
		bool compact;
	} cases[] = {
		{ LAYOUT_AUTO, 1, false },
		{ LAYOUT_AUTO, STATUS_FULL_MAX, false },
		{ LAYOUT_AUTO, STATUS_FULL_MAX + 1, true },
		{ LAYOUT_FULL, 300, false },
		{ LAYOUT_COMPACT, 1, true },
		{ LAYOUT_COMPACT, 60, true },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fab *f = fab_new(cases[i].n, DAYS_REALISTIC);
		char *s;

		f->v.layout = cases[i].layout;
		assert_int_equal(status_view_compact(&f->v), cases[i].compact);
		s = page_of(&f->v);
		if (cases[i].compact) {
			assert_contains(s, "<section id=\"components\" class=\"compact\"");
			assert_int_equal(count(s, "<svg viewBox=\"0 -.5 90 1\""), (int)cases[i].n);
			assert_not_contains(s, "<svg class=\"u\"");
			assert_not_contains(s, "<svg class=\"r\"");
			assert_not_contains(s, "<title>20");
		} else {
			assert_not_contains(s, "class=\"compact\"");
			assert_int_equal(count(s, "<svg class=\"u\""), (int)cases[i].n);
			assert_not_contains(s, "<svg viewBox=\"0 -.5");
		}
		free(s);
		fab_free(f);
	}
}

/* A compact component: link, state, a path per class of days other than 100%, 90-day uptime. */
static void test_compact_markup(void **state)
{
	struct fab *f = fab_new(6, DAYS_REALISTIC);
	struct xc x;
	char *s;

	(void)state;
	f->v.layout = LAYOUT_COMPACT;
	f->comps[2].uptime_90d = -1;
	f->comps[4].days[89].uptime = 100.0 * 86399 / 86400; /* 99.99%: not 100 */
	s = page_of(&f->v);
	if (!xml_check(s, true, &x))
		fail_msg("compact page: %s", x.err);
	xc_done(&x);
	/* even: no day without data; 99.5% on day 80, 94.25% on day 85 */
	assert_contains(
	        s, "<li data-state=\"operational\"><a "
	           "href=\"/status/components/comp-0\">Component 0</a> <span "
	           "class=\"s\">Operational</span><svg viewBox=\"0 -.5 90 1\" "
	           "preserveAspectRatio=\"none\" role=\"none\"><path class=\"b2\" "
	           "d=\"M80 0h1\"/><path class=\"b4\" d=\"M85 0h1\"/></svg><b>99.90%</b></li>");
	/* odd: no data for the first 10 days */
	assert_contains(s, "role=\"none\"><path class=\"b0\" d=\"M0 0h10\"/><path class=\"b2\" "
	                   "d=\"M80 0h1\"/><path class=\"b4\" d=\"M85 0h1\"/></svg><b>99.90%</b>");
	/* two runs of one class are one path; an unknown uptime is a dash */
	assert_contains(s, "<path class=\"b2\" d=\"M80 0h1M89 0h1\"/>");
	assert_contains(s, "<b>–</b>");
	assert_contains(s, "Select a component for its days, uptimes and response time.");
	assert_int_equal(count(s, "<li data-state="), 6);
	free(s);
	fab_free(f);
}

/* A component's own page: everything the compact layout leaves out, and only its events. */
static void test_component_page(void **state)
{
	struct fab *f = fab_new(6, DAYS_REALISTIC);
	size_t len = 0;
	struct xc x;
	char *s;

	(void)state;
	assert_null(status_render_component(&f->v, "nope", &len));
	assert_null(status_render_component(&f->v, "Component 1", &len)); /* by id, not name */
	s = status_render_component(&f->v, "comp-1", &len);
	assert_non_null(s);
	assert_int_equal(strlen(s), len);
	if (!xml_check(s, true, &x))
		fail_msg("component page: %s", x.err);
	xc_done(&x);
	assert_contains(s, "<title>Component 1 · Example Status</title>");
	assert_contains(s, "<section class=\"cp\" data-state=\"degraded_performance\" "
	                   "aria-labelledby=\"h-comp\"><h2 id=\"h-comp\">Component 1</h2><span "
	                   "class=\"s\">Degraded Performance</span><p class=\"meta\">In Group "
	                   "A</p>");
	assert_contains(s, "<span>24 h <b>100%</b></span><span>7 d <b>99.99%</b></span><span>30 d "
	                   "<b>99.95%</b></span><span>90 d <b>99.90%</b></span>");
	assert_contains(s, "<title>2026-02-21: 99.50%, 1 incident</title>");
	assert_contains(s, "to 2025-12-12: No data, no incidents</title>");
	assert_contains(s, "<p class=\"rt\">Response time, last 24 h: min ");
	assert_contains(s, "<svg class=\"r\"");
	/* both incidents name it; the active window names it and the upcoming one all */
	assert_contains(s, "<a href=\"/status/incidents/101\">Database slowdown</a>");
	assert_not_contains(s, "API errors"); /* 102 names Component 0 alone */
	assert_contains(s, "<h3>Database upgrade</h3>");
	assert_contains(s, "<h3>Network work</h3>");
	assert_not_contains(s, "status.js");
	free(s);
	s = status_render_component(&f->v, "comp-0", &len);
	assert_contains(s, "<a href=\"/status/incidents/102\">API errors</a>");
	assert_true(strstr(s, "Database slowdown") < strstr(s, "API errors")); /* open first */
	free(s);
	/* comp-2: no incident, only the window for all; no group line when ungrouped (comp-3) */
	s = status_render_component(&f->v, "comp-2", &len);
	assert_contains(s, "No incidents in the last 14 days.");
	assert_not_contains(s, "Database upgrade");
	assert_contains(s, "<h3>Network work</h3>");
	free(s);
	s = status_render_component(&f->v, "comp-3", &len);
	assert_not_contains(s, "<p class=\"meta\">In ");
	free(s);
	/* an incident naming no component is everyone's, as the main page's "All components" says */
	f->inc[0].ncomponents = 0;
	s = status_render_component(&f->v, "comp-2", &len);
	assert_contains(s, "<a href=\"/status/incidents/101\">Database slowdown</a>");
	assert_contains(s, "Affects: All components");
	assert_not_contains(s, "No incidents in the last 14 days.");
	free(s);
	fab_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_incident_storm),
		cmocka_unit_test(test_layout_choice),
		cmocka_unit_test(test_compact_markup),
		cmocka_unit_test(test_component_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
