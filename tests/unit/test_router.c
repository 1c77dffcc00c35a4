/* Unit tests of src/web/router.c: patterns, captures, 404/405, bad paths. */
#include "testing.h"

#include "web/router.h"

static void h(struct web_request *req, struct web_reply *rep)
{
	(void)req;
	(void)rep;
}

static const struct route table[] = {
	{ "GET", "/health", ROLE_PUBLIC, h, "", NULL, NULL },
	{ "GET", "/api/v1/monitors", ROLE_VIEWER, h, "", NULL, NULL },
	{ "POST", "/api/v1/monitors", ROLE_OPERATOR, h, "", NULL, NULL },
	{ "GET", "/api/v1/monitors/{id}", ROLE_VIEWER, h, "", NULL, NULL },
	{ "DELETE", "/api/v1/monitors/{id}", ROLE_OPERATOR, h, "", NULL, NULL },
	{ "GET", "/badge/{monitor}/uptime/{window}", ROLE_PUBLIC, h, "", NULL, NULL },
};
#define N (sizeof(table) / sizeof(table[0]))

static enum router_result match(const char *method, const char *path, const struct route **r,
                                struct route_params *p, char *allow)
{
	return router_match(table, N, method, path, r, p, allow, 64);
}

static void test_match(void **state)
{
	const struct route *r = NULL;
	struct route_params p;
	char allow[64];

	(void)state;
	assert_int_equal(match("GET", "/health", &r, &p, allow), ROUTER_MATCH);
	assert_ptr_equal(r, &table[0]);
	assert_int_equal(match("HEAD", "/health", &r, &p, allow), ROUTER_MATCH);
	assert_int_equal(match("GET", "/health/", &r, &p, allow), ROUTER_MATCH);
	assert_int_equal(match("POST", "/api/v1/monitors", &r, &p, allow), ROUTER_MATCH);
	assert_ptr_equal(r, &table[2]);
	assert_int_equal(match("GET", "/api/v1/monitors/api-root", &r, &p, allow), ROUTER_MATCH);
	assert_ptr_equal(r, &table[3]);
	assert_string_equal(route_param(&p, "id"), "api-root");
	assert_null(route_param(&p, "name"));
	assert_int_equal(match("GET", "/badge/web/uptime/24h", &r, &p, allow), ROUTER_MATCH);
	assert_string_equal(route_param(&p, "monitor"), "web");
	assert_string_equal(route_param(&p, "window"), "24h");
}

static void test_not_found(void **state)
{
	const struct route *r;
	struct route_params p;
	char allow[64];

	(void)state;
	assert_int_equal(match("GET", "/", &r, &p, allow), ROUTER_NOT_FOUND);
	assert_int_equal(match("GET", "/healthz", &r, &p, allow), ROUTER_NOT_FOUND);
	assert_int_equal(match("GET", "/health/x", &r, &p, allow), ROUTER_NOT_FOUND);
	assert_int_equal(match("GET", "/api/v1/monitors/a/b", &r, &p, allow), ROUTER_NOT_FOUND);
	assert_int_equal(match("GET", "/api/v1/monitors//", &r, &p, allow), ROUTER_BAD_PATH);
}

static void test_method_not_allowed(void **state)
{
	const struct route *r;
	struct route_params p;
	char allow[64];

	(void)state;
	assert_int_equal(match("PUT", "/api/v1/monitors/x", &r, &p, allow), ROUTER_BAD_METHOD);
	assert_string_equal(allow, "GET, HEAD, DELETE");
	assert_int_equal(match("DELETE", "/health", &r, &p, allow), ROUTER_BAD_METHOD);
	assert_string_equal(allow, "GET, HEAD");
}

static void test_bad_paths(void **state)
{
	static const char *const bad[] = {
		"/api/v1/../health",  "/api/./v1", "health", "", "/a//b", "/x\x01y", "/..",
		"/api/v1/monitors/.."
	};
	const struct route *r;
	struct route_params p;
	char allow[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (match("GET", bad[i], &r, &p, allow) != ROUTER_BAD_PATH)
			fail_msg("\"%s\" was not rejected as a bad path", bad[i]);
}

static void test_long_param(void **state)
{
	char path[600];
	const struct route *r;
	struct route_params p;
	char allow[64];

	(void)state;
	memset(path, 'a', sizeof(path));
	memcpy(path, "/api/v1/monitors/", 17);
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(match("GET", path, &r, &p, allow), ROUTER_NOT_FOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_method_not_allowed),
		cmocka_unit_test(test_bad_paths),
		cmocka_unit_test(test_long_param),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
