/* The push probe: not built yet (issue #4); every run ends unknown. */
#include <stddef.h>

#include "probe/probe.h"

struct push_conf {
	char *unused;
};

static const struct conf_key push_keys[] = {
	{ 0 },
};

static const struct conf_spec push_spec = {
	.name = "push",
	.size = sizeof(struct push_conf),
	.keys = push_keys,
};

static int push_start(struct probe_run *run)
{
	probe_result_set(&run->result, PROBE_INTERNAL_ERROR, "the push probe is not built yet");
	return -1;
}

static void push_cancel(struct probe_run *run)
{
	probe_run_finish(run);
}

const struct probe_type probe_push = {
	.name = "push",
	.spec = &push_spec,
	.start = push_start,
	.cancel = push_cancel,
};
