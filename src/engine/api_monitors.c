/*
 * Monitors made through the API: kept beside the configuration file's (which
 * win on an id clash), persisted in the store, answered once durable.
 */
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "engine/engine_int.h"
#include "store/store.h"
#include "util/log.h"
#include "util/secret.h"
#include "util/time.h"
#include "util/xmalloc.h"

static void append(struct engine *e, struct vigil_config *cfg, int64_t created, int64_t updated)
{
	struct api_monitor *a = xcalloc(1, sizeof(*a));

	a->cfg = cfg;
	a->created_ms = created;
	a->updated_ms = updated;
	e->api = xgrow(e->api, &e->api_cap, e->napi + 1, sizeof(*e->api));
	e->api[e->napi++] = a;
}

/* The index of the API monitor ID, or -1. */
static long api_index(const struct engine *e, const char *id)
{
	size_t i;

	for (i = 0; i < e->napi; i++)
		if (strcmp(e->api[i]->cfg->monitors.v[0].id, id) == 0)
			return (long)i;
	return -1;
}

void engine_api_boot(struct engine *e, const struct store_boot *boot)
{
	size_t i, j;

	for (i = 0; boot != NULL && i < boot->napi_monitors; i++) {
		const struct store_boot_api_monitor *b = &boot->api_monitors[i];
		struct conf_diag d = { 0 };
		struct vigil_config *cfg =
		        conf_api_monitor(b->body, strlen(b->body), e->config, &d);

		if (cfg == NULL) {
			log_warnx(
			        "engine: the stored API monitor %s is no longer valid (kept in the "
			        "store, not run):",
			        b->id);
			for (j = 0; j < d.n; j++)
				log_warnx("  %s: %s", d.paths[j], d.texts[j]);
		} else {
			append(e, cfg, b->created, b->updated);
		}
		conf_diag_free(&d);
	}
	if (e->napi > 0)
		log_info("engine: %zu monitor%s made through the API", e->napi,
		         e->napi == 1 ? "" : "s");
}

void engine_secrets_rebuild(struct engine *e)
{
	struct secret_set *set = secret_set_new();
	size_t i;

	secret_set_merge(set, e->config->secrets);
	for (i = 0; i < e->napi; i++)
		secret_set_merge(set, e->api[i]->cfg->secrets);
	secret_set_unref(e->secrets);
	e->secrets = set;
	log_set_secrets(set);
}

void engine_api_free(struct engine *e)
{
	size_t i;

	secret_set_unref(e->secrets);
	e->secrets = NULL;

	for (i = 0; i < e->napi; i++) {
		conf_unref(e->api[i]->cfg);
		free(e->api[i]);
	}
	free(e->api);
	e->api = NULL;
	e->napi = 0;
}

/* The writer committed the change (or never will): the command's answer goes out. */
static void on_commit(void *arg, bool committed)
{
	struct engine_cmd *c = arg;

	if (!committed) {
		c->status = 503;
		snprintf(c->code, sizeof(c->code), "store_error");
		snprintf(c->message, sizeof(c->message),
		         "the change is in effect but could not be saved (store queue full or "
		         "shutting down): it will not survive a restart");
	}
	c->done(c);
}

/* Persists the API monitor A (or its deletion when A is NULL), then answers C. */
static void persist(struct engine *e, struct engine_cmd *c, const char *id,
                    const struct api_monitor *a)
{
	struct store_op *op = store_op_new(a ? STORE_OP_API_MONITOR_PUT : STORE_OP_API_MONITOR_DEL);

	snprintf(op->u.api_monitor.id, sizeof(op->u.api_monitor.id), "%s", id);
	if (a != NULL) {
		op->text = xstrdup(a->cfg->api_body);
		op->u.api_monitor.created = a->created_ms;
		op->u.api_monitor.updated = a->updated_ms;
	}
	op->on_commit = on_commit;
	op->commit_arg = c;
	engine_publish_now(e); /* the answer shows the change */
	if (store_submit(e->store, op) == 0)
		store_flush(e->store);
}

