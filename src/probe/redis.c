/* The redis probe: not built yet (issue #4); every run ends unknown. */
#include <stddef.h>

#include "probe/probe.h"

struct redis_conf {
	char *unused;
};

static const struct conf_key redis_keys[] = {
	{ 0 },
};

static const struct conf_spec redis_spec = {
	.name = "redis",
	.size = sizeof(struct redis_conf),
	.keys = redis_keys,
};

static int redis_start(struct probe_run *run)
{
	probe_result_set(&run->result, PROBE_INTERNAL_ERROR, "the redis probe is not built yet");
	return -1;
}

static void redis_cancel(struct probe_run *run)
{
	probe_run_finish(run);
}

const struct probe_type probe_redis = {
	.name = "redis",
	.spec = &redis_spec,
	.start = redis_start,
	.cancel = redis_cancel,
};
