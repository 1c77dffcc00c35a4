/*
 * bench/store: how fast results go through the store's writer, how many bytes
 * a stored result and a rollup row take, and the database size projected for
 * 1,000 monitors checked every 30 s with the default retention.
 *
 *   bench_store DIR   (prints a table; make bench runs it)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"
#include "util/time.h"

#define MONITORS            1000
#define RESULTS_PER_MONITOR 500
#define ROLLUP_MINUTES      100

static int64_t file_size(const char *path)
{
	struct stat st;
	char wal[512];
	int64_t total = 0;

	if (stat(path, &st) == 0)
		total += st.st_size;
	snprintf(wal, sizeof(wal), "%s-wal", path);
	if (stat(wal, &st) == 0)
		total += st.st_size;
	return total;
}

static void wait_written(struct store *s, uint64_t n)
{
	struct store_stats st;

	store_flush(s);
	do {
		usleep(2000);
		store_stats_read(s, &st);
	} while (st.ops_written < n);
}

static struct store *open_store(const char *path)
{
	struct store_options o = { .path = path,
		                   .commit_interval = 1000,
		                   .batch_size = 10000,
		                   .queue_size = 10000000,
		                   .readers = 1 };
	struct store *s;
	char err[512];

	if (store_open(&o, &s, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench_store: %s\n", err);
		exit(1);
	}
	return s;
}

static void register_monitors(struct store *s)
{
	int i;

	for (i = 1; i <= MONITORS; i++) {
		struct store_op *op = store_op_new(STORE_OP_MONITOR);

		op->u.monitor.key = i;
		snprintf(op->u.monitor.slug, sizeof(op->u.monitor.slug), "monitor-%d", i);
		snprintf(op->u.monitor.type, sizeof(op->u.monitor.type), "http");
		op->u.monitor.t = time_wall_ms();
		(void)store_submit(s, op);
	}
}

/* Submits results as a real run would: monitors interleaved, 30 s apart each. */
static double write_results(struct store *s, uint64_t base_ops)
{
	int64_t t0 = 1795000000000LL, start = time_mono_ns();
	int r, m;

	for (r = 0; r < RESULTS_PER_MONITOR; r++) {
		for (m = 1; m <= MONITORS; m++) {
			struct store_op *op = store_op_new(STORE_OP_RESULT);

			op->u.result.monitor = m;
			op->u.result.t = t0 + (int64_t)r * 30000 + m;
			op->u.result.status = 1;
			op->u.result.latency_us = 800 + (m * 37 + r * 11) % 4000;
			op->u.result.reason = 0;
			if (r == 0)
				op->text = strdup("HTTP 200");
			(void)store_submit(s, op);
		}
	}
	wait_written(s, base_ops + (uint64_t)MONITORS * RESULTS_PER_MONITOR);
	return (double)(time_mono_ns() - start) / 1e9;
}

static void write_rollups(struct store *s, uint64_t base_ops, int res)
{
	int m, i;

	for (i = 0; i < ROLLUP_MINUTES; i++) {
		for (m = 1; m <= MONITORS; m++) {
			struct store_op *op = store_op_new(STORE_OP_ROLLUP);

			op->u.rollup.monitor = m;
			op->u.rollup.res = res;
			op->u.rollup.bucket = 1795000000LL + (int64_t)i * (res == 0 ? 60 : 3600);
			op->u.rollup.r.up = 2;
			op->u.rollup.r.lat_sum = 2400;
			op->u.rollup.r.lat_min = 1100;
			op->u.rollup.r.lat_max = 1300;
			op->u.rollup.r.hist[1] = 2;
			(void)store_submit(s, op);
		}
	}
	wait_written(s, base_ops + (uint64_t)MONITORS * ROLLUP_MINUTES);
}

int main(int argc, char **argv)
{
	char path[512];
	struct store *s;
	struct store_stats st;
	int64_t before, after_results, after_minutes, after_hours;
	double secs, per_result, per_minute, per_hour, projected;
	uint64_t nres = (uint64_t)MONITORS * RESULTS_PER_MONITOR;

	snprintf(path, sizeof(path), "%s/bench.db", argc > 1 ? argv[1] : "/tmp");
	unlink(path);
	s = open_store(path);
	register_monitors(s);
	wait_written(s, MONITORS + 0);
	store_stats_read(s, &st);
	before = file_size(path);
	secs = write_results(s, st.ops_written);
	after_results = file_size(path);
	store_stats_read(s, &st);
	write_rollups(s, st.ops_written, 0);
	after_minutes = file_size(path);
	store_stats_read(s, &st);
	write_rollups(s, st.ops_written, 1);
	after_hours = file_size(path);
	store_close(s);
	per_result = (double)(after_results - before) / (double)nres;
	per_minute = (double)(after_minutes - after_results) / (MONITORS * ROLLUP_MINUTES);
	per_hour = (double)(after_hours - after_minutes) / (MONITORS * ROLLUP_MINUTES);
	/* 1,000 monitors every 30 s; raw 7 d, minute rollups 30 d, hour 400 d, day forever */
	projected = 1000.0 * (2880.0 * 7 * per_result + 1440.0 * 30 * per_minute +
	                      24.0 * 400 * per_hour + 365.0 * per_hour);
	printf("results written: %llu in %.2f s = %.0f rows/s\n", (unsigned long long)nres, secs,
	       (double)nres / secs);
	printf("bytes per result: %.1f\n", per_result);
	printf("bytes per minute rollup: %.1f\n", per_minute);
	printf("bytes per hour rollup: %.1f\n", per_hour);
	printf("projected size, 1000 monitors @30s, default retention: %.0f MB\n", projected / 1e6);
	printf("TABLE|%.0f|%.1f|%.1f|%.1f|%.0f\n", (double)nres / secs, per_result, per_minute,
	       per_hour, projected / 1e6);
	unlink(path);
	return 0;
}
