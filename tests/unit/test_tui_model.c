/* Unit tests of src/tui/model.c: API answers into the model, sorting, filtering, sparklines. */
#include "testing.h"

#include <jansson.h>

#include "tui/model.h"

static json_t *load(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);

	if (j == NULL)
		fail_msg("bad test JSON: %s", e.text);
	return j;
}

static const char list_json[] =
        "{\"count\": 4, \"monitors\": ["
        " {\"id\": \"web\", \"name\": \"Web\", \"type\": \"http\", \"status\": \"up\","
        "  \"uptime_24h\": 0.999, \"last_result\": {\"time\": \"2026-11-24T06:00:01.000Z\","
        "  \"status\": \"up\", \"latency_ms\": 12.5, \"reason\": \"ok\", \"message\": \"HTTP "
        "200\"}},"
        " {\"id\": \"db\", \"name\": \"Database\", \"group\": \"Data\", \"type\": \"postgres\","
        "  \"status\": \"down\", \"uptime_24h\": 0.5, \"last_result\": {\"time\": "
        "  \"2026-11-24T06:00:02.000Z\", \"status\": \"down\", \"latency_ms\": 3000,"
        "  \"reason\": \"timeout\", \"message\": \"no answer\"}},"
        " {\"id\": \"cache\", \"name\": \"cache\", \"type\": \"redis\", \"status\": \"degraded\","
        "  \"uptime_24h\": null, \"last_result\": null},"
        " {\"id\": \"api\", \"name\": \"API\", \"type\": \"http\", \"status\": \"up\","
        "  \"uptime_24h\": 0.9, \"last_result\": {\"time\": \"2026-11-24T06:00:03.000Z\","
        "  \"latency_ms\": 250, \"reason\": \"ok\", \"message\": \"HTTP 200\"}}]}";

static void set_list(struct model *m, const char *text)
{
	char err[200];
	json_t *doc = load(text);

	assert_int_equal(model_set_monitors(m, doc, err, sizeof(err)), 0);
	json_decref(doc);
}

static void test_parse_monitors(void **state)
{
	struct model m;

	model_init(&m);
	set_list(&m, list_json);
	assert_int_equal(m.nmon, 4);
	assert_string_equal(m.mon[1].id, "db");
	assert_string_equal(m.mon[1].group, "Data");
	assert_string_equal(m.mon[1].reason, "timeout");
	assert_true(m.mon[1].latency_ms == 3000);
	assert_true(m.mon[0].uptime > 0.998 && m.mon[0].uptime < 1.0);
	assert_true(m.mon[2].uptime < 0);     /* null: none */
	assert_true(m.mon[2].latency_ms < 0); /* no last result */
	assert_int_equal(m.mon[2].nspark, 0);
	assert_int_equal(m.mon[0].nspark, 1); /* the first last result starts the sparkline */
	model_free(&m);
}

static void test_malformed_documents(void **state)
{
	static const char *const bad[] = { "[]", "{}", "{\"monitors\": {}}", "{\"monitors\": 3}",
		                           "\"monitors\"" };
	struct model m;
	char err[200];
	size_t i;

	model_init(&m);
	set_list(&m, list_json);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *doc = json_loads(bad[i], JSON_DECODE_ANY, NULL);

		err[0] = '\0';
		assert_int_equal(model_set_monitors(&m, doc, err, sizeof(err)), -1);
		assert_contains(err, "monitors");
		assert_int_equal(m.nmon, 4); /* unchanged */
		json_decref(doc);
	}
	assert_int_equal(model_set_monitors(&m, NULL, err, sizeof(err)), -1);
	assert_int_equal(model_set_alerts(&m, NULL, err, sizeof(err)), -1);
	assert_contains(err, "alerts");
	model_free(&m);
}

static void test_malformed_items(void **state)
{
	struct model m;

	model_init(&m);
	/* no id, an id that is a number, items that are not objects, fields of the wrong types */
	set_list(&m, "{\"monitors\": [{\"name\": \"x\"}, {\"id\": 7}, 3, null, \"s\","
	             " {\"id\": \"ok\", \"name\": 5, \"status\": [], \"uptime_24h\": \"high\","
	             "  \"last_result\": {\"latency_ms\": \"fast\", \"reason\": {}}},"
	             " {\"id\": \"esc\", \"name\": \"a\\u001b[2Jb\\nc\", \"status\": \"down\"}]}");
	assert_int_equal(m.nmon, 2);
	assert_string_equal(m.mon[0].id, "ok");
	assert_string_equal(m.mon[0].name, "ok");        /* the id stands in */
	assert_string_equal(m.mon[0].status, "unknown"); /* not a string */
	assert_true(m.mon[0].uptime < 0);
	assert_true(m.mon[0].latency_ms < 0);
	assert_string_equal(m.mon[0].reason, "");
	/* control bytes never reach the terminal */
	assert_string_equal(m.mon[1].name, "a?[2Jb?c");
	model_free(&m);
}

