/*
 * GET /api/v1/openapi.json: an OpenAPI 3.1 document generated from the route
 * table (paths, methods, roles, summaries, parameters) and, for monitor
 * bodies, from the configuration's key tables, so neither can drift from
 * what the server does.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "conf/conf.h"
#include "probe/probe.h"
#include "version.h"
#include "web/api.h"
#include "web/web_int.h"

/* A JSON Schema for one configuration key. */
static json_t *key_schema(const struct conf_key *k)
{
	json_t *s = json_object(), *names;
	size_t i;

	switch (k->type) {
	case CONF_BOOL:
		json_object_set_new(s, "type", json_string("boolean"));
		break;
	case CONF_INT:
		json_object_set_new(s, "type", json_string("integer"));
		if (k->min != 0 || k->max != 0) {
			json_object_set_new(s, "minimum", json_integer(k->min));
			json_object_set_new(s, "maximum", json_integer(k->max));
		}
		break;
	case CONF_FLOAT:
		json_object_set_new(s, "type", json_string("number"));
		break;
	case CONF_DURATION:
	case CONF_SIZE:
		json_object_set_new(s, "type", json_pack("[s,s]", "string", "integer"));
		break;
	case CONF_ENUM:
		names = json_array();
		for (i = 0; k->names != NULL && k->names[i] != NULL; i++)
			json_array_append_new(names, json_string(k->names[i]));
		json_object_set_new(s, "enum", names);
		break;
	case CONF_STRLIST:
		json_object_set_new(s, "type", json_pack("[s,s]", "array", "string"));
		json_object_set_new(s, "items", json_pack("{s:s}", "type", "string"));
		break;
	case CONF_STRMAP:
		json_object_set_new(s, "type", json_string("object"));
		json_object_set_new(s, "additionalProperties",
		                    json_pack("{s:s}", "type", "string"));
		break;
	case CONF_SECTION:
	case CONF_LIST:
	case CONF_CUSTOM:
		json_object_set_new(s, "type",
		                    json_string(k->type == CONF_LIST ? "array" : "object"));
		break;
	default: /* strings and secrets */
		json_object_set_new(s, "type", json_string("string"));
	}
	if (k->help != NULL)
		json_object_set_new(s, "description", json_string(k->help));
	return s;
}

static void add_keys(json_t *props, json_t *required, const struct conf_spec *spec,
                     const char *type)
{
	const struct conf_key *k;

	for (k = spec->keys; k->name != NULL; k++) {
		json_t *s = key_schema(k);

		if (type != NULL) /* a type's own key */
			json_object_set_new(s, "x-vigil-type", json_string(type));
		json_object_set_new(props, k->name, s);
		if (required != NULL && (k->flags & CONF_REQUIRED))
			json_array_append_new(required, json_string(k->name));
		if (k->type == CONF_SECRET) /* KEY_file is the configuration file's only */
			json_object_set_new(s, "writeOnly", json_true());
	}
}

/* The monitor body: the common keys plus every type's (marked x-vigil-type). */
static json_t *monitor_schema(void)
{
	json_t *props = json_object(), *required = json_array(), *types = json_array();
	size_t i;

	add_keys(props, required, &conf_monitor_spec, NULL);
	for (i = 0; probe_types[i] != NULL; i++) {
		add_keys(props, NULL, probe_types[i]->spec, probe_types[i]->name);
		json_array_append_new(types, json_string(probe_types[i]->name));
	}
	json_object_set_new(json_object_get(props, "type"), "enum", types);
	return json_pack("{s:s,s:s,s:o,s:o,s:b}", "type", "object", "description",
	                 "A monitor: the keys of an item of monitors: in the configuration "
	                 "file. Keys marked x-vigil-type belong to that type only.",
	                 "properties", props, "required", required, "additionalProperties", 0);
}

static json_t *components(void)
{
	json_t *error = json_pack(
	        "{s:s,s:{s:{s:s,s:{s:{s:s},s:{s:s},s:{s:s,s:{s:s}}},s:[s,s]}},s:[s]}", "type",
	        "object", "properties", "error", "type", "object", "properties", "code", "type",
	        "string", "message", "type", "string", "errors", "type", "array", "items", "type",
	        "object", "required", "code", "message", "required", "error");

	return json_pack("{s:{s:{s:s,s:s}},s:{s:o,s:o}}", "securitySchemes", "bearer", "type",
	                 "http", "scheme", "bearer", "schemas", "Error", error, "Monitor",
	                 monitor_schema());
}

