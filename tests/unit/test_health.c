/* Unit tests of src/web/health.c: the IETF health document and its statuses. */
#include "testing.h"

#include <jansson.h>

#include "conf/conf.h"
#include "engine/snapshot.h"
#include "web/health.h"

static struct snapshot *healthy(void)
{
	struct conf_diag d = { 0 };
	struct snapshot *s = snapshot_new();

	s->config = conf_load_default(&d);
	s->wall_ms = 1795000000000LL;
	s->ready = true;
	s->store.writer_ok = true;
	s->store.queue_max = 1000;
	s->store.schema_version = 1;
	s->disk.known = true;
	s->disk.total = 1000;
	s->disk.avail = 500;
	return s;
}

static const char *check_status(json_t *doc, const char *name)
{
	json_t *c = json_array_get(json_object_get(json_object_get(doc, "checks"), name), 0);

	return json_string_value(json_object_get(c, "status"));
}

static void test_document_shape(void **state)
{
	struct snapshot *s = healthy();
	enum health_status st;
	json_t *doc = health_document(s, 0, &st);
	const char *names[] = { "store:connection", "store:queue", "loop:lag", "disk:free" };
	size_t i;

	(void)state;
	assert_int_equal(st, HEALTH_PASS);
	assert_string_equal(json_string_value(json_object_get(doc, "status")), "pass");
	assert_non_null(json_object_get(doc, "version"));
	assert_non_null(json_object_get(doc, "releaseId"));
	assert_string_equal(json_string_value(json_object_get(doc, "serviceId")), "vigil");
	for (i = 0; i < 4; i++) {
		json_t *c = json_array_get(
		        json_object_get(json_object_get(doc, "checks"), names[i]), 0);

		assert_non_null(c);
		assert_non_null(json_object_get(c, "componentType"));
		assert_string_equal(json_string_value(json_object_get(c, "status")), "pass");
		assert_non_null(json_object_get(c, "observedValue"));
		assert_non_null(json_object_get(c, "observedUnit"));
		assert_string_equal(json_string_value(json_object_get(c, "time")),
		                    "2026-11-18T11:06:40.000Z");
	}
	json_decref(doc);
	snapshot_unref(s);
}

static enum health_status status_of(struct snapshot *s, int64_t age, const char *check,
                                    const char *want)
{
	enum health_status st;
	json_t *doc = health_document(s, age, &st);

	assert_string_equal(check_status(doc, check), want);
	json_decref(doc);
	return st;
}

static void test_store_statuses(void **state)
{
	struct snapshot *s = healthy();

	(void)state;
	s->store.queue_depth = 600;
	assert_int_equal(status_of(s, 0, "store:queue", "warn"), HEALTH_WARN);
	s->store.queue_depth = 950;
	assert_int_equal(status_of(s, 0, "store:queue", "fail"), HEALTH_FAIL);
	s->store.queue_depth = 0;
	s->store.writer_ok = false;
	assert_int_equal(status_of(s, 0, "store:connection", "fail"), HEALTH_FAIL);
	snapshot_unref(s);
}

static void test_loop_statuses(void **state)
{
	struct snapshot *s = healthy();

	(void)state;
	s->loop_lag_max_ns = 2000000000LL;
	assert_int_equal(status_of(s, 0, "loop:lag", "warn"), HEALTH_WARN);
	s->loop_lag_max_ns = 0;
	assert_int_equal(status_of(s, 6000000000LL, "loop:lag", "fail"), HEALTH_FAIL);
	assert_int_equal(status_of(s, 200000000LL, "loop:lag", "pass"), HEALTH_PASS);
	snapshot_unref(s);
}

static void test_disk_statuses(void **state)
{
	struct snapshot *s = healthy();
	enum health_status st;
	json_t *doc;

	(void)state;
	s->disk.avail = 80; /* 8 % */
	assert_int_equal(status_of(s, 0, "disk:free", "warn"), HEALTH_WARN);
	s->disk.avail = 30;
	assert_int_equal(status_of(s, 0, "disk:free", "fail"), HEALTH_FAIL);
	s->disk.known = false; /* not measured yet: no component rather than a guess */
	doc = health_document(s, 0, &st);
	assert_null(json_object_get(json_object_get(doc, "checks"), "disk:free"));
	assert_int_equal(st, HEALTH_PASS);
	json_decref(doc);
	snapshot_unref(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_document_shape),
		cmocka_unit_test(test_store_statuses),
		cmocka_unit_test(test_loop_statuses),
		cmocka_unit_test(test_disk_statuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
