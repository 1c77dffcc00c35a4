/*
 * Changing monitors through the API (operator): create, patch, delete, run
 * now, pause, resume. Bodies are decoded here, on the HTTP thread, by the
 * configuration's own command table; the change itself is a command to the
 * engine, answered once it is in effect and saved.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "engine/snapshot.h"
#include "web/api.h"
#include "web/web_int.h"

/* 400 listing every error of a monitor body with its JSON path; the first in words. */
static void reply_invalid(struct web_request *req, struct web_reply *rep, const struct conf_diag *d)
{
	json_t *list = json_array();
	size_t i;

	for (i = 0; i < d->n; i++)
		json_array_append_new(
		        list, json_pack("{s:s,s:s}", "path", d->paths[i], "message", d->texts[i]));
	api_reply_json(req, rep, 400,
	               json_pack("{s:{s:s,s:o,s:o}}", "error", "code", "invalid_monitor", "message",
	                         d->n > 0 ? json_sprintf("%s: %s", d->paths[0], d->texts[0])
	                                  : json_string("invalid monitor"),
	                         "errors", list));
}

/* Decodes BODY as a monitor, or answers 400 and returns NULL. */
static struct vigil_config *decode(struct web_request *req, struct web_reply *rep, const char *body,
                                   size_t len)
{
	struct conf_diag d = { 0 };
	struct vigil_config *cfg = conf_api_monitor(body, len, req->snap->config, &d);

	if (cfg == NULL)
		reply_invalid(req, rep, &d);
	conf_diag_free(&d);
	return cfg;
}

/* The answer to a change: the monitor as it is now, or the command's error. */
static void finish_monitor(struct web_request *req, struct web_reply *rep, struct engine_cmd *cmd)
{
	const struct monitor_snap *m;

	if (cmd->status >= 400) {
		reply_cmd_error(rep, cmd);
		return;
	}
	m = snapshot_monitor(req->snap, cmd->id);
	if (m == NULL) /* deleted, or gone again before we could show it */
		api_reply_json(req, rep, cmd->status,
		               json_pack("{s:s,s:s}", "id", cmd->id, "message", cmd->message));
	else
		api_reply_json(req, rep, cmd->status, api_monitor_detail(m));
}

void handle_monitor_create(struct web_request *req, struct web_reply *rep)
{
	struct vigil_config *cfg = decode(req, rep, req->body, req->body_len);
	struct web_call *call;

	if (cfg == NULL)
		return;
	call = web_defer(req, rep, ENGINE_CMD_MONITOR_CREATE, NULL, finish_monitor);
	call->cmd.config = cfg;
}

/* The monitor of the path, or NULL after a 404. */
static const struct monitor_snap *path_monitor(struct web_request *req, struct web_reply *rep)
{
	const char *id = route_param(&req->params, "id");
	const struct monitor_snap *m = id ? snapshot_monitor(req->snap, id) : NULL;

	if (m == NULL)
		reply_json_error(rep, 404, "not_found", "no monitor with id \"%s\"", id ? id : "");
	return m;
}

static bool read_only(struct web_request *req, struct web_reply *rep, const struct monitor_snap *m)
{
	if (m->api != NULL)
		return false;
	reply_json_error(rep, 409, "read_only",
	                 "monitor \"%s\" is defined in the configuration file (%s) and is "
	                 "read-only through the API: change the file and reload",
	                 m->conf->id, req->snap->config->source);
	return true;
}

/* RFC 7396 JSON merge patch of PATCH into TARGET (an object); null removes a key. */
static void merge_patch(json_t *target, json_t *patch)
{
	const char *key;
	json_t *v, *cur;

	json_object_foreach(patch, key, v)
	{
		cur = json_object_get(target, key);
		if (json_is_null(v))
			json_object_del(target, key);
		else if (json_is_object(v) && json_is_object(cur))
			merge_patch(cur, v);
		else
			json_object_set(target, key, v);
	}
}

void handle_monitor_patch(struct web_request *req, struct web_reply *rep)
{
	const struct monitor_snap *m = path_monitor(req, rep);
	json_t *cur, *patch;
	json_error_t jerr;
	struct vigil_config *cfg;
	struct web_call *call;
	char *text;

	if (m == NULL || read_only(req, rep, m))
		return;
	patch = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(patch)) {
		reply_json_error(rep, 400, "invalid_monitor",
		                 "$: the body must be a JSON object of the keys to change (%s)",
		                 patch ? "not an object" : jerr.text);
		json_decref(patch);
		return;
	}
	cur = json_loads(m->api->api_body, 0, NULL);
	if (cur == NULL) {
		json_decref(patch);
		reply_json_error(rep, 500, "internal", "the stored monitor cannot be read");
		return;
	}
	merge_patch(cur, patch);
	json_decref(patch);
	text = json_dumps(cur, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(cur);
	cfg = text ? decode(req, rep, text, strlen(text)) : NULL;
	free(text);
	if (cfg == NULL)
		return;
	call = web_defer(req, rep, ENGINE_CMD_MONITOR_REPLACE, m->conf->id, finish_monitor);
	call->cmd.config = cfg;
}

void handle_monitor_delete(struct web_request *req, struct web_reply *rep)
{
	const struct monitor_snap *m = path_monitor(req, rep);

	if (m != NULL && !read_only(req, rep, m))
		web_defer(req, rep, ENGINE_CMD_MONITOR_DELETE, m->conf->id, finish_monitor);
}

static void finish_run(struct web_request *req, struct web_reply *rep, struct engine_cmd *cmd)
{
	const struct monitor_snap *m;

	if (cmd->status >= 400) {
		reply_cmd_error(rep, cmd);
		return;
	}
	m = snapshot_monitor(req->snap, cmd->id);
	if (m == NULL) {
		reply_json_error(rep, 409, "cancelled", "monitor \"%s\" is gone", cmd->id);
		return;
	}
	api_reply_json(req, rep, 200,
	               json_pack("{s:s,s:s,s:o}", "id", cmd->id, "status", status_str(m->status),
	                         "result", api_monitor_last(m)));
}

void handle_monitor_run(struct web_request *req, struct web_reply *rep)
{
	const struct monitor_snap *m = path_monitor(req, rep);

	if (m != NULL)
		web_defer(req, rep, ENGINE_CMD_MONITOR_RUN, m->conf->id, finish_run);
}

void handle_monitor_pause(struct web_request *req, struct web_reply *rep)
{
	const struct monitor_snap *m = path_monitor(req, rep);

	if (m != NULL)
		web_defer(req, rep, ENGINE_CMD_MONITOR_PAUSE, m->conf->id, finish_monitor);
}

void handle_monitor_resume(struct web_request *req, struct web_reply *rep)
{
	const struct monitor_snap *m = path_monitor(req, rep);

	if (m != NULL)
		web_defer(req, rep, ENGINE_CMD_MONITOR_RESUME, m->conf->id, finish_monitor);
}

static void finish_admin(struct web_request *req, struct web_reply *rep, struct engine_cmd *cmd)
{
	if (cmd->status >= 400) {
		reply_cmd_error(rep, cmd);
		return;
	}
	api_reply_json(req, rep, 200,
	               json_pack("{s:s,s:s}", "status", "ok", "message", cmd->message));
}

void handle_admin_reload(struct web_request *req, struct web_reply *rep)
{
	web_defer(req, rep, ENGINE_CMD_RELOAD, NULL, finish_admin);
}

void handle_admin_cache_clear(struct web_request *req, struct web_reply *rep)
{
	web_defer(req, rep, ENGINE_CMD_CACHE_CLEAR, NULL, finish_admin);
}
