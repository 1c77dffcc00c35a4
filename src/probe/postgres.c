/* The postgres probe: not built yet (issue #4); every run ends unknown. */
#include <stddef.h>

#include "probe/probe.h"

struct postgres_conf {
	char *unused;
};

static const struct conf_key postgres_keys[] = {
	{ 0 },
};

static const struct conf_spec postgres_spec = {
	.name = "postgres",
	.size = sizeof(struct postgres_conf),
	.keys = postgres_keys,
};

static int postgres_start(struct probe_run *run)
{
	probe_result_set(&run->result, PROBE_INTERNAL_ERROR, "the postgres probe is not built yet");
	return -1;
}

static void postgres_cancel(struct probe_run *run)
{
	probe_run_finish(run);
}

const struct probe_type probe_postgres = {
	.name = "postgres",
	.spec = &postgres_spec,
	.start = postgres_start,
	.cancel = postgres_cancel,
};
