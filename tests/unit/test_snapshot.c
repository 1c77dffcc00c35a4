/*
 * Unit tests of src/engine/snapshot.c's render-once cache: a slot is rendered
 * at most once per snapshot, whatever the number of asks, and what a slot
 * holds is freed with the snapshot, by its own destroy when it has one (the
 * status page keeps its view there).
 */
#include "testing.h"

#include "engine/snapshot.h"

static int renders, destroyed;
static char *destroyed_data;

static void render_text(const struct snapshot *s, struct snapshot_body *body, void *arg)
{
	(void)s;
	renders++;
	body->data = strdup(arg);
	body->len = strlen(arg);
	body->status = 200;
}

static void destroy_obj(char *data)
{
	destroyed++;
	destroyed_data = data;
	free(data);
}

/* A derived object: no bytes to serve, freed by its destroy. */
static void render_obj(const struct snapshot *s, struct snapshot_body *body, void *arg)
{
	(void)s;
	(void)arg;
	renders++;
	body->data = calloc(1, 64);
	body->len = 0;
	body->destroy = destroy_obj;
}

static void test_render_once(void **state)
{
	struct snapshot *s = snapshot_new();
	const struct snapshot_body *a, *b;

	(void)state;
	renders = 0;
	a = snapshot_render_with(s, SNAP_STATUS_PAGE, render_text, "<p>one</p>");
	b = snapshot_render_with(s, SNAP_STATUS_PAGE, render_text, "<p>two</p>");
	assert_int_equal(renders, 1);
	assert_ptr_equal(a, b);
	assert_string_equal(b->data, "<p>one</p>");
	assert_int_equal(b->etag[0], '"');
	assert_int_equal(strlen(b->etag), 18);
	/* another slot is another render */
	b = snapshot_render_with(s, SNAP_STATUS_JSON, render_text, "{}");
	assert_int_equal(renders, 2);
	assert_string_equal(b->data, "{}");
	snapshot_unref(s);
}

static void test_derived_object(void **state)
{
	struct snapshot *s = snapshot_new();
	const struct snapshot_body *b;
	char *obj;
	int i;

	(void)state;
	renders = destroyed = 0;
	b = snapshot_render_with(s, SNAP_STATUS_VIEW, render_obj, NULL);
	obj = b->data;
	for (i = 0; i < 100; i++)
		assert_ptr_equal(snapshot_render_with(s, SNAP_STATUS_VIEW, render_obj, NULL)->data,
		                 obj);
	assert_int_equal(renders, 1);
	(void)snapshot_render_with(s, SNAP_STATUS_PAGE, render_text, "page");
	snapshot_ref(s);
	snapshot_unref(s);
	assert_int_equal(destroyed, 0); /* still referenced */
	snapshot_unref(s);
	assert_int_equal(destroyed, 1);
	assert_ptr_equal(destroyed_data, obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_once),
		cmocka_unit_test(test_derived_object),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