static void test_sort(void **state)
{
	struct model m;
	size_t idx[8], n;

	model_init(&m);
	set_list(&m, list_json);
	n = model_view(&m, MODEL_SORT_STATE, NULL, idx, 8);
	assert_int_equal(n, 4);
	/* down, degraded, then the up ones by name (case-insensitive) */
	assert_string_equal(m.mon[idx[0]].id, "db");
	assert_string_equal(m.mon[idx[1]].id, "cache");
	assert_string_equal(m.mon[idx[2]].id, "api");
	assert_string_equal(m.mon[idx[3]].id, "web");
	n = model_view(&m, MODEL_SORT_NAME, NULL, idx, 8);
	assert_string_equal(m.mon[idx[0]].name, "API");
	assert_string_equal(m.mon[idx[1]].name, "cache");
	assert_string_equal(m.mon[idx[2]].name, "Database");
	n = model_view(&m, MODEL_SORT_LATENCY, NULL, idx, 8);
	assert_string_equal(m.mon[idx[0]].id, "db");    /* slowest first */
	assert_string_equal(m.mon[idx[3]].id, "cache"); /* none last */
	n = model_view(&m, MODEL_SORT_UPTIME, NULL, idx, 8);
	assert_string_equal(m.mon[idx[0]].id, "db");                         /* worst first */
	assert_string_equal(m.mon[idx[3]].id, "cache");                      /* none last */
	assert_int_equal(model_view(&m, MODEL_SORT_STATE, NULL, idx, 2), 2); /* the cap holds */
	assert_string_equal(model_sort_str(MODEL_SORT_UPTIME), "uptime");
	model_free(&m);
}

static void test_filter(void **state)
{
	struct model m;
	size_t idx[8];

	model_init(&m);
	set_list(&m, list_json);
	assert_int_equal(model_view(&m, MODEL_SORT_STATE, "", idx, 8), 4);
	assert_int_equal(model_view(&m, MODEL_SORT_STATE, "DATA", idx, 8), 1); /* name and group */
	assert_string_equal(m.mon[idx[0]].id, "db");
	assert_int_equal(model_view(&m, MODEL_SORT_STATE, "http", idx, 8), 2);    /* type */
	assert_int_equal(model_view(&m, MODEL_SORT_STATE, "down", idx, 8), 1);    /* status */
	assert_int_equal(model_view(&m, MODEL_SORT_STATE, "timeout", idx, 8), 1); /* reason */
	assert_int_equal(model_view(&m, MODEL_SORT_STATE, "nothing", idx, 8), 0);
	model_free(&m);
}

static void test_overall(void **state)
{
	struct model m;

	model_init(&m);
	assert_int_equal(model_overall(&m), MODEL_OK); /* nothing to watch */
	set_list(&m, list_json);
	assert_int_equal(model_overall(&m), MODEL_CRITICAL);
	assert_int_equal(model_count(&m, "up"), 2);
	set_list(&m, "{\"monitors\": [{\"id\": \"a\", \"status\": \"degraded\"},"
	             " {\"id\": \"b\", \"status\": \"paused\"}, {\"id\": \"c\", \"status\": "
	             "\"unknown\"}]}");
	assert_int_equal(model_overall(&m), MODEL_WARNING);
	set_list(&m, "{\"monitors\": [{\"id\": \"a\", \"status\": \"maintenance\"}]}");
	assert_int_equal(model_overall(&m), MODEL_OK);
	assert_string_equal(model_overall_str(MODEL_CRITICAL), "CRITICAL");
	model_free(&m);
}

/* A list with one monitor whose last result is at TIME with LATENCY. */
static void set_one(struct model *m, const char *time, double latency)
{
	char text[300];

	snprintf(text, sizeof(text),
	         "{\"monitors\": [{\"id\": \"a\", \"status\": \"up\", \"last_result\":"
	         " {\"time\": \"%s\", \"latency_ms\": %g}}]}",
	         time, latency);
	set_list(m, text);
}

static void test_spark_carries_over(void **state)
{
	struct model m;
	int i;

	model_init(&m);
	set_one(&m, "2026-11-24T06:00:01Z", 1);
	set_one(&m, "2026-11-24T06:00:01Z", 1); /* same result: not added twice */
	assert_int_equal(m.mon[0].nspark, 1);
	set_one(&m, "2026-11-24T06:00:02Z", 2);
	assert_int_equal(m.mon[0].nspark, 2);
	assert_true(m.mon[0].spark[1] == 2);
	for (i = 0; i < MODEL_SPARK + 5; i++) {
		char t[40];

		snprintf(t, sizeof(t), "2026-11-24T07:%02d:%02dZ", i / 60, i % 60);
		set_one(&m, t, i);
	}
	assert_int_equal(m.mon[0].nspark, MODEL_SPARK); /* a ring: the oldest go */
	assert_true(m.mon[0].spark[MODEL_SPARK - 1] == MODEL_SPARK + 4);
	model_free(&m);
}