/* 409 for an id of the configuration file, else 404. */
static void not_api(struct engine *e, struct engine_cmd *c)
{
	if (conf_monitor_find(&e->config->monitors, c->id) != NULL)
		engine_cmd_reply(c, 409, "read_only",
		                 "monitor \"%s\" is defined in the configuration file (%s) and is "
		                 "read-only through the API: change the file and reload",
		                 c->id, e->config->source);
	else
		engine_cmd_reply(c, 404, "not_found", "no monitor with id \"%s\"", c->id);
}

void engine_api_create(struct engine *e, struct engine_cmd *c)
{
	const struct monitor_conf *mc = &c->config->monitors.v[0];
	int64_t now = time_wall_ms();

	snprintf(c->id, sizeof(c->id), "%s", mc->id);
	if (conf_monitor_find(&e->config->monitors, mc->id) != NULL || api_index(e, mc->id) >= 0) {
		engine_cmd_reply(c, 409, "conflict",
		                 "a monitor with id \"%s\" already exists (ids come from names: "
		                 "choose another name)",
		                 mc->id);
		return;
	}
	append(e, c->config, now, now);
	c->config = NULL;
	engine_monitors_apply(e);
	engine_secrets_rebuild(e);
	log_info("engine: monitor %s created through the API by %s", c->id, c->who);
	c->status = 201;
	persist(e, c, c->id, e->api[e->napi - 1]);
}

void engine_api_replace(struct engine *e, struct engine_cmd *c)
{
	long i = api_index(e, c->id);
	struct vigil_config *old;

	if (i < 0) {
		not_api(e, c);
		return;
	}
	if (strcmp(c->config->monitors.v[0].id, c->id) != 0) {
		engine_cmd_reply(
		        c, 400, "bad_request",
		        "the new name gives the id \"%s\", not \"%s\": a monitor keeps its "
		        "id; create a new one to change it",
		        c->config->monitors.v[0].id, c->id);
		return;
	}
	old = e->api[i]->cfg;
	e->api[i]->cfg = c->config;
	e->api[i]->updated_ms = time_wall_ms();
	c->config = NULL;
	engine_monitors_apply(e); /* while OLD still holds the monitor's strings */
	engine_secrets_rebuild(e);
	conf_unref(old);
	log_info("engine: monitor %s changed through the API by %s", c->id, c->who);
	c->status = 200;
	persist(e, c, c->id, e->api[i]);
}

void engine_api_delete(struct engine *e, struct engine_cmd *c)
{
	long i = api_index(e, c->id);
	struct api_monitor *a;

	if (i < 0) {
		not_api(e, c);
		return;
	}
	a = e->api[i];
	memmove(&e->api[i], &e->api[i + 1], (e->napi - (size_t)i - 1) * sizeof(*e->api));
	e->napi--;
	engine_monitors_apply(e);
	engine_secrets_rebuild(e);
	conf_unref(a->cfg);
	free(a);
	log_info("engine: monitor %s deleted through the API by %s", c->id, c->who);
	c->status = 200;
	snprintf(c->message, sizeof(c->message), "monitor \"%s\" deleted", c->id);
	persist(e, c, c->id, NULL);
}

size_t engine_api_redecode(struct engine *e, struct vigil_config ***olds)
{
	size_t i, j, n = 0;

	*olds = xcalloc(e->napi + 1, sizeof(**olds));
	for (i = 0; i < e->napi; i++) {
		struct api_monitor *a = e->api[i];
		struct conf_diag d = { 0 };
		struct vigil_config *cfg =
		        conf_api_monitor(a->cfg->api_body, strlen(a->cfg->api_body), e->config, &d);

		if (cfg == NULL) {
			log_warnx("engine: the API monitor %s is not valid under the new "
			          "configuration; "
			          "it keeps the old one:",
			          a->cfg->monitors.v[0].id);
			for (j = 0; j < d.n; j++)
				log_warnx("  %s: %s", d.paths[j], d.texts[j]);
		} else {
			(*olds)[n++] = a->cfg;
			a->cfg = cfg;
		}
		conf_diag_free(&d);
	}
	return n;
}
