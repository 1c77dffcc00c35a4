/* The tls probe: not built yet (issue #4); every run ends unknown. */
#include <stddef.h>

#include "probe/probe.h"

struct tls_conf {
	char *unused;
};

static const struct conf_key tls_keys[] = {
	{ 0 },
};

static const struct conf_spec tls_spec = {
	.name = "tls",
	.size = sizeof(struct tls_conf),
	.keys = tls_keys,
};

static int tls_start(struct probe_run *run)
{
	probe_result_set(&run->result, PROBE_INTERNAL_ERROR, "the tls probe is not built yet");
	return -1;
}

static void tls_cancel(struct probe_run *run)
{
	probe_run_finish(run);
}

const struct probe_type probe_tls = {
	.name = "tls",
	.spec = &tls_spec,
	.start = tls_start,
	.cancel = tls_cancel,
};
