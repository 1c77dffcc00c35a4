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
#include "util/xmalloc.h"

static void add(struct engine *e, int64_t id, const char *name, int64_t start, int64_t duration,
                const char *by, json_t *monitors)
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
}

static void drop(struct api_window *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->monitors[i]);
	free(w->monitors);
}

void engine_maint_boot(struct engine *e, const struct store_boot *boot)
{
	size_t i;

	e->next_window = 1;
	for (i = 0; boot != NULL && i < boot->nmaint; i++) {
		const struct store_boot_maint *b = &boot->maint[i];
		json_t *list = json_loads(b->monitors, 0, NULL);

		add(e, b->id, b->name, b->start, b->duration, b->by, list);
		json_decref(list);
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

/* Whether window I of the configuration is on at T: a cached occurrence for recurring ones. */
static bool window_on(struct engine *e, size_t i, int64_t t)
{
	const struct conf_maintenance *w =
	        &((const struct conf_maintenance *)e->config->maintenance.v)[i];
	struct maint_occurrence *o;
	int64_t start, end;
	size_t k;

	if (w->cron == NULL)
		return t >= w->start_ms && t < w->start_ms + w->duration;
	if (e->occurrences == NULL) {
		e->occurrences = xcalloc(e->config->maintenance.n, sizeof(*e->occurrences));
		for (k = 0; k < e->config->maintenance.n; k++)
			e->occurrences[k] = (struct maint_occurrence){ INT64_MAX, 0, INT64_MIN };
	}
	o = &e->occurrences[i];
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

const char *engine_maintenance(struct engine *e, const struct monitor_conf *m, int64_t t)
{
	const struct conf_maintenance *c = e->config->maintenance.v;
	size_t i;

	for (i = 0; i < e->config->maintenance.n; i++)
		if (names((const char *const *)c[i].monitors.v, c[i].monitors.n, m) &&
		    window_on(e, i, t))
			return c[i].name;
	for (i = 0; i < e->nwindows; i++) {
		const struct api_window *w = &e->windows[i];

		if (t >= w->start && t < w->start + w->duration &&
		    names((const char *const *)w->monitors, w->n, m))
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
	struct store_op *op = store_op_new(STORE_OP_MAINT_PUT);
	const struct api_window *w;

	add(e, e->next_window, json_string_value(json_object_get(a, "name")),
	    json_integer_value(json_object_get(a, "start")),
	    json_integer_value(json_object_get(a, "duration")), c->who, mons);
	w = &e->windows[e->nwindows - 1];
	snprintf(c->id, sizeof(c->id), "%lld", (long long)w->id);
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
