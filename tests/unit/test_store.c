/* Unit tests of src/store/: migrations, group commit, the writer lock, errors, readers. */
#include "testing.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"
#include "util/time.h"

static char dir[] = "/tmp/vigil-store-XXXXXX";
static char path[256];

static int setup(void **state)
{
	(void)state;
	memcpy(dir, "/tmp/vigil-store-XXXXXX", sizeof(dir));
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/v.db", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static struct store *open_store(int64_t interval_ms)
{
	struct store_options opt = { .path = path,
		                     .commit_interval = interval_ms,
		                     .batch_size = 1000,
		                     .queue_size = 100000,
		                     .readers = 2 };
	struct store *s = NULL;
	char err[512];

	if (store_open(&opt, &s, err, sizeof(err)) < 0)
		fail_msg("store_open: %s", err);
	return s;
}

static int64_t count(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t n = -1;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void test_migrations(void **state)
{
	struct store *s = open_store(50);
	struct store_stats st;
	struct store_reader *r;

	(void)state;
	store_stats_read(s, &st);
	assert_true(st.schema_version >= 1);
	assert_int_equal(st.migrations, st.schema_version);
	assert_true(st.writer_ok);
	r = store_reader_acquire(s);
	assert_non_null(r);
	assert_int_equal(store_reader_schema_version(r), st.schema_version);
	store_reader_release(s, r);
	store_close(s);
	assert_int_equal(count("SELECT count(*) FROM schema_migrations"), st.schema_version);
	/* opening again applies nothing new */
	s = open_store(50);
	store_stats_read(s, &st);
	assert_int_equal(st.migrations, st.schema_version);
	store_close(s);
	assert_int_equal(count("SELECT count(*) FROM schema_migrations"), st.schema_version);
}

static void test_writes_are_committed_on_close(void **state)
{
	struct store *s = open_store(60000); /* long interval: only close flushes */
	struct store_stats st;
	int i;

	(void)state;
	for (i = 0; i < 2500; i++) {
		struct store_op *op = store_op_new(STORE_OP_SELFTEST);

		op->u.selftest.seq = i;
		op->u.selftest.t = i;
		assert_int_equal(store_submit(s, op), 0);
		if (i % 900 == 899)
			store_flush(s);
	}
	store_close(s);
	assert_int_equal(count("SELECT count(*) FROM store_selftest"), 2500);
	s = open_store(50);
	store_stats_read(s, &st);
	assert_int_equal(st.dropped, 0);
	store_close(s);
}

static void test_group_commit(void **state)
{
	struct store *s = open_store(20);
	struct store_stats st;
	struct store_op *op;
	int64_t deadline;

	(void)state;
	op = store_op_new(STORE_OP_RUN_START);
	op->u.run.id = 42;
	op->u.run.t = 1000;
	snprintf(op->u.run.version, sizeof(op->u.run.version), "test");
	assert_int_equal(store_submit(s, op), 0);
	op = store_op_new(STORE_OP_RUN_STOP);
	op->u.run.id = 42;
	op->u.run.t = 2000;
	assert_int_equal(store_submit(s, op), 0);
	deadline = time_mono_ns() + 5 * NS_PER_SEC;
	do {
		store_stats_read(s, &st);
	} while (st.ops_written < 2 && time_mono_ns() < deadline);
	assert_int_equal(st.ops_written, 2);
	assert_true(st.commits >= 1 && st.commits <= 2);
	assert_true(st.last_commit_ms > 0);
	assert_int_equal(count("SELECT stopped_at FROM daemon_runs WHERE id = 42"), 2000);
	store_close(s);
}

static void test_queue_full_drops(void **state)
{
	struct store_options opt = { .path = path,
		                     .commit_interval = 60000,
		                     .batch_size = 1000000,
		                     .queue_size = 100,
		                     .readers = 1 };
	struct store *s = NULL;
	struct store_stats st;
	char err[256];
	int i, refused = 0;

	(void)state;
	assert_int_equal(store_open(&opt, &s, err, sizeof(err)), 0);
	for (i = 0; i < 150; i++) {
		struct store_op *op = store_op_new(STORE_OP_SELFTEST);

		op->u.selftest.seq = 100000 + i;
		refused += store_submit(s, op) < 0;
	}
	store_stats_read(s, &st);
	assert_int_equal(refused, 50);
	assert_int_equal(st.dropped, 50);
	assert_int_equal(st.queue_depth, 100);
	store_close(s);
	assert_int_equal(count("SELECT count(*) FROM store_selftest WHERE seq >= 100000"), 100);
}

static void test_second_writer_refused(void **state)
{
	struct store *a = open_store(50), *b = NULL;
	struct store_options opt = { .path = path,
		                     .commit_interval = 50,
		                     .batch_size = 100,
		                     .queue_size = 100,
		                     .readers = 1 };
	char err[512];

	(void)state;
	assert_int_equal(store_open(&opt, &b, err, sizeof(err)), -1);
	assert_null(b);
	assert_contains(err, "v.db: the database is in use by another vigil process");
	store_close(a);
	assert_int_equal(store_open(&opt, &b, err, sizeof(err)), 0);
	store_close(b);
}

static void test_not_a_database(void **state)
{
	struct store_options opt = { .path = path,
		                     .commit_interval = 50,
		                     .batch_size = 100,
		                     .queue_size = 100,
		                     .readers = 1 };
	struct store *s = NULL;
	char err[512];
	FILE *f;

	(void)state;
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("this is a text file, long enough to look like something........................"
	      "................................................................................",
	      f);
	fclose(f);
	assert_int_equal(store_open(&opt, &s, err, sizeof(err)), -1);
	assert_contains(err, "v.db: not a SQLite database");
	unlink(path);
}

static void test_unwritable(void **state)
{
	struct store_options opt = { .path = "/nonexistent-dir/v.db",
		                     .commit_interval = 50,
		                     .batch_size = 100,
		                     .queue_size = 100,
		                     .readers = 1 };
	struct store *s = NULL;
	char err[512];

	(void)state;
	assert_int_equal(store_open(&opt, &s, err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent-dir/v.db: cannot open the database: No such file or "
	                         "directory");
}

static void test_newer_schema_refused(void **state)
{
	struct store *s = open_store(50);
	struct store_options opt = { .path = path,
		                     .commit_interval = 50,
		                     .batch_size = 100,
		                     .queue_size = 100,
		                     .readers = 1 };
	sqlite3 *db;
	char err[512];

	(void)state;
	store_close(s);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO schema_migrations VALUES (9999, 'x', 0)",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	s = NULL;
	assert_int_equal(store_open(&opt, &s, err, sizeof(err)), -1);
	assert_contains(err, "has schema version 9999, newer than this vigil knows");
	unlink(path);
}

static void submit_result(struct store *s, int64_t key, int64_t t)
{
	struct store_op *op = store_op_new(STORE_OP_RESULT);

	op->u.result.monitor = key;
	op->u.result.t = t;
	op->u.result.status = 1;
	assert_int_equal(store_submit(s, op), 0);
}

static void test_retention(void **state)
{
	struct store_options opt = { .path = path,
		                     .commit_interval = 20,
		                     .batch_size = 1000,
		                     .queue_size = 10000,
		                     .readers = 1,
		                     .retention = { 3600000, 3600000, 86400000 },
		                     .first_trim_ms = 300 };
	struct store *s = NULL;
	struct store_op *op;
	char err[256];
	int64_t now = time_wall_ms(), deadline;
	struct store_stats st;

	(void)state;
	assert_int_equal(store_open(&opt, &s, err, sizeof(err)), 0);
	op = store_op_new(STORE_OP_MONITOR);
	op->u.monitor.key = 7;
	snprintf(op->u.monitor.slug, sizeof(op->u.monitor.slug), "seven");
	snprintf(op->u.monitor.type, sizeof(op->u.monitor.type), "tcp");
	assert_int_equal(store_submit(s, op), 0);
	submit_result(s, 7, now - 2 * 3600000); /* older than raw retention */
	submit_result(s, 7, now - 60000);
	op = store_op_new(STORE_OP_ROLLUP);
	op->u.rollup.monitor = 7;
	op->u.rollup.res = STORE_RES_MINUTE;
	op->u.rollup.bucket = (now - 3 * 3600000) / 1000;
	op->u.rollup.r.up = 1;
	op->u.rollup.r.lat_min = op->u.rollup.r.lat_max = -1;
	assert_int_equal(store_submit(s, op), 0);
	deadline = time_mono_ns() + 10 * NS_PER_SEC;
	do {
		store_stats_read(s, &st);
	} while (st.ops_written < 4 && time_mono_ns() < deadline);
	/* the first pass runs 300 ms after start; any later batch gives it a turn */
	while (count("SELECT count(*) FROM rollups WHERE res = 0") != 0 &&
	       time_mono_ns() < deadline) {
		submit_result(s, 7, time_wall_ms());
		store_flush(s);
		usleep(50000);
	}
	assert_int_equal(count("SELECT count(*) FROM rollups WHERE res = 0"), 0);
	assert_int_equal(count("SELECT count(*) FROM results WHERE t < (strftime('%s','now') - "
	                       "3600) * 1000"),
	                 0);
	assert_true(count("SELECT count(*) FROM results") >= 1); /* the recent one stays */
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writes_are_committed_on_close, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_group_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_full_drops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_writer_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_database, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwritable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
