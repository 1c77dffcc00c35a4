/* Deferred requests: a handler hands a command to the engine and answers later. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/xmalloc.h"
#include "web/web_int.h"

struct web_call *
web_defer(struct web_request *req, struct web_reply *rep, enum engine_cmd_kind kind, const char *id,
          void (*finish)(struct web_request *req, struct web_reply *rep, struct engine_cmd *cmd))
{
	struct web_call *call = xcalloc(1, sizeof(*call));

	call->cmd.kind = kind;
	snprintf(call->cmd.id, sizeof(call->cmd.id), "%s", id ? id : "");
	snprintf(call->cmd.who, sizeof(call->cmd.who), "%s",
	         req->who.name ? req->who.name : "a token");
	call->finish = finish;
	call->web = req->web;
	atomic_init(&call->refs, 2);
	rep->call = call;
	return call;
}

void web_call_unref(struct web_call *call)
{
	if (call == NULL || atomic_fetch_sub(&call->refs, 1) != 1)
		return;
	engine_cmd_clear(&call->cmd);
	free(call);
}

void reply_cmd_error(struct web_reply *rep, const struct engine_cmd *cmd)
{
	json_t *err = json_pack("{s:s,s:s}", "code", cmd->code[0] ? cmd->code : "error", "message",
	                        cmd->message);
	json_t *list;
	char *text;
	size_t i;

	if (err == NULL) { /* invalid UTF-8 in the message */
		reply_json_error(rep, cmd->status, "error", "the request failed");
		return;
	}
	if (cmd->diag.n > 0) {
		list = json_array();
		for (i = 0; i < cmd->diag.n; i++)
			json_array_append_new(list,
			                      json_pack("{s:s?}", "message", cmd->diag.msgs[i]));
		json_object_set_new(err, "errors", list);
	}
	err = json_pack("{s:o}", "error", err);
	text = json_dumps(err, API_JSON_FLAGS);
	json_decref(err);
	reply_json(rep, cmd->status, text ? text : xasprintf("{\"error\":{\"code\":\"error\"}}"));
	rep->cache_control = "no-store";
}
