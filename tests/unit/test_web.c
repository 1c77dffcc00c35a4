/*
 * Unit tests of src/web/ dispatch: the whole route table walked with every
 * kind of credentials, JSON errors, cached bodies and ETags, without sockets.
 */
#include "testing.h"

#include <jansson.h>
#include <strings.h>
#include <uv.h>

#include "conf/conf.h"
#include "engine/engine.h"
#include "engine/snapshot.h"
#include "store/store.h"
#include "web/web_int.h"
#include "webstack.h"

#define VIEWER   "viewer-token-0123456789abcdef"
#define OPERATOR "operator-token-0123456789abcdef"
#define ADMIN    "admin-token-0123456789abcdef"

static struct webstack t;

struct fake {
	const char *authz;
	const char *if_none_match;
};

static const char *fake_header(void *cls, const char *name)
{
	struct fake *f = cls;

	if (strcasecmp(name, "Authorization") == 0)
		return f->authz;
	if (strcasecmp(name, "If-None-Match") == 0)
		return f->if_none_match;
	return NULL;
}

static const char *no_query(void *cls, const char *name)
{
	(void)cls;
	(void)name;
	return NULL;
}

static int setup(void **state)
{
	static const char yaml[] = "auth:\n  tokens:\n"
	                           "    - {name: v, token: " VIEWER "}\n"
	                           "    - {name: o, token: " OPERATOR ", role: operator}\n"
	                           "    - {name: a, token: " ADMIN ", role: admin}\n";
	(void)state;
	return webstack_open(&t, yaml, 50);
}

static int teardown(void **state)
{
	(void)state;
	return webstack_close(&t);
}

/* Dispatches one request and returns its status; REP must be freed by the caller. */
static int call(const char *method, const char *path, struct fake *f, struct web_reply *rep)
{
	struct web_request req = { 0 };

	memset(rep, 0, sizeof(*rep));
	req.web = t.web;
	req.snap = snapshot_box_acquire(&t.box);
	req.method = method;
	req.path = path;
	req.client = "127.0.0.1";
	req.header = fake_header;
	req.query = no_query;
	req.cls = f;
	req.body = "";
	web_dispatch(&req, rep);
	snapshot_unref(req.snap); /* borrowed bodies stay valid: the box still holds it */
	if (rep->call != NULL) {  /* handed to the engine: allowed (no engine here) */
		web_call_unref(rep->call);
		web_call_unref(rep->call);
		rep->call = NULL;
		rep->status = 202;
	}
	return rep->status;
}

static void walk(const char *token, enum auth_role role)
{
	size_t i;

	for (i = 0; i < web_nroutes; i++) {
		const struct route *r = &web_routes[i];
		struct fake f = { token, NULL };
		struct web_reply rep;
		char path[256];
		const char *p;
		size_t n = 0;
		int status;

		for (p = r->pattern; *p && n + 2 < sizeof(path); p++) {
			if (*p == '{') { /* fill captures with a dummy value */
				path[n++] = 'x';
				p = strchr(p, '}');
			} else {
				path[n++] = *p;
			}
		}
		path[n] = '\0';
		status = call(r->method, path, &f, &rep);
		if (r->role == ROLE_PUBLIC || (token != NULL && role >= r->role)) {
			if (status == 401 || status == 403)
				fail_msg("%s %s with role %s: %d", r->method, r->pattern,
				         auth_role_str(role), status);
		} else if (token == NULL || role == ROLE_PUBLIC) {
			if (status != 401 || !rep.www_authenticate)
				fail_msg("%s %s without a valid token: %d", r->method, r->pattern,
				         status);
		} else if (status != 403) {
			fail_msg("%s %s with role %s: %d, want 403", r->method, r->pattern,
			         auth_role_str(role), status);
		}
		free(rep.owned);
	}
}

static void test_route_table_roles(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < web_nroutes; i++) {
		assert_non_null(web_routes[i].handler);
		assert_non_null(web_routes[i].summary);
	}
	walk(NULL, ROLE_PUBLIC);
	walk("Bearer not-a-real-token-at-all", ROLE_PUBLIC);
	walk("Bearer " VIEWER, ROLE_VIEWER);
	walk("Bearer " OPERATOR, ROLE_OPERATOR);
	walk("Bearer " ADMIN, ROLE_ADMIN);
}

static void test_errors_are_json(void **state)
{
	struct fake f = { NULL, NULL };
	struct web_reply rep;
	json_t *doc;

	(void)state;
	assert_int_equal(call("GET", "/nope", &f, &rep), 404);
	doc = json_loads(rep.body, 0, NULL);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(doc, "error"), "code")),
	        "not_found");
	assert_non_null(json_object_get(json_object_get(doc, "error"), "message"));
	json_decref(doc);
	free(rep.owned);
	assert_int_equal(call("DELETE", "/health", &f, &rep), 405);
	assert_string_equal(rep.allow, "GET, HEAD");
	free(rep.owned);
	assert_int_equal(call("GET", "/health/../metrics", &f, &rep), 400);
	free(rep.owned);
	f.authz = "Bearer " VIEWER;
	assert_int_equal(call("GET", "/health/detailed", &f, &rep), 200);
	doc = json_loads(rep.body, 0, NULL);
	assert_non_null(json_object_get(doc, "store"));
	assert_non_null(json_object_get(doc, "process"));
	assert_non_null(json_object_get(doc, "system"));
	assert_non_null(json_object_get(doc, "application"));
	assert_non_null(json_object_get(json_object_get(doc, "checks"), "store:queue"));
	json_decref(doc);
	free(rep.owned);
}

static void test_health_cached_with_etag(void **state)
{
	struct fake f = { NULL, NULL };
	struct web_reply a, b;
	char etag[24];

	(void)state;
	assert_int_equal(call("GET", "/health", &f, &a), 200);
	assert_null(a.owned); /* borrowed from the snapshot: rendered once */
	assert_string_equal(a.content_type, "application/health+json");
	assert_true(a.etag[0] == '"');
	assert_int_equal(call("GET", "/health", &f, &b), 200);
	assert_ptr_equal(a.body, b.body);
	memcpy(etag, a.etag, sizeof(etag));
	f.if_none_match = etag;
	assert_int_equal(call("GET", "/health", &f, &b), 304);
	assert_int_equal(b.len, 0);
}

static void test_metrics(void **state)
{
	struct fake f = { NULL, NULL };
	struct web_reply rep;

	(void)state;
	call("GET", "/health", &f, &rep);
	assert_int_equal(call("GET", "/metrics", &f, &rep), 200);
	assert_contains(rep.body, "vigil_build_info{version=\"");
	assert_contains(rep.body, "# TYPE vigil_loop_lag_seconds histogram");
	assert_contains(rep.body, "vigil_store_queue_depth ");
	assert_contains(rep.body, "process_resident_memory_bytes ");
	assert_contains(rep.body, "process_start_time_seconds ");
	free(rep.owned);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_table_roles),
		cmocka_unit_test(test_errors_are_json),
		cmocka_unit_test(test_health_cached_with_etag),
		cmocka_unit_test(test_metrics),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
