/* The maintenance section: windows during which monitors are under maintenance. */
#include <stddef.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_int.h"
#include "util/timeparse.h"

static void window_finish(struct conf_ctx *ctx, yaml_node_t *node, void *obj)
{
	struct conf_maintenance *w = obj;

	if (w->start == NULL)
		return; /* reported as required */
	/* an absolute time only: "24h" (ago) would move with every reload */
	if (strchr(w->start, 'T') == NULL || time_parse(w->start, 0, &w->start_ms) < 0)
		conf_error_key(ctx, node, "start",
		               "\"%s\" is not a time like 2026-12-01T02:00:00Z (RFC 3339)",
		               w->start);
	if (w->duration <= 0)
		conf_error_key(ctx, node, "duration", "a window lasts some time (like 1h)");
}

static const struct conf_key window_keys[] = {
	{ .name = "name",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_maintenance, name),
	  .flags = CONF_REQUIRED,
	  .help = "what is done (shown with the monitors' maintenance status)" },
	{ .name = "start",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_maintenance, start),
	  .flags = CONF_REQUIRED,
	  .help = "when it starts, RFC 3339 with its offset (2026-12-01T02:00:00Z)" },
	{ .name = "duration",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct conf_maintenance, duration),
	  .flags = CONF_REQUIRED,
	  .max = 30LL * 86400 * 1000,
	  .help = "how long it lasts" },
	{ .name = "monitors",
	  .type = CONF_STRLIST,
	  .offset = offsetof(struct conf_maintenance, monitors),
	  .help = "the monitors under maintenance, by name or id (default: every monitor)" },
	{ 0 },
};

const struct conf_spec conf_maintenance_spec = {
	.name = "maintenance window",
	.size = sizeof(struct conf_maintenance),
	.keys = window_keys,
	.finish = window_finish,
};
