/* The dns probe: not built yet (issue #4); every run ends unknown. */
#include <stddef.h>

#include "probe/probe.h"

struct dns_conf {
	char *unused;
};

static const struct conf_key dns_keys[] = {
	{ 0 },
};

static const struct conf_spec dns_spec = {
	.name = "dns",
	.size = sizeof(struct dns_conf),
	.keys = dns_keys,
};

static int dns_start(struct probe_run *run)
{
	probe_result_set(&run->result, PROBE_INTERNAL_ERROR, "the dns probe is not built yet");
	return -1;
}

static void dns_cancel(struct probe_run *run)
{
	probe_run_finish(run);
}

const struct probe_type probe_dns = {
	.name = "dns",
	.spec = &dns_spec,
	.start = dns_start,
	.cancel = dns_cancel,
};
