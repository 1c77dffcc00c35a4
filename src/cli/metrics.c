/* `vigil metrics [--json] [--interval DUR]`: this host's values once, without a daemon. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "conf/conf.h"
#include "conf/value.h"
#include "host/collector.h"
#include "host/json.h"
#include "host/view.h"
#include "util/xmalloc.h"

static int run(int argc, char **argv);

const struct cli_verb cli_metrics_verb = {
	"metrics",
	run,
	"[--json] [--interval 1s] [-c FILE]",
	"this host's metrics, once",
	"Samples this machine twice, an interval apart, and prints CPU, memory, swap,\n"
	"load, filesystems, disks, network and processes as a table, or as the JSON\n"
	"of GET /api/v1/host. No daemon is needed. The host section of the\n"
	"configuration (proc_root, filesystems, loopback, processes) applies.\n"
	"\n"
	"  -j, --json           JSON instead of a table\n"
	"  -i, --interval DUR   time between the two samples (default 1s)\n"
	"  -c, --config FILE    configuration (default: as vigil serve finds it)\n",
};

static void human(double bytes, char *out, size_t size)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;

	while (bytes >= 1024 && u < 4) {
		bytes /= 1024;
		u++;
	}
	snprintf(out, size, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
}

static void print_table(const struct host_view *v)
{
	const struct host_sample *s = &v->sample;
	const struct host_rates *r = &v->rates;
	char a[32], b[32];
	size_t i;

	printf("CPU        %5.1f%% busy (%d cores)  user %.1f%%  system %.1f%%  iowait %.1f%%  "
	       "steal %.1f%%\n",
	       r->cpu_busy, s->ncpu, r->cpu_pct[CPU_USER] + r->cpu_pct[CPU_NICE],
	       r->cpu_pct[CPU_SYSTEM], r->cpu_pct[CPU_IOWAIT], r->cpu_pct[CPU_STEAL]);
	human((double)r->mem_available, a, sizeof(a));
	human((double)r->mem_total, b, sizeof(b));
	printf("Memory     %5.1f%% used  %s available of %s\n", r->mem_used_pct, a, b);
	human((double)r->swap_total, b, sizeof(b));
	printf("Swap       %5.1f%% used of %s\n", r->swap_used_pct, b);
	printf("Load       %.2f %.2f %.2f (%.2f per core)\n", s->load[0], s->load[1], s->load[2],
	       r->load_per_core);
	printf("Processes  %u running, %u blocked, %u threads\n", s->procs_running,
	       s->procs_blocked, s->threads_total);
	for (i = 0; i < s->nfs; i++) {
		if (!s->fs[i].stat_ok)
			continue;
		human((double)s->fs[i].avail, a, sizeof(a));
		human((double)s->fs[i].size, b, sizeof(b));
		printf("%s %-24s %-8s %5.1f%% used  %s available of %s\n",
		       i ? "          " : "Filesystem", s->fs[i].mountpoint, s->fs[i].fstype,
		       r->fs_used_pct[i], a, b);
	}
	for (i = 0; i < s->ndisks; i++) {
		human(r->disk[i].read_bps, a, sizeof(a));
		human(r->disk[i].write_bps, b, sizeof(b));
		printf("%s %-10s read %s/s  write %s/s  util %.1f%%\n",
		       i ? "          " : "Disk      ", s->disks[i].name, a, b,
		       r->disk[i].util_pct);
	}
	for (i = 0; i < s->nnet; i++) {
		human(r->net[i].rx_bps, a, sizeof(a));
		human(r->net[i].tx_bps, b, sizeof(b));
		printf("%s %-10s rx %s/s  tx %s/s\n", i ? "          " : "Network   ",
		       s->net[i].name, a, b);
	}
	for (i = 0; i < s->ngroups; i++) {
		human((double)s->groups[i].rss_bytes, a, sizeof(a));
		printf("%s %-10s %u processes  cpu %.1f%%  rss %s  threads %u\n",
		       i ? "          " : "Group     ", v->group_names[i], s->groups[i].count,
		       r->group_cpu_pct[i], a, s->groups[i].threads);
	}
}

static int parse(int argc, char **argv, int *json, int64_t *interval, const char **config)
{
	static const struct option longs[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "interval", required_argument, NULL, 'i' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":ji:c:h", longs, NULL)) != -1) {
		switch (c) {
		case 'j':
			*json = 1;
			break;
		case 'i':
			if (conf_duration_parse(optarg, interval) < 0 || *interval < 10)
				return cli_usage_error(&cli_metrics_verb,
				                       "\"%s\" is not a duration of "
				                       "10ms or more",
				                       optarg);
			break;
		case 'c':
			*config = optarg;
			break;
		case 'h':
			cli_verb_help(&cli_metrics_verb);
			return 1;
		case ':':
			return cli_usage_error(&cli_metrics_verb, "%s needs an argument",
			                       argv[optind - 1]);
		default:
			return cli_usage_error(&cli_metrics_verb, "unknown option \"%s\"",
			                       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(&cli_metrics_verb, "unexpected argument \"%s\"",
		                       argv[optind]);
	return 0;
}

static int run(int argc, char **argv)
{
	int json = 0, p;
	int64_t interval = 1000;
	const char *config = NULL, *path;
	struct conf_diag diag = { 0 };
	struct vigil_config *cfg;
	struct host_collector *c;
	struct host_sample *first = xcalloc(1, sizeof(*first));
	struct host_view *v = host_view_new();
	struct timespec ts;
	char err[512];
	size_t i;

	p = parse(argc, argv, &json, &interval, &config);
	if (p != 0) {
		free(first);
		host_view_unref(v);
		return p == 1 ? CLI_OK : CLI_USAGE;
	}
	path = conf_auto_path(config);
	cfg = path ? conf_load_file(path, &diag) : conf_load_default(&diag);
	for (i = 0; i < diag.n; i++)
		fprintf(stderr, "%s\n", diag.msgs[i]);
	conf_diag_free(&diag);
	c = cfg ? host_collector_open(&cfg->host, err, sizeof(err)) : NULL;
	if (c == NULL) {
		if (cfg != NULL)
			fprintf(stderr, "vigil metrics: %s\n", err);
		conf_unref(cfg);
		free(first);
		host_view_unref(v);
		return cfg ? CLI_FAIL : CLI_USAGE;
	}
	host_collect(c, first);
	ts = (struct timespec){ interval / 1000, (interval % 1000) * 1000000 };
	while (nanosleep(&ts, &ts) < 0)
		;
	host_collect(c, &v->sample);
	host_collect_fs(&v->sample);
	host_rates(first, &v->sample, &v->rates);
	v->interval_ms = interval;
	for (i = 0; i < v->sample.ngroups; i++)
		snprintf(v->group_names[i], sizeof(v->group_names[i]), "%s",
		         host_collector_group(c, i));
	for (i = 0; i < v->sample.nnet; i++)
		v->net_up[i] = host_net_up(c, v->sample.net[i].name);
	if (json) {
		json_t *o = host_view_json(v);
		char *text = json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(10));

		puts(text);
		free(text);
		json_decref(o);
	} else {
		print_table(v);
	}
	host_collector_free(c);
	host_view_unref(v);
	free(first);
	conf_unref(cfg);
	return CLI_OK;
}
