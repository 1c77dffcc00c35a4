/* Route matching: method + path pattern ("/api/v1/monitors/{id}") to a route. */
#ifndef VIGIL_WEB_ROUTER_H
#define VIGIL_WEB_ROUTER_H

#include <stddef.h>

#include "conf/conf.h"

struct web_request;
struct web_reply;

#define ROUTE_MAX_PARAMS 4
#define ROUTE_PARAM_MAX  256

typedef void (*route_handler)(struct web_request *req, struct web_reply *rep);

struct route {
	const char *method;  /* "GET", "POST", "PATCH", "DELETE" (GET also answers HEAD) */
	const char *pattern; /* literal segments and {name} captures */
	enum auth_role role; /* least role allowed; ROLE_PUBLIC needs no token */
	route_handler handler;
	const char *summary; /* one line, for the API reference */
	const char *query;   /* its query parameters, space-separated (OpenAPI) */
	const char *body;    /* its JSON body: "monitor", or what it is in words; NULL none */
};

struct route_params {
	size_t n;
	const char *names[ROUTE_MAX_PARAMS]; /* point into the pattern (up to '}') */
	size_t name_lens[ROUTE_MAX_PARAMS];
	char values[ROUTE_MAX_PARAMS][ROUTE_PARAM_MAX];
};

enum router_result { ROUTER_MATCH, ROUTER_NOT_FOUND, ROUTER_BAD_METHOD, ROUTER_BAD_PATH };

/*
 * Finds the route for METHOD and PATH in TABLE (N routes). On ROUTER_MATCH,
 * *OUT and PARAMS are set. On ROUTER_BAD_METHOD the path exists for other
 * methods, listed in ALLOW ("GET, HEAD, POST"). ROUTER_BAD_PATH: the path has
 * "." or ".." segments, empty segments or control bytes. One trailing slash
 * is ignored.
 */
enum router_result router_match(const struct route *table, size_t n, const char *method,
                                const char *path, const struct route **out,
                                struct route_params *params, char *allow, size_t allowlen);

/* The value captured for NAME, or NULL. */
const char *route_param(const struct route_params *p, const char *name);

#endif