static json_t *error_response(const char *what)
{
	return json_pack("{s:s,s:{s:{s:{s:s}}}}", "description", what, "content",
	                 "application/json", "schema", "$ref", "#/components/schemas/Error");
}

/* Path parameters from the {name} captures of PATTERN. */
static void path_params(const char *pattern, json_t *params)
{
	const char *p = pattern, *end;

	while ((p = strchr(p, '{')) != NULL && (end = strchr(p, '}')) != NULL) {
		json_array_append_new(params, json_pack("{s:s%,s:s,s:b,s:{s:s}}", "name", p + 1,
		                                        (size_t)(end - p - 1), "in", "path",
		                                        "required", 1, "schema", "type", "string"));
		p = end + 1;
	}
}

/* Query parameters from the route's space-separated list. */
static void query_params(const char *query, json_t *params)
{
	const char *p = query;

	while (p != NULL && *p) {
		size_t len = strcspn(p, " ");

		if (len > 0)
			json_array_append_new(params,
			                      json_pack("{s:s%,s:s,s:{s:s}}", "name", p, len, "in",
			                                "query", "schema", "type", "string"));
		p += len;
		p += strspn(p, " ");
	}
}

static json_t *operation(const struct route *r, size_t index)
{
	json_t *op, *params = json_array(), *responses = json_object();
	char opid[160];
	const char *p;
	size_t n = 0;

	for (p = r->method; *p && n + 1 < sizeof(opid); p++)
		opid[n++] = (char)(*p | 0x20);
	for (p = r->pattern; *p && n + 1 < sizeof(opid); p++)
		opid[n++] = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ? *p : '_';
	opid[n] = '\0';
	path_params(r->pattern, params);
	query_params(r->query, params);
	json_object_set_new(responses, strcmp(r->method, "POST") == 0 && r->body ? "201" : "200",
	                    json_pack("{s:s}", "description", "success"));
	json_object_set_new(responses, "4XX", error_response("the request was refused"));
	if (r->role != ROLE_PUBLIC) {
		json_object_set_new(responses, "401",
		                    error_response("no token, or an unknown one"));
		json_object_set_new(responses, "403",
		                    error_response("the token's role is too low"));
	}
	op = json_pack("{s:s,s:s,s:s,s:o,s:o,s:I}", "operationId", opid, "summary", r->summary,
	               "x-vigil-role", auth_role_str(r->role), "parameters", params, "responses",
	               responses, "x-vigil-route", (json_int_t)index);
	if (r->role != ROLE_PUBLIC)
		json_object_set_new(op, "security", json_pack("[{s:[]}]", "bearer"));
	if (r->body != NULL)
		json_object_set_new(op, "requestBody",
		                    json_pack("{s:b,s:{s:{s:o}}}", "required", 1, "content",
		                              "application/json", "schema",
		                              strcmp(r->body, "monitor") == 0
		                                      ? json_pack("{s:s}", "$ref",
		                                                  "#/components/schemas/Monitor")
		                                      : json_pack("{s:s,s:s}", "type", "object",
		                                                  "description", r->body)));
	return op;
}

json_t *openapi_document(const struct route *routes, size_t n)
{
	json_t *paths = json_object();
	size_t i;

	for (i = 0; i < n; i++) {
		json_t *item = json_object_get(paths, routes[i].pattern);
		char method[16];
		size_t j;

		if (item == NULL) {
			item = json_object();
			json_object_set_new(paths, routes[i].pattern, item);
		}
		for (j = 0; routes[i].method[j] && j + 1 < sizeof(method); j++)
			method[j] = (char)(routes[i].method[j] | 0x20);
		method[j] = '\0';
		json_object_set_new(item, method, operation(&routes[i], i));
	}
	return json_pack("{s:s,s:{s:s,s:s,s:s},s:o,s:o}", "openapi", "3.1.0", "info", "title",
	                 "Vigil", "version", VIGIL_VERSION, "description",
	                 "Health monitoring: health endpoints, monitors, host metrics and "
	                 "management. Roles: viewer < operator < admin (x-vigil-role).",
	                 "paths", paths, "components", components());
}

void handle_openapi(struct web_request *req, struct web_reply *rep)
{
	api_reply_json(req, rep, 200, openapi_document(req->web->routes, req->web->nroutes));
	rep->cache_control = "public, max-age=3600";
}
