/* The process probe: not built yet (issue #4); every run ends unknown. */
#include <stddef.h>

#include "probe/probe.h"

struct process_conf {
	char *unused;
};

static const struct conf_key process_keys[] = {
	{ 0 },
};

static const struct conf_spec process_spec = {
	.name = "process",
	.size = sizeof(struct process_conf),
	.keys = process_keys,
};

static int process_start(struct probe_run *run)
{
	probe_result_set(&run->result, PROBE_INTERNAL_ERROR, "the process probe is not built yet");
	return -1;
}

static void process_cancel(struct probe_run *run)
{
	probe_run_finish(run);
}

const struct probe_type probe_process = {
	.name = "process",
	.spec = &process_spec,
	.start = process_start,
	.cancel = process_cancel,
};
