/*
 * The status page's renderers against an XSS corpus: each payload in every
 * string field of a view, every output checked well-formed, free of
 * script-capable markup, and still saying the text (src/web/status_*.c,
 * badge.c, feed.c).
 */
#include "status_fixture.h"

/* ------------------------------------------------------------------ */
/* XSS corpus: each payload in every string field of a view */

static const char *const xss[] = {
	"<script>alert(1)</script>",
	"\"><img src=x onerror=alert(1)>",
	"'onmouseover=alert(1) x='",
	"</title><script>alert(1)</script>",
	"javascript:alert(1)",
	"<svg onload=alert(1)>",
	"]]>",
	"&lt;script&gt;alert(1)&lt;/script&gt;",
	"\xe2\x80\xa8line\xe2\x80\xa9separators",
	"\x01\x02\x03\x1b[31m\x7f controls\x0b\x0c",
	"red;}body{background:url(x)}",
	"expression(alert(1))",
	"<ScRiPt>alert(1)</sCrIpT>",
	"<scr<script>ipt>alert(1)</script>",
	"<img src=\"javascript:alert(1)\">",
	"<a href=\"javascript:alert(1)\">x</a>",
	"<iframe src=//evil.example></iframe>",
	"<body onload=alert(1)>",
	"<style>body{display:none}</style>",
	"<link rel=stylesheet href=//evil.example/x.css>",
	"<meta http-equiv=refresh content=0;url=//evil.example>",
	"<base href=//evil.example/>",
	"<object data=javascript:alert(1)>",
	"<embed src=javascript:alert(1)>",
	"<form action=javascript:alert(1)><button>x</button></form>",
	"<details open ontoggle=alert(1)>",
	"<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
	"<svg><script>alert(1)</script></svg>",
	"<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
	"<![CDATA[<script>alert(1)</script>]]>",
	"<!--<script>alert(1)</script>-->",
	"<?xml version=\"1.0\"?><x/>",
	"<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>&e;",
	"&amp;lt;script&amp;gt;",
	"&#60;script&#62;alert(1)&#60;/script&#62;",
	"&#x3C;script&#x3E;",
	"\" autofocus onfocus=\"alert(1)",
	"' autofocus onfocus='alert(1)",
	"` onmouseover=alert(1) `",
	"\"; alert(1); //",
	"'; alert(1); //",
	"</script><script>alert(1)</script>",
	"</style><script>alert(1)</script>",
	"</textarea><script>alert(1)</script>",
	"</noscript><script>alert(1)</script>",
	"{{constructor.constructor('alert(1)')()}}",
	"${alert(1)}",
	"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
	"vbscript:msgbox(1)",
	"jav&#x09;ascript:alert(1)",
	"java\tscript:alert(1)",
	"\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
	"\xef\xbc\x9cscript\xef\xbc\x9e fullwidth",
	"\xe2\x80\xae reversed text \xe2\x80\xac",
	"%3Cscript%3Ealert(1)%3C%2Fscript%3E",
	"../../../etc/passwd",
	"a/b?c=d#e f",
	"#f00;background:url(javascript:alert(1))",
	"#fff\"/><script>alert(1)</script>",
	"https://status.example.com/\"><script>alert(1)</script>",
	"https://a\"onmouseover=\"alert(1)",
	"\xff\xfe invalid utf-8 \xc0\xaf",
	"\xed\xa0\x80 surrogate",
	"\xef\xbf\xbf nonchar \xc2\x85 nel",
	"\r\n\r\nHTTP/1.1 200 OK\r\nX-Injected: 1",
	"", /* replaced by a very long string */
};

/* Puts P in every string field of F's view. */
static void poison(struct fab *f, const char *p)
{
	size_t i;

	f->v.title = f->v.description = f->v.url = p;
	f->v.theme = (struct status_theme){ p, p, p, p, p, (int)(strlen(p) % 3) };
	for (i = 0; i < f->v.ncomponents; i++)
		f->comps[i].id = f->comps[i].name = f->comps[i].group = p;
	f->inc_names[0] = f->inc_names[1] = f->maint_names[0] = p;
	for (i = 0; i < 2; i++) {
		f->inc[i].title = f->inc[i].impact = f->inc[i].status = p;
		f->maint[i].name = p;
	}
	for (i = 0; i < 4; i++)
		f->upd[i].status = f->upd[i].message = p;
}

/* Asserts the page-like document S is safe and, for a text payload P, says P. */
static void check_markup(const char *what, const char *s, const char *p, int scripts)
{
	struct xc x;

	if (!xml_check(s, true, &x))
		fail_msg("%s with payload \"%.60s\": %s", what, p, x.err);
	if (x.scripts != scripts)
		fail_msg("%s with payload \"%.60s\": %d scripts", what, p, x.scripts);
	if (xml_chars_ok(p, false) && strchr(p, '\r') == NULL && strstr(x.text.data, p) == NULL)
		fail_msg("%s lost the text of \"%.60s\"", what, p);
	xc_done(&x);
}

