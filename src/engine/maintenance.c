/*
 * Maintenance windows: the configuration's and those made through the API
 * (kept here, persisted in the store). A monitor inside one is under
 * maintenance (see check.c).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "engine/engine_int.h"
#include "store/store.h"
#include "util/log.h"
#include "util/time.h"
#include "util/tz.h"
#include "util/xmalloc.h"

/*
 * Reads a recurring window's CRON and TIMEZONE into W, with TZ the zone
 * already loaded (taken over; NULL: read its file, which only boot does, the
 * loop not running yet). Returns 0, or -1 with the reason in ERR.
 */
static int recurrence(struct api_window *w, const char *cron, const char *timezone, struct tz *tz,
                      char *err, size_t errlen)
{
	char why[200];

	w->tz = tz;
	if (cron_parse(cron, &w->cron_expr, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "$.cron: %s", why);
		return -1;
	}
	if (w->tz == NULL && tz_load(NULL, timezone, &w->tz, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "$.timezone: %s", why);
		return -1;
	}
	snprintf(w->cron, sizeof(w->cron), "%s", cron);
	snprintf(w->timezone, sizeof(w->timezone), "%s", timezone);
	w->occ = (struct maint_occurrence){ INT64_MAX, 0, INT64_MIN };
	return 0;
}

static struct api_window *add(struct engine *e, int64_t id, const char *name, int64_t start,
                              int64_t duration, const char *by, json_t *monitors)
{
	struct api_window *w;
	size_t i;

	e->windows = xgrow(e->windows, &e->windows_cap, e->nwindows + 1, sizeof(*e->windows));
	w = &e->windows[e->nwindows++];
	memset(w, 0, sizeof(*w));
	w->id = id;
	w->start = start;
	w->duration = duration;
	snprintf(w->name, sizeof(w->name), "%s", name);
	snprintf(w->by, sizeof(w->by), "%s", by);
	w->n = json_array_size(monitors);
	w->monitors = xcalloc(w->n + 1, sizeof(*w->monitors));
	for (i = 0; i < w->n; i++)
		w->monitors[i] = xstrdup(json_string_value(json_array_get(monitors, i))
		                                 ? json_string_value(json_array_get(monitors, i))
		                                 : "");
	if (id >= e->next_window)
		e->next_window = id + 1;
	return w;
}

static void drop(struct api_window *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->monitors[i]);
	free(w->monitors);
	tz_free(w->tz);
}

void engine_maint_boot(struct engine *e, const struct store_boot *boot)
{
	size_t i;

	e->next_window = 1;
	for (i = 0; boot != NULL && i < boot->nmaint; i++) {
		const struct store_boot_maint *b = &boot->maint[i];
		json_t *list = json_loads(b->monitors, 0, NULL);
		struct api_window *w = add(e, b->id, b->name, b->start, b->duration, b->by, list);
		char err[300];

		json_decref(list);
		if (b->cron[0] != '\0' &&
		    recurrence(w, b->cron, b->timezone, NULL, err, sizeof(err)) < 0) {
			log_warnx("maintenance window %lld \"%s\" is ignored: %s", (long long)b->id,
			          b->name, err);
			drop(w);
			e->nwindows--;
		}
	}
}

void engine_maint_config(struct engine *e)
{
	free(e->occurrences);
	e->occurrences = NULL;
}

void engine_maint_free(struct engine *e)
{
	size_t i;

	engine_maint_config(e);

	for (i = 0; i < e->nwindows; i++)
		drop(&e->windows[i]);
	free(e->windows);
	e->windows = NULL;
	e->nwindows = 0;
}

static bool names(const char *const *list, size_t n, const struct monitor_conf *m)
{
	size_t i;

	if (n == 0)
		return true;
	for (i = 0; i < n; i++)
		if (strcmp(list[i], m->name) == 0 || strcmp(list[i], m->id) == 0)
			return true;
	return false;
}

/* Whether recurring window W is on at T, its occurrence cached in O until it ends. */
static bool occurs(const struct conf_maintenance *w, struct maint_occurrence *o, int64_t t)
{
	int64_t start, end;

	if (t < o->from && o->end != INT64_MIN) /* a check older than the search: ask afresh */
		return conf_maintenance_occurrence(w, t, &start, &end) == 0 && t >= start &&
		       t < end;
	if (t >= o->end) {
		o->from = t;
		if (conf_maintenance_occurrence(w, t, &o->start, &o->end) < 0)
			o->start = o->end = INT64_MAX; /* never again */
	}
	return t >= o->start && t < o->end;
}

/* Whether window I of the configuration is on at T. */
static bool window_on(struct engine *e, size_t i, int64_t t)
{
	const struct conf_maintenance *w =
	        &((const struct conf_maintenance *)e->config->maintenance.v)[i];
	size_t k;

	if (w->cron == NULL)
		return t >= w->start_ms && t < w->start_ms + w->duration;
	if (e->occurrences == NULL) {
		e->occurrences = xcalloc(e->config->maintenance.n, sizeof(*e->occurrences));
		for (k = 0; k < e->config->maintenance.n; k++)
			e->occurrences[k] = (struct maint_occurrence){ INT64_MAX, 0, INT64_MIN };
	}
	return occurs(w, &e->occurrences[i], t);
}