static void test_seed_spark(void **state)
{
	struct model m;
	json_t *res;

	model_init(&m);
	set_one(&m, "2026-11-24T06:00:09Z", 9);
	/* newest first, like GET .../results; one row is garbage; the live result is newer */
	res = load("{\"results\": [{\"time\": \"2026-11-24T06:00:08Z\", \"latency_ms\": 8},"
	           " 5, {\"time\": \"2026-11-24T06:00:07Z\", \"latency_ms\": null},"
	           " {\"time\": \"2026-11-24T06:00:06Z\", \"latency_ms\": 6}]}");
	assert_int_equal(model_seed_spark(&m.mon[0], res), 3);
	assert_true(m.mon[0].seeded);
	assert_int_equal(m.mon[0].nspark, 4);
	assert_true(m.mon[0].spark[0] == 6);
	assert_true(m.mon[0].spark[1] < 0); /* a check without a latency */
	assert_true(m.mon[0].spark[2] == 8);
	assert_true(m.mon[0].spark[3] == 9);
	json_decref(res);
	/* the newest stored result is the live one: not doubled */
	res = load("{\"results\": [{\"time\": \"2026-11-24T06:00:09Z\", \"latency_ms\": 9}]}");
	model_seed_spark(&m.mon[0], res);
	assert_int_equal(m.mon[0].nspark, 1);
	json_decref(res);
	res = load("{\"nothing\": 1}");
	assert_int_equal(model_seed_spark(&m.mon[0], res), 0);
	assert_int_equal(m.mon[0].nspark, 1);
	json_decref(res);
	set_one(&m, "2026-11-24T06:00:10Z", 10); /* seeded stays across refreshes */
	assert_true(m.mon[0].seeded);
	model_free(&m);
}

