/* The file probe: not built yet (issue #4); every run ends unknown. */
#include <stddef.h>

#include "probe/probe.h"

struct file_conf {
	char *unused;
};

static const struct conf_key file_keys[] = {
	{ 0 },
};

static const struct conf_spec file_spec = {
	.name = "file",
	.size = sizeof(struct file_conf),
	.keys = file_keys,
};

static int file_start(struct probe_run *run)
{
	probe_result_set(&run->result, PROBE_INTERNAL_ERROR, "the file probe is not built yet");
	return -1;
}

static void file_cancel(struct probe_run *run)
{
	probe_run_finish(run);
}

const struct probe_type probe_file = {
	.name = "file",
	.spec = &file_spec,
	.start = file_start,
	.cancel = file_cancel,
};
