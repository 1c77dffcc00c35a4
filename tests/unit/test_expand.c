/* Unit tests of src/conf/expand.c: ${VAR} and ${VAR:-default}. */
#include "testing.h"

#include "conf/expand.h"

static char *ex(const char *in, char *err)
{
	return conf_expand(in, NULL, err, 256);
}

static void test_expand(void **state)
{
	char err[256];
	char *out;
	int did = -1;

	(void)state;
	setenv("VT_A", "alpha", 1);
	setenv("VT_EMPTY", "", 1);
	unsetenv("VT_NONE");
	out = conf_expand("x${VT_A}y", &did, err, sizeof(err));
	assert_string_equal(out, "xalphay");
	assert_int_equal(did, 1);
	free(out);
	out = conf_expand("plain $ text", &did, err, sizeof(err));
	assert_string_equal(out, "plain $ text");
	assert_int_equal(did, 0);
	free(out);
	out = ex("${VT_NONE:-fallback}-${VT_EMPTY:-e}-${VT_EMPTY}", err);
	assert_string_equal(out, "fallback-e-");
	free(out);
	out = ex("${VT_NONE:-}", err);
	assert_string_equal(out, "");
	free(out);
	out = ex("$${VT_A}", err);
	assert_string_equal(out, "${VT_A}");
	free(out);
	out = ex("${VT_A:-a:b-c}", err);
	assert_string_equal(out, "alpha");
	free(out);
}

static void test_expand_errors(void **state)
{
	char err[256];

	(void)state;
	unsetenv("VT_NONE");
	assert_null(ex("${VT_NONE}", err));
	assert_string_equal(err, "environment variable VT_NONE is not set");
	assert_null(ex("${VT_NONE", err));
	assert_string_equal(err, "bad variable reference \"${VT_NONE\": expected \"}\" or \":-\"");
	assert_null(ex("${VT_NONE:-x", err));
	assert_string_equal(err, "unterminated \"${VT_NONE\"");
	assert_null(ex("${}", err));
	assert_string_equal(err, "\"${\" must be followed by a variable name");
	assert_null(ex("${A-B}", err));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_expand_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
