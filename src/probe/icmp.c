/* The icmp probe: not built yet (issue #4); every run ends unknown. */
#include <stddef.h>

#include "probe/probe.h"

struct icmp_conf {
	char *unused;
};

static const struct conf_key icmp_keys[] = {
	{ 0 },
};

static const struct conf_spec icmp_spec = {
	.name = "icmp",
	.size = sizeof(struct icmp_conf),
	.keys = icmp_keys,
};

static int icmp_start(struct probe_run *run)
{
	probe_result_set(&run->result, PROBE_INTERNAL_ERROR, "the icmp probe is not built yet");
	return -1;
}

static void icmp_cancel(struct probe_run *run)
{
	probe_run_finish(run);
}

const struct probe_type probe_icmp = {
	.name = "icmp",
	.spec = &icmp_spec,
	.start = icmp_start,
	.cancel = icmp_cancel,
};
