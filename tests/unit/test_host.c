/* Unit tests of src/host/: parsers on fixture /proc trees, rates, series, hysteresis. */
#include "testing.h"

#include <math.h>

#include "conf/conf.h"
#include "host/collector.h"
#include "host/health.h"
#include "host/rates.h"
#include "host/sample.h"
#include "host/series.h"

static struct host_sample *sample(void)
{
	return test_calloc(1, sizeof(struct host_sample));
}

/* Collects from a fixture tree with the default host config (plus OPTIONS YAML). */
static struct host_sample *collect(const char *tree, const char *options)
{
	char yaml[1024];
	struct conf_diag d = { 0 };
	struct vigil_config *cfg;
	struct host_collector *c;
	struct host_sample *s = sample();
	char err[256];

	snprintf(yaml, sizeof(yaml), "host:\n  proc_root: %s/%s\n%s", FIXTURES, tree,
	         options ? options : "");
	cfg = conf_load_string("h.yaml", yaml, strlen(yaml), &d);
	conf_diag_free(&d);
	assert_non_null(cfg);
	c = host_collector_open(&cfg->host, err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	assert_int_equal(host_collect(c, s), 0);
	host_collector_free(c);
	conf_unref(cfg);
	return s;
}

static void test_basic_tree(void **state)
{
	struct host_sample *s = collect("proc-basic", NULL);

	(void)state;
	assert_int_equal(s->ncpu, 2);
	assert_int_equal(s->total.ticks[CPU_USER], 10132153);
	assert_int_equal(s->total.ticks[CPU_GUEST], 175628);
	assert_int_equal(s->ctxt, 3358961624ULL);
	assert_int_equal(s->btime, 1700000000);
	assert_int_equal(s->forks, 1221231);
	assert_int_equal(s->procs_running, 2);
	assert_true(fabs(s->load[0] - 1.5) < 1e-9 && fabs(s->load[2] - 0.25) < 1e-9);
	assert_int_equal(s->threads_total, 412);
	assert_true(fabs(s->uptime - 123456.78) < 1e-6);
	assert_int_equal(s->filefd_allocated, 2048);
	assert_int_equal(s->pgfault, 5000);
	assert_int_equal(s->oom_kill, 1);
	assert_int_equal(host_meminfo_get(s, "MemTotal"), 16303112LL * 1024);
	assert_int_equal(host_meminfo_get(s, "Nope"), -1);
	/* loop devices and partitions are skipped, as node_exporter does; zram stays */
	assert_int_equal(s->ndisks, 3);
	assert_string_equal(s->disks[0].name, "vda");
	assert_int_equal(s->disks[0].nfields, 17);
	assert_int_equal(s->disks[0].v[DISK_SECTORS_READ], 8000);
	assert_int_equal(s->disks[0].v[DISK_FLUSH_MS], 7);
	assert_string_equal(s->disks[1].name, "zram0");
	assert_string_equal(s->disks[2].name, "nvme0n1");
	assert_int_equal(s->disks[2].nfields, 15);
	/* lo only when asked */
	assert_int_equal(s->nnet, 1);
	assert_string_equal(s->net[0].name, "eth0");
	assert_int_equal(s->net[0].v[NET_RX_BYTES], 1000000);
	assert_int_equal(s->net[0].v[NET_RX_MULTICAST], 3);
	assert_int_equal(s->net[0].v[NET_TX_DROP], 4);
	test_free(s);
	s = collect("proc-basic", "  loopback: true\n");
	assert_int_equal(s->nnet, 2);
	test_free(s);
}

static void test_mounts(void **state)
{
	struct host_sample *s = collect("proc-basic", NULL);

	(void)state;
	/* pseudo types and /proc, /sys, docker layers are not filesystems to watch */
	assert_int_equal(s->nfs, 4);
	assert_string_equal(s->fs[0].mountpoint, "/");
	assert_string_equal(s->fs[1].mountpoint, "/run"); /* tmpfs is kept, like node_exporter */
	assert_string_equal(s->fs[2].mountpoint, "/data disk");
	assert_true(s->fs[2].readonly);
	assert_string_equal(s->fs[3].mountpoint, "/srv");
	assert_string_equal(s->fs[3].device, "/dev/vdd"); /* mounted over: the last one shows */
	test_free(s);
	s = collect("proc-basic", "  filesystems: [/srv, \"/data disk\"]\n");
	assert_int_equal(s->nfs, 2);
	test_free(s);
}

static void test_old_kernel(void **state)
{
	struct host_sample *a = collect("proc-old", NULL), *b = sample();
	struct host_rates r;

	(void)state;
	assert_int_equal(a->ncpu, 1);
	assert_int_equal(a->total.ticks[CPU_STEAL], 0);
	assert_int_equal(a->ndisks, 1);
	assert_int_equal(a->disks[0].nfields, 11);
	*b = *a;
	b->mono_ns = a->mono_ns + 1000000000;
	b->total.ticks[CPU_USER] += 50;
	b->total.ticks[CPU_IDLE] += 50;
	host_rates(a, b, &r);
	assert_true(fabs(r.cpu_busy - 50) < 1e-9);
	/* without MemAvailable: free + buffers + cached */
	assert_int_equal(r.mem_available, 400 * 1024);
	assert_true(fabs(r.mem_used_pct - 60) < 1e-9);
	test_free(a);
	test_free(b);
}

static void test_many_cpus(void **state)
{
	char text[64 * 80 + 200];
	size_t used;
	int i;
	struct host_sample *s = sample();

	(void)state;
	used = (size_t)snprintf(text, sizeof(text), "cpu  1 2 3 4 5 6 7 8 9 10\n");
	for (i = 0; i < 64; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used,
		                         "cpu%d %d 0 1 100 0 0 0 0 0 0\n", i, i);
	assert_int_equal(host_parse_stat(text, s), 0);
	assert_int_equal(s->ncpu, 64);
	assert_int_equal(s->cpu[63].ticks[CPU_USER], 63);
	assert_int_equal(host_parse_stat("intr 5\n", s), -1);
	test_free(s);
}

static void test_rates(void **state)
{
	struct host_sample *a = collect("proc-basic", NULL), *b = sample();
	struct host_rates r;

	(void)state;
	*b = *a;
	b->mono_ns = a->mono_ns + 2000000000LL;   /* 2 s later */
	b->disks[0].v[DISK_SECTORS_READ] += 4000; /* 2 MB in 2 s */
	b->disks[0].v[DISK_READS] += 20;
	b->disks[0].v[DISK_IO_MS] += 500;
	b->net[0].v[NET_RX_BYTES] += 1000;
	b->net[0].v[NET_TX_BYTES] = 100; /* went backwards: the interface was re-created */
	b->ctxt += 2000;
	host_rates(a, b, &r);
	assert_true(r.valid);
	assert_true(fabs(r.disk[0].read_bps - 1024000) < 1e-6);
	assert_true(fabs(r.disk[0].read_iops - 10) < 1e-9);
	assert_true(fabs(r.disk[0].util_pct - 25) < 1e-9);
	assert_true(fabs(r.net[0].rx_bps - 500) < 1e-9);
	assert_true(fabs(r.net[0].tx_bps - 50) < 1e-9); /* counted from zero, never negative */
	assert_true(fabs(r.ctxt_ps - 1000) < 1e-9);
	/* a disk that appeared has rates 0; one that vanished is simply gone */
	snprintf(b->disks[0].name, sizeof(b->disks[0].name), "vdz");
	host_rates(a, b, &r);
	assert_true(r.disk[0].read_bps == 0);
	/* the first sample: gauges only */
	host_rates(NULL, a, &r);
	assert_false(r.valid);
	assert_true(r.mem_used_pct > 0);
	test_free(a);
	test_free(b);
}

struct emitted {
	int n;
	enum store_res res[16];
	double min, max, sum;
	uint32_t count;
};

static void emit(void *arg, const struct host_series *s, enum store_res res, int64_t bucket,
                 double min, double max, double sum, uint32_t count)
{
	struct emitted *e = arg;

	(void)s;
	(void)bucket;
	e->res[e->n++] = res;
	e->min = min;
	e->max = max;
	e->sum = sum;
	e->count = count;
}

static void test_series(void **state)
{
	struct host_history h;
	struct emitted e = { 0 };
	struct host_point pts[200];
	const int64_t t0 = 1795000000000LL - 1795000000000LL % 60000;
	int i;

	(void)state;
	host_history_init(&h, 60); /* the ring holds 60 points */
	for (i = 0; i < 100; i++)
		host_history_add(&h, "cpu.percent", t0 + i * 1000, i, emit, &e);
	/* the minute t0..t0+59 closed when the 61st point came */
	assert_int_equal(e.n, 3);
	assert_int_equal(e.res[0], STORE_RES_MINUTE);
	assert_true(e.min == 0 && e.max == 59 && e.count == 60 && e.sum == 59 * 60 / 2);
	assert_int_equal(host_series_points(host_history_find(&h, "cpu.percent"), 0, pts, 200), 60);
	assert_true(pts[0].v == 40 && pts[59].v == 99); /* oldest first, the last 60 */
	assert_int_equal(host_series_points(host_history_find(&h, "cpu.percent"),
	                                    (uint32_t)(t0 / 1000 + 90), pts, 200),
	                 10);
	host_history_add(&h, "cpu.percent", t0 + 101000, NAN, emit, &e); /* skipped */
	host_history_flush(&h, 0, 1, emit, &e);
	assert_int_equal(e.n, 6);
	assert_int_equal(e.count, 40);
	assert_null(host_history_find(&h, "nope"));
	host_history_free(&h);
}

static void test_hysteresis(void **state)
{
	enum host_level l = HOST_OK;

	(void)state;
	l = host_level_next(l, 79.9, 80, 90, 5);
	assert_int_equal(l, HOST_OK);
	l = host_level_next(l, 80, 80, 90, 5);
	assert_int_equal(l, HOST_WARN);
	l = host_level_next(l, 77, 80, 90, 5); /* hovering just below: stays */
	assert_int_equal(l, HOST_WARN);
	l = host_level_next(l, 75.9, 80, 90, 5); /* below 80 * 0.95 */
	assert_int_equal(l, HOST_OK);
	l = host_level_next(l, 95, 80, 90, 5);
	assert_int_equal(l, HOST_CRIT);
	l = host_level_next(l, 86, 80, 90, 5);
	assert_int_equal(l, HOST_CRIT);
	l = host_level_next(l, 85, 80, 90, 5);
	assert_int_equal(l, HOST_WARN);
}

static void test_missing_root(void **state)
{
	struct conf_diag d = { 0 };
	static const char yaml[] = "host: {proc_root: /nonexistent}\n";
	struct vigil_config *cfg = conf_load_string("h.yaml", yaml, strlen(yaml), &d);
	char err[256];

	(void)state;
	assert_non_null(cfg);
	assert_null(host_collector_open(&cfg->host, err, sizeof(err)));
	assert_string_equal(err, "host: cannot open /nonexistent/stat: No such file or directory");
	conf_unref(cfg);
	conf_diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_tree), cmocka_unit_test(test_mounts),
		cmocka_unit_test(test_old_kernel), cmocka_unit_test(test_many_cpus),
		cmocka_unit_test(test_rates),      cmocka_unit_test(test_series),
		cmocka_unit_test(test_hysteresis), cmocka_unit_test(test_missing_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
