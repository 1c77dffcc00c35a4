/*
 * Pings of push monitors (public: the token in the URL is the credential):
 * GET or POST /api/v1/push/{token}[/start|/fail|/{exit_code}]. An unknown
 * token, or a malformed ping, is a plain 404 that says nothing about which
 * tokens exist, and counts as bad input for the client's address.
 */
#include <jansson.h>
#include <string.h>

#include "probe/push.h"
#include "util/xmalloc.h"
#include "web/api.h"
#include "web/security.h"
#include "web/web_int.h"

#define PUSH_TOKEN_MAX 127

static void not_found(struct web_reply *rep)
{
	reply_json_error(rep, 404, "not_found", "no push monitor has this token");
	rep->violation = VIOLATION_BAD_INPUT + 1;
}

static void finish_push(struct web_request *req, struct web_reply *rep, struct engine_cmd *cmd)
{
	if (cmd->status == 404) {
		not_found(rep);
		return;
	}
	if (cmd->status >= 400) {
		reply_cmd_error(rep, cmd);
		if (cmd->status == 429)
			rep->retry_after = 1;
		return;
	}
	api_reply_json(req, rep, 200,
	               json_pack("{s:s,s:s}", "monitor", cmd->id, "recorded", cmd->message));
}

void handle_push(struct web_request *req, struct web_reply *rep)
{
	const char *token = route_param(&req->params, "token");
	const char *what = route_param(&req->params, "what");
	enum push_kind kind;
	struct web_call *call;
	int code;

	if (token == NULL || strlen(token) > PUSH_TOKEN_MAX ||
	    push_kind_parse(what, &kind, &code) < 0) {
		not_found(rep);
		return;
	}
	if (req->body_len > PUSH_BODY_MAX) {
		reply_json_error(rep, 413, "payload_too_large", "a ping's body is at most %d bytes",
		                 PUSH_BODY_MAX);
		return;
	}
	call = web_defer(req, rep, ENGINE_CMD_PUSH, token, finish_push);
	call->cmd.args = json_pack("{s:i,s:i}", "kind", (int)kind, "exit_code", code);
	if (req->body_len > 0) {
		call->cmd.data = xmalloc(req->body_len);
		memcpy(call->cmd.data, req->body, req->body_len);
		call->cmd.data_len = req->body_len;
	}
}
