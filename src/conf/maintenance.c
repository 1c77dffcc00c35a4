/* The maintenance section: one-off and recurring windows when monitors are under maintenance. */
#include <stddef.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_int.h"
#include "util/cron.h"
#include "util/timeparse.h"
#include "util/tz.h"

#define DEFAULT_TZ "UTC" /* each window names its zone; alerting.timezone is for messages */

static void one_off_finish(struct conf_ctx *ctx, yaml_node_t *node, struct conf_maintenance *w)
{
	/* an absolute time only: "24h" (ago) would move with every reload */
	if (strchr(w->start, 'T') == NULL || time_parse(w->start, 0, &w->start_ms) < 0)
		conf_error_key(ctx, node, "start",
		               "\"%s\" is not a time like 2026-12-01T02:00:00Z (RFC 3339)",
		               w->start);
	if (w->timezone != NULL)
		conf_error_key(ctx, node, "timezone",
		               "only a recurring window (cron) has a time zone; start carries "
		               "its offset");
}

static void recurring_finish(struct conf_ctx *ctx, yaml_node_t *node, struct conf_maintenance *w)
{
	char err[256];

	if (cron_parse(w->cron, &w->cron_expr, err, sizeof(err)) < 0)
		conf_error_key(ctx, node, "cron", "%s", err);
	if (tz_load(NULL, w->timezone ? w->timezone : DEFAULT_TZ, &w->tz, err, sizeof(err)) < 0)
		conf_error_key(ctx, node, "timezone", "%s", err);
}

static void window_finish(struct conf_ctx *ctx, yaml_node_t *node, void *obj)
{
	struct conf_maintenance *w = obj;

	if (w->start != NULL && w->cron != NULL)
		conf_error_key(ctx, node, "cron",
		               "a window has either start (one-off) or cron (recurring), not both");
	else if (w->start != NULL)
		one_off_finish(ctx, node, w);
	else if (w->cron != NULL)
		recurring_finish(ctx, node, w);
	else
		conf_error(ctx, node,
		           "missing required key \"start\" (a one-off window) or \"cron\" (a "
		           "recurring one)");
	if (w->duration <= 0)
		conf_error_key(ctx, node, "duration", "a window lasts some time (like 1h)");
}

static void window_cleanup(void *obj)
{
	struct conf_maintenance *w = obj;

	tz_free(w->tz);
	w->tz = NULL;
}

int conf_maintenance_occurrence(const struct conf_maintenance *w, int64_t now_ms, int64_t *start,
                                int64_t *end)
{
	if (w->cron == NULL || w->tz == NULL) {
		*start = w->start_ms;
		*end = w->start_ms + w->duration;
		return 0;
	}
	if (cron_occurrence(&w->cron_expr, w->tz, w->duration, now_ms, start) < 0)
		return -1;
	*end = *start + w->duration;
	return 0;
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
	  .help = "a one-off window: when it starts, RFC 3339 with its offset "
	          "(2026-12-01T02:00:00Z); either start or cron" },
	{ .name = "cron",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_maintenance, cron),
	  .help = "a recurring window: when each occurrence starts, a 5-field cron expression "
	          "read in timezone (\"0 2 * * SUN\": Sundays at 02:00); either start or cron" },
	{ .name = "timezone",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_maintenance, timezone),
	  .help = "a recurring window: the IANA time zone of its cron (Europe/Paris; default "
	          "UTC)" },
	{ .name = "duration",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct conf_maintenance, duration),
	  .flags = CONF_REQUIRED,
	  .max = 30LL * 86400 * 1000,
	  .help = "how long it (each occurrence) lasts" },
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
	.cleanup = window_cleanup,
};
