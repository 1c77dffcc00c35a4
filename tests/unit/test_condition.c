/* Unit tests of src/probe/condition.c: parsing, errors with columns, evaluation. */
#include "testing.h"

#include <stdbool.h>

#include "probe/condition.h"

static const char *const ph[] = {
	"STATUS", "RESPONSE_TIME", "BODY", "HEADER", "CERTIFICATE_EXPIRATION", "CONNECTED", "IP",
	NULL
};

/* A fake result: status 200, 150 ms, a JSON body, a header, cert in 20 days. */
struct fake {
	const char *body;
	double status, ms;
};

static int get(void *ctx, const char *name, const char *key, struct cond_value *out)
{
	struct fake *f = ctx;

	if (strcmp(name, "STATUS") == 0)
		*out = (struct cond_value){ COND_NUMBER, f->status, NULL, 0 };
	else if (strcmp(name, "RESPONSE_TIME") == 0)
		*out = (struct cond_value){ COND_DURATION, f->ms, NULL, 0 };
	else if (strcmp(name, "BODY") == 0)
		*out = (struct cond_value){ COND_STRING, 0, f->body, strlen(f->body) };
	else if (strcmp(name, "HEADER") == 0 && strcmp(key, "Content-Type") == 0)
		*out = (struct cond_value){ COND_STRING, 0, "application/json", 16 };
	else if (strcmp(name, "CERTIFICATE_EXPIRATION") == 0)
		*out = (struct cond_value){ COND_DURATION, 20.0 * 86400000, NULL, 0 };
	else if (strcmp(name, "CONNECTED") == 0)
		*out = (struct cond_value){ COND_BOOL, 1, NULL, 0 };
	else if (strcmp(name, "IP") == 0)
		*out = (struct cond_value){ COND_STRING, 0, "127.0.0.1", 9 };
	else
		return -1;
	return 0;
}

static const char *BODY = "{\"status\": \"ok\", \"n\": 42, \"ratio\": 0.5, \"items\": [1, 2, 3],"
                          " \"user\": {\"name\": \"vigil\", \"tags\": []}, \"flag\": true,"
                          " \"nothing\": null, \"version\": \"01\"}";

static bool eval_with(const char *text, const char *body, char *desc, size_t desclen)
{
	struct fake f = { body, 200, 150 };
	struct cond_source src = { get, &f };
	struct cond_eval ev = { &src, NULL, false };
	struct condition *c;
	char err[256];
	int col;
	bool ok;

	if (condition_parse(text, ph, &c, err, sizeof(err), &col) < 0)
		fail_msg("\"%s\" did not parse: column %d: %s", text, col, err);
	ok = condition_eval(c, &ev, desc, desclen);
	cond_eval_done(&ev);
	condition_free(c);
	return ok;
}

static bool holds(const char *text)
{
	char desc[256];

	return eval_with(text, BODY, desc, sizeof(desc));
}

static void test_true(void **state)
{
	static const char *const yes[] = {
		"[STATUS] == 200",
		"[STATUS] != 500",
		"[STATUS] < 300",
		"[STATUS] >= 200",
		"[RESPONSE_TIME] < 1s",
		"[RESPONSE_TIME] < 300",
		"[RESPONSE_TIME] > 100ms",
		"[RESPONSE_TIME] <= 150",
		"[BODY].status == ok",
		"[BODY].status == \"ok\"",
		"[BODY].n == 42",
		"[BODY].n > 41.5",
		"[BODY].ratio == 0.5",
		"[BODY].items[1] == 2",
		"[BODY].user.name == vigil",
		"[BODY].user.name == pat(vig*)",
		"[BODY].user.name != pat(x*)",
		"len([BODY].items) == 3",
		"len([BODY].user.tags) == 0",
		"len([BODY].user.name) == 5",
		"has([BODY].user) == true",
		"has([BODY].missing) == false",
		"has([BODY].nothing) == false",
		"[BODY].flag == true",
		"[BODY].version == 01",
		"[STATUS] == any(200, 204)",
		"[STATUS] != any(500, 502)",
		"[HEADER].Content-Type == application/json",
		"[CERTIFICATE_EXPIRATION] > 14d",
		"[CERTIFICATE_EXPIRATION] > 48h",
		"[CONNECTED] == true",
		"[IP] == 127.0.0.1",
		"[BODY] == pat(*\"status\"*)",
		"[BODY].missing != 1",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!holds(yes[i]))
			fail_msg("\"%s\" should hold", yes[i]);
}

