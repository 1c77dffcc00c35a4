/* Unit tests of src/web/auth.c: bearer tokens, roles, 401 vs 403. */
#include "testing.h"

#include "conf/conf.h"
#include "web/auth.h"

#define VIEWER "viewer-token-0123456789abcdef"
#define ADMIN  "admin-token-0123456789abcdef"

static struct vigil_config *cfg;

static int setup(void **state)
{
	static const char yaml[] = "auth:\n  tokens:\n"
	                           "    - {name: v, token: " VIEWER "}\n"
	                           "    - {name: a, token: " ADMIN ", role: admin}\n";
	struct conf_diag d = { 0 };

	(void)state;
	cfg = conf_load_string("t.yaml", yaml, strlen(yaml), &d);
	conf_diag_free(&d);
	return cfg ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	conf_unref(cfg);
	return 0;
}

static void test_public(void **state)
{
	struct auth_identity who;

	(void)state;
	assert_int_equal(auth_check(cfg, NULL, ROLE_PUBLIC, &who), AUTH_OK);
	assert_int_equal(who.role, ROLE_PUBLIC);
	assert_int_equal(auth_check(cfg, "Bearer nope", ROLE_PUBLIC, &who), AUTH_OK);
	assert_int_equal(auth_check(cfg, "Bearer " ADMIN, ROLE_PUBLIC, &who), AUTH_OK);
	assert_int_equal(who.role, ROLE_ADMIN); /* identity known even where not needed */
	assert_string_equal(who.name, "a");
}

static void test_protected(void **state)
{
	struct auth_identity who;

	(void)state;
	assert_int_equal(auth_check(cfg, NULL, ROLE_VIEWER, &who), AUTH_MISSING);
	assert_int_equal(auth_check(cfg, "Bearer wrong-token-xxxxxxxxxxxx", ROLE_VIEWER, &who),
	                 AUTH_INVALID);
	assert_int_equal(auth_check(cfg, "Basic dXNlcjpwYXNz", ROLE_VIEWER, &who), AUTH_INVALID);
	assert_int_equal(auth_check(cfg, "Bearer", ROLE_VIEWER, &who), AUTH_INVALID);
	assert_int_equal(auth_check(cfg, "Bearer " VIEWER, ROLE_VIEWER, &who), AUTH_OK);
	assert_int_equal(auth_check(cfg, "bearer  " VIEWER " ", ROLE_VIEWER, &who), AUTH_OK);
	assert_int_equal(auth_check(cfg, "Bearer " VIEWER, ROLE_OPERATOR, &who), AUTH_FORBIDDEN);
	assert_int_equal(who.role, ROLE_VIEWER);
	assert_int_equal(auth_check(cfg, "Bearer " ADMIN, ROLE_OPERATOR, &who), AUTH_OK);
	assert_int_equal(auth_check(cfg, "Bearer " ADMIN "x", ROLE_VIEWER, &who), AUTH_INVALID);
	assert_int_equal(auth_check(cfg, "Bearer " VIEWER "\n", ROLE_VIEWER, &who), AUTH_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_public),
		cmocka_unit_test(test_protected),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