static void check_feed(const char *s, const char *p, bool rss)
{
	struct xc x, inner;
	struct buf wrap;

	if (!xml_check(s, true, &x))
		fail_msg("%s with \"%.60s\": %s", rss ? "rss" : "atom", p, x.err);
	buf_init(&wrap, 0);
	P(buf_printf(&wrap, "<div>%s</div>", x.html.data));
	if (!xml_check(wrap.data, true, &inner))
		fail_msg("feed HTML with \"%.60s\": %s", p, inner.err);
	if (inner.scripts != 0)
		fail_msg("feed HTML with \"%.60s\" has a script", p);
	xc_done(&inner);
	xc_done(&x);
	buf_free(&wrap);
}

static void check_css(const char *css, const char *p)
{
	const char *v;

	assert_int_equal(count(css, "{"), count(css, "}"));
	assert_not_contains(css, "url(");
	assert_not_contains(css, "expression");
	if (strlen(p) > 4)
		assert_not_contains(css, p);
	for (v = strstr(css, "--primary:"); v != NULL; v = strstr(v + 1, "--primary:")) {
		size_t i;

		for (i = 11; i < 17; i++)
			assert_true(isxdigit((unsigned char)v[i]));
		assert_int_equal(v[17], ';');
	}
}

static void check_json(const struct fab *f, const char *p)
{
	json_t *j = json_of(&f->v), *c;

	if (!xml_chars_ok(p, true)) { /* not UTF-8: replaced, still JSON */
		json_decref(j);
		return;
	}
	assert_string_equal(jstr(json_object_get(j, "page"), "title"), p);
	c = json_array_get(json_object_get(j, "components"), 0);
	assert_string_equal(jstr(c, "name"), p);
	assert_string_equal(jstr(c, "group"), p);
	assert_string_equal(jstr(c, "id"), p);
	c = json_array_get(json_object_get(j, "incidents"), 0);
	assert_string_equal(jstr(c, "title"), p);
	assert_string_equal(jstr(json_array_get(json_object_get(c, "updates"), 1), "message"), p);
	assert_string_equal(json_string_value(json_array_get(json_object_get(c, "components"), 0)),
	                    p);
	c = json_array_get(json_object_get(j, "scheduled_maintenances"), 0);
	assert_string_equal(jstr(c, "name"), p);
	json_decref(j);
}

static void check_payload(const char *p)
{
	static const char *const whats[] = { "status",     "uptime/24h", "uptime/7d",
		                             "uptime/30d", "uptime/90d", "response-time" };
	struct fab *f = fab_new(4, DAYS_REALISTIC);
	size_t len, i;
	char *s;

	poison(f, p);
	for (i = 0; i < 4; i++) { /* full and compact, with and without the script */
		static const char *const what[] = { "page", "compact page", "page without script",
			                            "compact page without script" };

		f->v.layout = i % 2 ? LAYOUT_COMPACT : LAYOUT_AUTO;
		f->v.refresh_ms = i < 2 ? 60000 : 0;
		s = page_of(&f->v);
		check_markup(what[i], s, p, i < 2);
		free(s);
	}
	s = status_render_component(&f->v, p, &len);
	assert_non_null(s);
	check_markup("component page", s, p, 0);
	free(s);
	for (i = 0; i < 2; i++) {
		s = status_render_incident(&f->v, f->inc[i].id, &len);
		assert_non_null(s);
		check_markup("incident page", s, p, 0);
		free(s);
	}
	for (i = 0; i < sizeof(whats) / sizeof(whats[0]); i++) {
		s = status_render_badge(&f->v, p, whats[i], &len);
		assert_non_null(s);
		check_markup("badge", s, "", 0);
		free(s);
	}
	s = status_render_feed(&f->v, false, &len);
	check_feed(s, p, false);
	free(s);
	s = status_render_feed(&f->v, true, &len);
	check_feed(s, p, true);
	free(s);
	s = status_render_theme_css(&f->v, &len);
	check_css(s, p);
	free(s);
	check_json(f, p);
	fab_free(f);
}

static void test_xss_corpus(void **state)
{
	size_t n = sizeof(xss) / sizeof(xss[0]), i;
	struct buf big;

	(void)state;
	assert_true(n >= 50);
	for (i = 0; i + 1 < n; i++)
		check_payload(xss[i]);
	buf_init(&big, 0);
	for (i = 0; i < 5000; i++)
		P(buf_puts(&big, i % 2 ? "<script>alert(1)</script>" : "\"'><&"));
	check_payload(big.data);
	buf_free(&big);
}

/* Percent-encoding of URL path segments, through the feed's maintenance ids. */
static void test_url_segments(void **state)
{
	struct fab *f = fab_new(1, DAYS_HEALTHY);
	size_t len;
	char *s;

	(void)state;
	f->maint[0].name = "a b/c?d#e%f\"<é>";
	s = status_render_feed(&f->v, false, &len);
	assert_contains(s, ":a%20b%2Fc%3Fd%23e%25f%22%3C%C3%A9%3E</id>");
	free(s);
	fab_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xss_corpus),
		cmocka_unit_test(test_url_segments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
