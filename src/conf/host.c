/* The host section: what of this machine to collect, how often, and its thresholds. */
#include <regex.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_int.h"
#include "util/xmalloc.h"

#define SEC(x) ((int64_t)(x)*1000)

static int check_regex(struct conf_ctx *ctx, yaml_node_t *node, void *field)
{
	regex_t re;
	char msg[128];
	int rc = regcomp(&re, *(char **)field, REG_EXTENDED | REG_NOSUB);

	if (rc == 0) {
		regfree(&re);
		return 0;
	}
	regerror(rc, &re, msg, sizeof(msg));
	conf_error(ctx, node, "\"%s\" is not a valid regular expression: %s", ctx->raw, msg);
	return -1;
}

static const struct conf_key group_keys[] = {
	{ .name = "name",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_host_group, name),
	  .flags = CONF_REQUIRED,
	  .help = "the group's name (the group label of vigil_process_*)" },
	{ .name = "match",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_host_group, match),
	  .flags = CONF_REQUIRED,
	  .parse = check_regex,
	  .help = "extended regular expression matched against each process's command line" },
	{ 0 },
};

static const struct conf_spec group_spec = {
	.name = "process group",
	.size = sizeof(struct conf_host_group),
	.keys = group_keys,
};

static void threshold_finish(struct conf_ctx *ctx, yaml_node_t *node, void *obj)
{
	struct conf_threshold *t = obj;

	if (t->critical < t->warning)
		conf_error(ctx, node, "critical (%g) is below warning (%g)", t->critical,
		           t->warning);
}

static const struct conf_key threshold_keys[] = {
	{ .name = "warning",
	  .type = CONF_FLOAT,
	  .offset = offsetof(struct conf_threshold, warning),
	  .fmin = 0,
	  .fmax = 1e6,
	  .help = "at or above this, the component warns" },
	{ .name = "critical",
	  .type = CONF_FLOAT,
	  .offset = offsetof(struct conf_threshold, critical),
	  .fmin = 0,
	  .fmax = 1e6,
	  .help = "at or above this, the component fails" },
	{ 0 },
};

static const struct conf_spec threshold_spec = {
	.name = "threshold",
	.size = sizeof(struct conf_threshold),
	.keys = threshold_keys,
	.finish = threshold_finish,
};

static void thresholds_init(void *obj)
{
	struct conf_host_thresholds *t = obj;

	t->cpu = (struct conf_threshold){ 80, 90 };
	t->memory = (struct conf_threshold){ 80, 90 };
	t->disk = (struct conf_threshold){ 80, 90 };
	t->load = (struct conf_threshold){ 2, 4 };
	t->hysteresis = 5;
}

static const struct conf_key thresholds_keys[] = {
	{ .name = "cpu",
	  .type = CONF_SECTION,
	  .offset = offsetof(struct conf_host_thresholds, cpu),
	  .spec = &threshold_spec,
	  .help = "busy CPU percent, averaged over the last minute (default 80 / 90)" },
	{ .name = "memory",
	  .type = CONF_SECTION,
	  .offset = offsetof(struct conf_host_thresholds, memory),
	  .spec = &threshold_spec,
	  .help = "used memory percent (default 80 / 90)" },
	{ .name = "disk",
	  .type = CONF_SECTION,
	  .offset = offsetof(struct conf_host_thresholds, disk),
	  .spec = &threshold_spec,
	  .help = "used space percent of each filesystem (default 80 / 90)" },
	{ .name = "load",
	  .type = CONF_SECTION,
	  .offset = offsetof(struct conf_host_thresholds, load),
	  .spec = &threshold_spec,
	  .help = "1-minute load per CPU core (default 2 / 4)" },
	{ .name = "hysteresis",
	  .type = CONF_FLOAT,
	  .offset = offsetof(struct conf_host_thresholds, hysteresis),
	  .fmin = 0,
	  .fmax = 50,
	  .help = "percent below a threshold a value must fall to leave its level (default 5)" },
	{ 0 },
};

static const struct conf_spec thresholds_spec = {
	.name = "thresholds",
	.size = sizeof(struct conf_host_thresholds),
	.keys = thresholds_keys,
	.init = thresholds_init,
};

static void host_init(void *obj)
{
	struct conf_host *h = obj;

	memset(h, 0, sizeof(*h));
	h->enabled = true;
	h->interval = SEC(5);
	h->proc_root = xstrdup("/proc");
	h->sys_root = xstrdup("/sys");
}

static void host_finish(struct conf_ctx *ctx, yaml_node_t *node, void *obj)
{
	struct conf_host *h = obj;
	const struct conf_host_group *g = h->processes.v;
	size_t i, j;

	if (h->processes.n > 32)
		conf_error_key(ctx, node, "processes", "%zu groups; 32 at most", h->processes.n);
	for (i = 0; i < h->processes.n; i++)
		for (j = 0; j < i; j++)
			if (g[i].name && g[j].name && strcmp(g[i].name, g[j].name) == 0)
				conf_error_key(ctx, node, "processes",
				               "group \"%s\" is named twice", g[i].name);
}

static const struct conf_key host_keys[] = {
	{ .name = "enabled",
	  .type = CONF_BOOL,
	  .offset = offsetof(struct conf_host, enabled),
	  .help = "collect this machine's metrics" },
	{ .name = "interval",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct conf_host, interval),
	  .flags = CONF_RESTART,
	  .min = SEC(1),
	  .max = SEC(3600),
	  .help = "time between samples" },
	{ .name = "proc_root",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_host, proc_root),
	  .flags = CONF_RESTART,
	  .help = "where /proc is (a container can mount the host's); $VIGIL_PROC_ROOT overrides" },
	{ .name = "sys_root",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_host, sys_root),
	  .flags = CONF_RESTART,
	  .help = "where /sys is (network interfaces' state: node_network_up)" },
	{ .name = "filesystems",
	  .type = CONF_STRLIST,
	  .offset = offsetof(struct conf_host, filesystems),
	  .help = "mountpoints to watch; empty: every real filesystem (pseudo ones excluded)" },
	{ .name = "loopback",
	  .type = CONF_BOOL,
	  .offset = offsetof(struct conf_host, loopback),
	  .help = "include the lo interface in network metrics" },
	{ .name = "processes",
	  .type = CONF_LIST,
	  .offset = offsetof(struct conf_host, processes),
	  .spec = &group_spec,
	  .help = "named process groups: count, CPU, memory, threads, fds and I/O of the matches" },
	{ .name = "thresholds",
	  .type = CONF_SECTION,
	  .offset = offsetof(struct conf_host, thresholds),
	  .spec = &thresholds_spec,
	  .help = "levels that make host:cpu, host:memory, host:disk:<mountpoint>, host:load warn "
	          "or fail in /health" },
	{ 0 },
};

const struct conf_spec conf_host_spec = {
	.name = "host",
	.size = sizeof(struct conf_host),
	.keys = host_keys,
	.init = host_init,
	.finish = host_finish,
};