static void test_sparkline(void **state)
{
	const double v[] = { 1, 2, 3, 4, 5, 6, 7, 8 }, flat[] = { 5, 5, 5 },
	             gaps[] = { -1, 10, -1, 20 };
	char out[200];

	assert_int_equal(model_sparkline(v, 8, 8, true, out, sizeof(out)), 8);
	assert_string_equal(out, "_.-=+*#@");
	assert_int_equal(model_sparkline(v, 8, 4, true, out, sizeof(out)), 4); /* the last 4 */
	assert_string_equal(out, "_-*@");
	assert_int_equal(model_sparkline(v, 8, 8, false, out, sizeof(out)), 8);
	assert_string_equal(out, "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588");
	model_sparkline(flat, 3, 10, true, out, sizeof(out));
	assert_string_equal(out, "___");
	model_sparkline(gaps, 4, 10, true, out, sizeof(out));
	assert_string_equal(out, " _ @");
	assert_int_equal(model_sparkline(v, 0, 10, false, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	/* a small buffer cuts between cells, never inside a UTF-8 sequence */
	assert_int_equal(model_sparkline(v, 8, 8, false, out, 8), 2);
	assert_int_equal(strlen(out), 6);
	assert_int_equal(model_sparkline(v, 8, 8, true, out, 1), 0);
}

static void test_host(void **state)
{
	struct model_host h;
	char err[200];
	json_t *doc =
	        load("{\"cpu\": {\"count\": 4, \"percent\": 12.5}, \"memory\": {\"percent\": 40},"
	             " \"load\": {\"1\": 0.5, \"5\": 0.25, \"15\": 0.1},"
	             " \"filesystems\": [{\"mountpoint\": \"/\", \"percent\": 20},"
	             "   {\"mountpoint\": \"/var\", \"percent\": 85}, {\"percent\": \"x\"}],"
	             " \"system\": {\"hostname\": \"box\"}}");

	assert_int_equal(model_set_host(&h, doc, err, sizeof(err)), 0);
	assert_true(h.have);
	assert_int_equal(h.cpus, 4);
	assert_true(h.cpu == 12.5 && h.mem == 40 && h.load5 == 0.25);
	assert_true(h.disk == 85);
	assert_string_equal(h.disk_mount, "/var"); /* the fullest */
	assert_string_equal(h.hostname, "box");
	json_decref(doc);
	doc = load("{\"cpu\": {\"percent\": null}}"); /* rates are null until the second sample */
	assert_int_equal(model_set_host(&h, doc, err, sizeof(err)), 0);
	assert_true(h.cpu < 0 && h.mem < 0 && h.disk < 0 && h.load1 < 0);
	json_decref(doc);
	doc = load("[1]");
	assert_int_equal(model_set_host(&h, doc, err, sizeof(err)), -1);
	assert_false(h.have);
	json_decref(doc);
}

static void test_alerts(void **state)
{
	struct model m;
	char err[200];
	json_t *doc =
	        load("{\"alerts\": [{\"id\": 3, \"monitor\": \"db\", \"rule\": \"down\","
	             " \"severity\": \"critical\", \"state\": \"firing\", \"acked_by\": null},"
	             " {\"id\": \"4\"}, {\"id\": 5, \"acked_by\": \"ops\"}]}");

	model_init(&m);
	assert_int_equal(model_set_alerts(&m, doc, err, sizeof(err)), 0);
	assert_int_equal(m.nalerts, 2); /* the id that is a string is skipped */
	assert_int_equal(m.alerts[0].id, 3);
	assert_string_equal(m.alerts[0].monitor, "db");
	assert_string_equal(m.alerts[0].acked_by, "");
	assert_string_equal(m.alerts[1].acked_by, "ops");
	json_decref(doc);
	model_free(&m);
}

static void test_detail(void **state)
{
	struct model_detail *d = calloc(1, sizeof(*d));
	char err[200];
	json_t *mon = load("{\"id\": \"db\", \"name\": \"Database\", \"status\": \"down\","
	                   " \"since\": \"2026-11-24T06:00:00Z\", \"uptime\": {\"24h\": 0.5,"
	                   " \"7d\": null, \"30d\": 0.9}, \"state\": {\"checks\": 42,"
	                   " \"consecutive_failures\": 3}}");
	json_t *res = load("{\"results\": [{\"time\": \"t1\", \"status\": \"down\", \"latency_ms\":"
	                   " 5, \"reason\": \"timeout\", \"message\": \"m\"}, 7]}");
	json_t *ev = load("{\"events\": [{\"time\": \"t0\", \"from\": \"up\", \"to\": \"down\"}]}");
	json_t *bad = load("{\"name\": \"no id\"}");

	assert_int_equal(model_set_detail(d, mon, res, ev, err, sizeof(err)), 0);
	assert_string_equal(d->m.name, "Database");
	assert_true(d->up24 == 0.5 && d->up7 < 0 && d->up30 == 0.9);
	assert_int_equal(d->checks, 42);
	assert_int_equal(d->failures, 3);
	assert_int_equal(d->nresults, 1);
	assert_string_equal(d->results[0].reason, "timeout");
	assert_int_equal(d->nevents, 1);
	assert_string_equal(d->events[0].to, "down");
	assert_int_equal(model_set_detail(d, bad, NULL, NULL, err, sizeof(err)), -1);
	assert_string_equal(d->m.id, "db"); /* kept */
	assert_int_equal(model_set_detail(d, mon, NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(d->nresults, 0);
	json_decref(mon);
	json_decref(res);
	json_decref(ev);
	json_decref(bad);
	free(d);
}

static void test_copy_and_format(void **state)
{
	char out[8];

	model_copy(out, sizeof(out), "abc\xc3\xa9\xc3\xa9\xc3\xa9"); /* abc + three é */
	assert_string_equal(out, "abc\xc3\xa9\xc3\xa9");             /* 7 bytes, whole é only */
	model_copy(out, 5, "abcd\xc3\xa9");
	assert_string_equal(out, "abcd");
	model_copy(out, sizeof(out), NULL);
	assert_string_equal(out, "");
	model_fmt_latency(-1, out, sizeof(out));
	assert_string_equal(out, "-");
	model_fmt_latency(12.34, out, sizeof(out));
	assert_string_equal(out, "12.3ms");
	model_fmt_latency(2500, out, sizeof(out));
	assert_string_equal(out, "2.50s");
	model_fmt_uptime(0.99934, out, sizeof(out));
	assert_string_equal(out, "99.93%");
	model_fmt_uptime(-1, out, sizeof(out));
	assert_string_equal(out, "-");
	assert_int_equal(model_rank("down"), 0);
	assert_int_equal(model_rank("up"), 5);
	assert_int_equal(model_rank("weird"), model_rank("unknown"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_monitors),
		cmocka_unit_test(test_malformed_documents),
		cmocka_unit_test(test_malformed_items),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_overall),
		cmocka_unit_test(test_spark_carries_over),
		cmocka_unit_test(test_seed_spark),
		cmocka_unit_test(test_sparkline),
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_alerts),
		cmocka_unit_test(test_detail),
		cmocka_unit_test(test_copy_and_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