/* Recurring window W as the configuration's windows are, for their occurrence search. */
static struct conf_maintenance as_conf(struct api_window *w)
{
	return (struct conf_maintenance){ .name = w->name,
		                          .cron = w->cron,
		                          .cron_expr = w->cron_expr,
		                          .tz = w->tz,
		                          .duration = w->duration };
}

/* Whether window W made through the API is on at T. */
static bool api_window_on(struct api_window *w, int64_t t)
{
	struct conf_maintenance c;

	if (w->cron[0] == '\0')
		return t >= w->start && t < w->start + w->duration;
	c = as_conf(w);
	return occurs(&c, &w->occ, t);
}

int engine_maint_occurrence(struct api_window *w, int64_t now, int64_t *start, int64_t *end)
{
	struct conf_maintenance c;

	if (w->cron[0] == '\0') {
		*start = w->start;
		*end = w->start + w->duration;
		return 0;
	}
	c = as_conf(w);
	return conf_maintenance_occurrence(&c, now, start, end);
}

const char *engine_maintenance(struct engine *e, const struct monitor_conf *m, int64_t t)
{
	const struct conf_maintenance *c = e->config->maintenance.v;
	size_t i;

	for (i = 0; i < e->config->maintenance.n; i++)
		if (names((const char *const *)c[i].monitors.v, c[i].monitors.n, m) &&
		    window_on(e, i, t))
			return c[i].name;
	for (i = 0; i < e->nwindows; i++) {
		struct api_window *w = &e->windows[i];

		if (names((const char *const *)w->monitors, w->n, m) && api_window_on(w, t))
			return w->name;
	}
	return NULL;
}

static void on_commit(void *arg, bool committed)
{
	struct engine_cmd *c = arg;

	if (!committed) {
		c->status = 503;
		snprintf(c->code, sizeof(c->code), "store_error");
		snprintf(c->message, sizeof(c->message), "the window could not be saved");
	}
	c->done(c);
}

void engine_maint_create(struct engine *e, struct engine_cmd *c)
{
	json_t *a = c->args, *mons = json_object_get(a, "monitors");
	const char *cron = json_string_value(json_object_get(a, "cron"));
	struct store_op *op;
	struct api_window *w;
	char err[300];

	w = add(e, e->next_window, json_string_value(json_object_get(a, "name")),
	        json_integer_value(json_object_get(a, "start")),
	        json_integer_value(json_object_get(a, "duration")), c->who, mons);
	if (cron != NULL && recurrence(w, cron, json_string_value(json_object_get(a, "timezone")),
	                               c->tz, err, sizeof(err)) < 0) {
		c->tz = NULL; /* W had it */
		drop(w);
		e->nwindows--;
		engine_cmd_reply(c, 400, "bad_request", "%s", err);
		return;
	}
	c->tz = NULL; /* the window has it now (or never had a cron) */
	op = store_op_new(STORE_OP_MAINT_PUT);
	snprintf(c->id, sizeof(c->id), "%lld", (long long)w->id);
	snprintf(op->u.maint.cron, sizeof(op->u.maint.cron), "%s", w->cron);
	snprintf(op->u.maint.timezone, sizeof(op->u.maint.timezone), "%s", w->timezone);
	op->u.maint.id = w->id;
	op->u.maint.start = w->start;
	op->u.maint.duration = w->duration;
	op->u.maint.created = time_wall_ms();
	snprintf(op->u.maint.name, sizeof(op->u.maint.name), "%s", w->name);
	snprintf(op->u.maint.by, sizeof(op->u.maint.by), "%s", w->by);
	op->text = json_dumps(mons ? mons : json_array(), JSON_COMPACT);
	op->on_commit = on_commit;
	op->commit_arg = c;
	log_info("engine: maintenance window %lld \"%s\" made by %s", (long long)w->id, w->name,
	         c->who);
	c->status = 201;
	engine_publish_now(e);
	if (store_submit(e->store, op) == 0)
		store_flush(e->store);
}

void engine_maint_delete(struct engine *e, struct engine_cmd *c)
{
	int64_t id = strtoll(c->id, NULL, 10);
	struct store_op *op;
	size_t i;

	for (i = 0; i < e->nwindows && e->windows[i].id != id; i++)
		;
	if (i == e->nwindows) {
		engine_cmd_reply(c, 404, "not_found",
		                 "no maintenance window %s made through the API (windows of the "
		                 "configuration file are changed there)",
		                 c->id);
		return;
	}
	drop(&e->windows[i]);
	memmove(&e->windows[i], &e->windows[i + 1], (e->nwindows - i - 1) * sizeof(*e->windows));
	e->nwindows--;
	op = store_op_new(STORE_OP_MAINT_DEL);
	op->u.maint.id = id;
	op->on_commit = on_commit;
	op->commit_arg = c;
	c->status = 200;
	snprintf(c->message, sizeof(c->message), "maintenance window %s deleted", c->id);
	engine_publish_now(e);
	if (store_submit(e->store, op) == 0)
		store_flush(e->store);
}
