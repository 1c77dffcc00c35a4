/* Unit tests of src/util/template.c: data-only {{field}} substitution. */
#include "testing.h"

#include "util/template.h"

static const char *const names[] = { "monitor", "message", "status", NULL };

static char *render(const char *t, enum tmpl_escape esc)
{
	const struct tmpl_field f[] = {
		{ "monitor", "API \"prod\"" },
		{ "message", "line 1\nline\t2 \\ \x01" },
		{ "status", NULL },
	};

	return template_render(t, strlen(t), f, 3, esc);
}

static void test_check(void **state)
{
	char err[200];

	(void)state;
	assert_int_equal(template_check("{{monitor}} {{ status }}", 24, names, err, sizeof(err)),
	                 0);
	assert_int_equal(template_check("no placeholders } {", 19, names, err, sizeof(err)), 0);
	assert_int_equal(template_check("x {{monitr}}", 12, names, err, sizeof(err)), -1);
	assert_string_equal(err, "column 3: unknown field {{monitr}}");
	assert_int_equal(template_check("{{monitor", 9, names, err, sizeof(err)), -1);
	assert_contains(err, "column 1: \"{{\" opens no {{name}} placeholder");
	assert_int_equal(template_check("{{}}", 4, names, err, sizeof(err)), -1);
	assert_int_equal(template_check("{{Monitor}}", 11, names, err, sizeof(err)), -1);
	/* no expressions, filters or calls: only a name */
	assert_int_equal(template_check("{{monitor | upper}}", 19, names, err, sizeof(err)), -1);
	assert_int_equal(template_check("{{system('id')}}", 16, names, err, sizeof(err)), -1);
}

static void test_render(void **state)
{
	char *s;

	(void)state;
	s = render("{\"text\": \"{{monitor}}: {{message}}\", \"s\": \"{{status}}\"}", TMPL_JSON);
	assert_string_equal(s, "{\"text\": \"API \\\"prod\\\": line 1\\nline\\t2 \\\\ \\u0001\", "
	                       "\"s\": \"\"}");
	free(s);
	s = render("{{ monitor }} / {{monitor}}", TMPL_RAW);
	assert_string_equal(s, "API \"prod\" / API \"prod\"");
	free(s);
	/* a value is never read as a template: no second pass */
	{
		const struct tmpl_field f[] = { { "monitor", "{{message}}" }, { "message", "x" } };

		s = template_render("{{monitor}}", 11, f, 2, TMPL_RAW);
		assert_string_equal(s, "{{message}}");
		free(s);
	}
}

static void test_cap(void **state)
{
	size_t big = TEMPLATE_MAX - 10;
	char *v = malloc(big + 1), *s;
	struct tmpl_field f[] = { { "monitor", v } };

	(void)state;
	memset(v, 'a', big);
	v[big] = '\0';
	s = template_render("{{monitor}}{{monitor}}", 22, f, 1, TMPL_RAW);
	assert_int_equal(strlen(s), big); /* the second copy does not fit: left out whole */
	free(s);
	s = template_render("{{monitor}}{{monitor}}", 22, f, 1, TMPL_JSON);
	assert_true(strlen(s) <= TEMPLATE_MAX);
	free(s);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
