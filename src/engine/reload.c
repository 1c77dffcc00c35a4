/* Configuration reload: parse off the loop, validate, swap whole or keep the old. */
#include <stdlib.h>

#include "alert/alert.h"
#include "conf/conf.h"
#include "engine/engine_int.h"
#include "util/log.h"
#include "util/secret.h"
#include "util/xmalloc.h"

static void reload_work(uv_work_t *req)
{
	struct engine *e = req->data;

	e->reload_diag = xcalloc(1, sizeof(*e->reload_diag));
	e->reload_cfg = e->config_path ? conf_load_file(e->config_path, e->reload_diag)
	                               : conf_load_default(e->reload_diag);
}

static void apply_config(struct engine *e, struct vigil_config *cfg)
{
	struct conf_diag restart = { 0 };
	struct vigil_config *old = e->config, **olds;
	size_t i, nolds;

	if (conf_restart_changes(e->config, cfg, &restart) > 0)
		for (i = 0; i < restart.n; i++)
			log_warnx("engine: reload: %s changed; the new value takes effect after a "
			          "restart",
			          restart.msgs[i]);
	conf_diag_free(&restart);
	/* the API monitors' secrets join once they are decoded again (below) */
	log_configure((enum log_level)cfg->log.level, (enum log_format)cfg->log.format);
	e->config = cfg;
	engine_maint_config(e);
	nolds = engine_api_redecode(e, &olds);
	engine_monitors_apply(e); /* while the old configs still hold the monitors' keys */
	conf_unref(old);
	for (i = 0; i < nolds; i++)
		conf_unref(olds[i]);
	free(olds);
	engine_secrets_rebuild(e);
	if (e->alerting != NULL)
		alerting_set_config(e->alerting, e->config);
	engine_mark_dirty(e);
	log_info("engine: configuration reloaded from %s", cfg->source);
}

/* Answers the RELOAD commands of this reload with its outcome. */
static void answer(struct engine *e, bool ok, const struct conf_diag *diag)
{
	struct engine_cmd *c = e->reload_waiters, *next;
	size_t i;

	e->reload_waiters = NULL;
	if (c != NULL && ok)
		engine_publish_now(e); /* what they read next shows the new configuration */
	for (; c != NULL; c = next) {
		next = c->next;
		for (i = 0; !ok && i < diag->n; i++)
			conf_diag_add(&c->diag, "%s", diag->msgs[i]);
		if (ok)
			engine_cmd_reply(c, 200, NULL, "configuration reloaded from %s",
			                 e->config->source);
		else
			engine_cmd_reply(
			        c, 400, "invalid_config",
			        "the configuration has %zu error%s; the running one is kept",
			        diag->n, diag->n == 1 ? "" : "s");
	}
}

static void reload_done(uv_work_t *req, int status)
{
	struct engine *e = req->data;
	struct conf_diag *diag = e->reload_diag;
	bool ok = e->reload_cfg != NULL;
	size_t i;

	e->reload_busy = false;
	if (e->reload_cfg != NULL && !e->closing) {
		apply_config(e, e->reload_cfg);
	} else if (e->reload_cfg == NULL) {
		log_warnx(
		        "engine: reload failed with %zu error%s; keeping the current configuration",
		        diag->n, diag->n == 1 ? "" : "s");
		for (i = 0; i < diag->n; i++)
			log_warnx("%s", diag->msgs[i]);
	} else {
		conf_unref(e->reload_cfg);
	}
	e->reload_cfg = NULL;
	if (!e->closing) {
		answer(e, ok, diag);
		engine_event(e, ok ? ENGINE_EVENT_RELOADED : ENGINE_EVENT_RELOAD_FAILED);
	}
	conf_diag_free(diag);
	free(diag);
	e->reload_diag = NULL;
	(void)status;
	if (e->reload_again && !e->closing) {
		e->reload_again = false;
		e->reload_waiters = e->reload_next;
		e->reload_next = NULL;
		engine_reload(e);
	}
	engine_maybe_free(e);
}

void engine_reload_cmd(struct engine *e, struct engine_cmd *c)
{
	log_info("engine: reload asked through the API by %s", c->who[0] ? c->who : "a token");
	if (e->reload_busy) {
		c->next = e->reload_next;
		e->reload_next = c;
		e->reload_again = true;
		return;
	}
	c->next = e->reload_waiters;
	e->reload_waiters = c;
	engine_reload(e);
	if (!e->reload_busy) { /* could not start */
		e->reload_waiters = NULL;
		engine_cmd_reply(c, 503, "unavailable", "cannot start the reload now");
	}
}

void engine_reload(struct engine *e)
{
	if (e->closing)
		return;
	if (e->reload_busy) {
		e->reload_again = true; /* a file changed again while we were reading it */
		return;
	}
	e->reload_req.data = e;
	if (uv_queue_work(e->loop, &e->reload_req, reload_work, reload_done) == 0) {
		e->reload_busy = true;
		engine_event(e, ENGINE_EVENT_RELOADING);
	} else
		log_warnx("engine: cannot start the reload");
}
