/* Unit tests of src/host/procfs.c against fixture /proc files. */
#include "testing.h"

#include <unistd.h>

#include "host/procfs.h"

static void read_fixture(const char *name, char *buf, size_t size)
{
	assert_true(procfs_read(FIXTURES "/proc-basic", name, buf, size) > 0);
}

static void test_cpu(void **state)
{
	char buf[4096];
	struct cpu_times a, b;

	(void)state;
	read_fixture("stat", buf, sizeof(buf));
	assert_int_equal(procfs_cpu_total(buf, &a), 0);
	assert_int_equal(a.user, 10132153);
	assert_int_equal(a.idle, 46828483);
	assert_int_equal(a.steal, 0);
	assert_int_equal(procfs_cpu_count(buf), 2);
	b = a;
	b.user += 300;
	b.idle += 600;
	b.iowait += 100;
	assert_true(procfs_cpu_busy_percent(&a, &b) > 29.99 &&
	            procfs_cpu_busy_percent(&a, &b) < 30.01);
	assert_true(procfs_cpu_busy_percent(&a, &a) < 0);
	assert_int_equal(procfs_cpu_total("intr 1 2 3\n", &a), -1);
	/* an old kernel without the steal column */
	assert_int_equal(procfs_cpu_total("cpu  1 2 3 4 5 6 7\n", &a), 0);
	assert_int_equal(a.softirq, 7);
	assert_int_equal(a.steal, 0);
}

static void test_meminfo(void **state)
{
	char buf[4096];
	struct mem_info m;

	(void)state;
	read_fixture("meminfo", buf, sizeof(buf));
	assert_int_equal(procfs_meminfo(buf, &m), 0);
	assert_int_equal(m.total, 16303112ULL * 1024);
	assert_int_equal(m.available, 9573236ULL * 1024);
	assert_int_equal(m.swap_free, 1712636ULL * 1024);
	read_fixture("meminfo-old", buf, sizeof(buf));
	assert_int_equal(procfs_meminfo(buf, &m), 0);
	assert_int_equal(m.available, 400ULL * 1024); /* estimated: free + buffers + cached */
	assert_int_equal(procfs_meminfo("Nothing: 1 kB\n", &m), -1);
}

static void test_self(void **state)
{
	struct self_stats s;

	(void)state;
	assert_int_equal(procfs_self(&s), 0);
	assert_true(s.rss_bytes > 0);
	assert_true(s.threads >= 1);
	assert_true(s.open_fds >= 3);
	assert_true(s.max_fds > 0);
	assert_true(s.start_time > 1.6e9);
	assert_int_equal(procfs_read("/nonexistent", "stat", (char[8]){ 0 }, 8), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu),
		cmocka_unit_test(test_meminfo),
		cmocka_unit_test(test_self),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