static void test_false(void **state)
{
	static const char *const no[] = {
		"[STATUS] == 201",           "[STATUS] > 200",
		"[RESPONSE_TIME] > 1s",      "[BODY].status == down",
		"[BODY].missing == 1",       "[BODY].items[9] == 1",
		"[BODY].user.name < 3",      "len([BODY].items) > 3",
		"[STATUS] == any(500, 502)", "[CERTIFICATE_EXPIRATION] < 14d",
		"[BODY].version == 1",       "[BODY].flag == false",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (holds(no[i]))
			fail_msg("\"%s\" should not hold", no[i]);
}

static void test_descriptions(void **state)
{
	char desc[256];

	(void)state;
	assert_false(eval_with("[STATUS] == 503", BODY, desc, sizeof(desc)));
	assert_string_equal(desc, "[STATUS] (200) == 503");
	eval_with("[BODY].status == down", BODY, desc, sizeof(desc));
	assert_string_equal(desc, "[BODY].status (ok) == down");
	eval_with("[BODY].nope == 1", BODY, desc, sizeof(desc));
	assert_string_equal(desc, "[BODY].nope (missing) == 1");
	eval_with("len([BODY].items) > 5", BODY, desc, sizeof(desc));
	assert_string_equal(desc, "len([BODY].items) (3) > 5");
	eval_with("[RESPONSE_TIME] < 100ms", BODY, desc, sizeof(desc));
	assert_string_equal(desc, "[RESPONSE_TIME] (150ms) < 100ms");
	eval_with("[BODY] == pat(*x*)", "line1\nline2", desc, sizeof(desc));
	assert_string_equal(desc, "[BODY] (line1?line2) == pat(*x*)");
}

static void test_not_json(void **state)
{
	char desc[256];

	(void)state;
	assert_false(eval_with("[BODY].status == ok", "<html>", desc, sizeof(desc)));
	assert_true(eval_with("[BODY] == <html>", "<html>", desc, sizeof(desc)));
	assert_true(eval_with("len([BODY]) == 6", "<html>", desc, sizeof(desc)));
	assert_true(eval_with("[BODY] == \"\"", "", desc, sizeof(desc)));
}

static void expect_error(const char *text, int want_col, const char *want)
{
	struct condition *c = NULL;
	char err[256];
	int col;

	if (condition_parse(text, ph, &c, err, sizeof(err), &col) == 0) {
		condition_free(c);
		fail_msg("\"%s\" parsed", text);
	}
	if (strcmp(err, want) != 0 || col != want_col)
		fail_msg("\"%s\": got column %d \"%s\", want column %d \"%s\"", text, col, err,
		         want_col, want);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("[STAUS] == 200", 1, "unknown placeholder [STAUS] (did you mean [STATUS]?)");
	expect_error("[STATUS] 200", 13,
	             "expected a comparison: ==, !=, <, <=, > or >= (e.g. \"[STATUS] == 200\")");
	expect_error("[PACKET_LOSS] > 0", 1,
	             "unknown placeholder [PACKET_LOSS] for this monitor type");
	expect_error("[STATUS == 200", 1, "unterminated placeholder (missing \"]\")");
	expect_error("[BODY].a..b == 1", 10, "empty key in path");
	expect_error("[BODY].a[x] == 1", 10, "expected an array index");
	expect_error("[STATUS].x == 1", 9, "[STATUS] takes no path");
	expect_error("[HEADER] == x", 9, "[HEADER] needs a key, e.g. [HEADER].Content-Type");
	expect_error("[STATUS] == ", 13, "missing value");
	expect_error(" == 200", 2, "missing value");
	expect_error("[STATUS] < any(1, 2)", 10, "pat() and any() compare with == or != only");
	expect_error("pat(x) == [STATUS]", 1, "pat() belongs on the right-hand side");
	expect_error("len(3) == 1", 5, "len() takes a placeholder");
	expect_error("[BODY] == \"abc", 11, "unterminated or malformed quoted string");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_true),         cmocka_unit_test(test_false),
		cmocka_unit_test(test_descriptions), cmocka_unit_test(test_not_json),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
