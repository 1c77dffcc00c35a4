/* The command probe: not built yet (issue #4); every run ends unknown. */
#include <stddef.h>

#include "probe/probe.h"

struct command_conf {
	char *unused;
};

static const struct conf_key command_keys[] = {
	{ 0 },
};

static const struct conf_spec command_spec = {
	.name = "command",
	.size = sizeof(struct command_conf),
	.keys = command_keys,
};

static int command_start(struct probe_run *run)
{
	probe_result_set(&run->result, PROBE_INTERNAL_ERROR, "the command probe is not built yet");
	return -1;
}

static void command_cancel(struct probe_run *run)
{
	probe_run_finish(run);
}

const struct probe_type probe_command = {
	.name = "command",
	.spec = &command_spec,
	.start = command_start,
	.cancel = command_cancel,
};
