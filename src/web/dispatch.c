/* From a parsed request to a reply: routing, authorization, the handler. */
#include <stdio.h>
#include <string.h>

#include "engine/snapshot.h"
#include "web/security.h"
#include "web/web_int.h"

static void route_error(struct web_request *req, struct web_reply *rep, enum router_result r,
                        const char *allow)
{
	switch (r) {
	case ROUTER_BAD_PATH:
		reply_json_error(rep, 400, "bad_path", "the path is not a valid route path");
		break;
	case ROUTER_BAD_METHOD:
		reply_json_error(rep, 405, "method_not_allowed",
		                 "%s is not allowed here (allowed: %s)", req->method, allow);
		snprintf(rep->allow, sizeof(rep->allow), "%s", allow);
		break;
	default:
		reply_json_error(rep, 404, "not_found", "no such resource");
		break;
	}
}

static void auth_error(struct web_request *req, struct web_reply *rep, enum auth_result r)
{
	switch (r) {
	case AUTH_MISSING:
		reply_json_error(rep, 401, "unauthorized",
		                 "this resource needs a bearer token (Authorization: Bearer ...)");
		rep->www_authenticate = true;
		break;
	case AUTH_INVALID:
		reply_json_error(rep, 401, "unauthorized", "the bearer token is not valid");
		rep->www_authenticate = true;
		rep->violation = VIOLATION_AUTH_FAILURE + 1;
		break;
	default:
		rep->violation = VIOLATION_FORBIDDEN + 1;
		reply_json_error(rep, 403, "forbidden",
		                 "this resource needs the %s role (token %s is %s)",
		                 auth_role_str(req->route->role), req->who.name,
		                 auth_role_str(req->who.role));
		break;
	}
}

void web_dispatch(struct web_request *req, struct web_reply *rep)
{
	struct web *w = req->web;
	char allow[64];
	enum router_result r;
	enum auth_result a;

	rep->route_index = w->nroutes;
	r = router_match(w->routes, w->nroutes, req->method, req->path, &req->route, &req->params,
	                 allow, sizeof(allow));
	if (r != ROUTER_MATCH) {
		route_error(req, rep, r, allow);
		return;
	}
	rep->route_index = (size_t)(req->route - w->routes);
	a = auth_check(req->snap->config, req->header(req->cls, "Authorization"), req->route->role,
	               &req->who);
	if (a != AUTH_OK) {
		auth_error(req, rep, a);
		return;
	}
	req->route->handler(req, rep);
}
