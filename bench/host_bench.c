/*
 * bench/host: CPU time of one full host sample (read and parse /proc,
 * statvfs every filesystem, derive the rates) on this machine.
 *
 *   bench_host [SAMPLES]   prints "TABLE|<µs per sample at 1 s>|<µs re-reading all>"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "conf/conf.h"
#include "host/collector.h"
#include "host/rates.h"

static double cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static void sample(struct host_collector *c, struct host_sample **a, struct host_sample **b,
                   struct host_rates *r)
{
	struct host_sample *t;

	host_collect(c, *b);
	host_collect_fs(*b);
	host_rates(*a, *b, r);
	t = *a;
	*a = *b;
	*b = t;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 2000, i;
	struct conf_diag d = { 0 };
	struct vigil_config *cfg = conf_load_default(&d);
	struct host_collector *c;
	struct host_sample *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	struct host_rates *r = calloc(1, sizeof(*r));
	char err[256];
	double start, amortized, full;

	c = cfg ? host_collector_open(&cfg->host, err, sizeof(err)) : NULL;
	if (c == NULL || a == NULL || b == NULL || r == NULL) {
		fprintf(stderr, "bench_host: %s\n", c ? "out of memory" : err);
		return 1;
	}
	host_collect(c, a);
	host_collect_fs(a);
	/*
	 * As at host.interval 1 s: /proc/vmstat and /proc/mounts are re-read on
	 * every 15th sample (the collector re-reads vmstat every 15 s and mounts
	 * every 30 s; the loop runs faster than the clock, so force it).
	 */
	start = cpu_us();
	for (i = 0; i < n; i++) {
		if (i % 15 == 0)
			host_collector_refresh(c);
		sample(c, &a, &b, r);
	}
	amortized = (cpu_us() - start) / n;
	start = cpu_us();
	for (i = 0; i < n; i++) {
		host_collector_refresh(c);
		sample(c, &a, &b, r);
	}
	full = (cpu_us() - start) / n;
	printf("%d samples: %.1f us CPU per sample at a 1 s interval, %.1f us re-reading every "
	       "file (%d CPUs, %zu disks, %zu interfaces, %zu filesystems)\n",
	       n, amortized, full, a->ncpu, a->ndisks, a->nnet, a->nfs);
	printf("TABLE|%.1f|%.1f\n", amortized, full);
	host_collector_free(c);
	conf_unref(cfg);
	conf_diag_free(&d);
	free(a);
	free(b);
	free(r);
	return 0;
}
