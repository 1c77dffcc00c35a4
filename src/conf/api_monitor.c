/*
 * Monitors sent to the API: a JSON object with the keys a monitor has in the
 * configuration file, decoded by the same command table so both accept and
 * refuse exactly the same things, with errors located by JSON path.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "probe/probe.h"
#include "util/xmalloc.h"

#define WRAP_HEAD "{\"monitors\":["
#define WRAP_TAIL "]}"
#define ITEM_PATH "monitors[0]"

/* "monitors[0].url" -> "$.url", "monitors[0]" or "" -> "$". */
static void json_paths(struct conf_diag *d, size_t from)
{
	size_t i, n = strlen(ITEM_PATH);

	for (i = from; i < d->n; i++) {
		const char *p = d->paths[i];
		char *np;

		if (strncmp(p, ITEM_PATH, n) == 0)
			p += n;
		np = xasprintf("$%s%s", *p && *p != '.' && *p != '[' ? "." : "", p);
		free(d->paths[i]);
		d->paths[i] = np;
	}
}

static const char *json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

static void type_error(struct conf_diag *d, const char *path, const char *want, const json_t *v)
{
	size_t at = d->n;

	conf_diag_add(d, "expected %s, got %s", want, json_kind(v));
	free(d->paths[at]);
	d->paths[at] = xstrdup(path);
}

static void check_object(json_t *obj, const struct conf_spec *const *specs, size_t n,
                         const char *path, struct conf_diag *d);

/* The JSON type of V must be what key K's type reads; null means "the default". */
static void check_value(const struct conf_key *k, json_t *v, const char *path, struct conf_diag *d)
{
	const struct conf_spec *one[1] = { k->spec };
	size_t i;
	char sub[600];

	if (json_is_null(v))
		return;
	switch (k->type) {
	case CONF_STRING:
	case CONF_SECRET:
	case CONF_ENUM:
		if (!json_is_string(v))
			type_error(d, path, "a string", v);
		break;
	case CONF_BOOL:
		if (!json_is_boolean(v))
			type_error(d, path, "a boolean", v);
		break;
	case CONF_INT:
		if (!json_is_integer(v))
			type_error(d, path, "an integer", v);
		break;
	case CONF_FLOAT:
		if (!json_is_number(v))
			type_error(d, path, "a number", v);
		break;
	case CONF_DURATION:
	case CONF_SIZE:
		if (!json_is_string(v) && !json_is_integer(v))
			type_error(d, path,
			           k->type == CONF_DURATION ? "a duration like \"30s\""
			                                    : "a size like \"64KiB\"",
			           v);
		break;
	case CONF_STRLIST:
		if (json_is_string(v))
			break;
		if (!json_is_array(v)) {
			type_error(d, path, "an array of strings", v);
			break;
		}
		for (i = 0; i < json_array_size(v); i++)
			if (!json_is_string(json_array_get(v, i))) {
				snprintf(sub, sizeof(sub), "%.500s[%zu]", path, i);
				type_error(d, sub, "a string", json_array_get(v, i));
			}
		break;
	case CONF_STRMAP:
		if (!json_is_object(v)) {
			type_error(d, path, "an object of strings", v);
			break;
		}
		{
			const char *key;
			json_t *x;

			json_object_foreach(v, key, x) if (!json_is_string(x))
			{
				snprintf(sub, sizeof(sub), "%.500s.%.80s", path, key);
				type_error(d, sub, "a string", x);
			}
		}
		break;
	case CONF_SECTION:
		if (!json_is_object(v))
			type_error(d, path, "an object", v);
		else if (k->spec != NULL)
			check_object(v, one, 1, path, d);
		break;
	case CONF_LIST:
		if (!json_is_array(v)) {
			type_error(d, path, "an array", v);
			break;
		}
		for (i = 0; i < json_array_size(v) && k->spec != NULL; i++) {
			snprintf(sub, sizeof(sub), "%.500s[%zu]", path, i);
			if (!json_is_object(json_array_get(v, i)))
				type_error(d, sub, "an object", json_array_get(v, i));
			else
				check_object(json_array_get(v, i), one, 1, sub, d);
		}
		break;
	default:
		break;
	}
}

/* Type-checks the keys of OBJ known to SPECS; unknown keys are the decoder's to report. */
static void check_object(json_t *obj, const struct conf_spec *const *specs, size_t n,
                         const char *path, struct conf_diag *d)
{
	const char *key;
	json_t *v;
	char sub[600];
	size_t i;

	json_object_foreach(obj, key, v)
	{
		for (i = 0; i < n; i++) {
			const struct conf_key *k;

			for (k = specs[i]->keys; k->name != NULL; k++)
				if (strcmp(k->name, key) == 0)
					break;
			if (k->name == NULL)
				continue;
			snprintf(sub, sizeof(sub), "%.500s.%.80s", path, key);
			check_value(k, v, sub, d);
			break;
		}
	}
}

static void body_error(struct conf_diag *d, const char *msg)
{
	size_t at = d->n;

	conf_diag_add(d, "%s", msg);
	json_paths(d, at);
}

static void copy_list(struct conf_strlist *to, const struct conf_strlist *from)
{
	size_t i;

	to->v = xcalloc(from->n + 1, sizeof(*to->v));
	for (i = 0; i < from->n; i++)
		to->v[i] = xstrdup(from->v[i]);
	to->n = from->n;
}

/* The monitor runs under BASE's SSRF policy, copied into its own config. */
static void take_policy(struct vigil_config *cfg, const struct conf_security *base)
{
	struct conf_targets *t = &cfg->security.targets;

	t->allow_internal = base->targets.allow_internal;
	copy_list(&t->allow, &base->targets.allow);
	copy_list(&t->deny, &base->targets.deny);
	cfg->monitors.v[0].targets = t;
}

struct vigil_config *conf_api_monitor(const char *text, size_t len,
                                      const struct vigil_config *base_cfg, struct conf_diag *diag)
{
	const struct conf_security *base = &base_cfg->security;
	struct vigil_config *cfg;
	json_error_t jerr;
	json_t *obj;
	char *canon, *wrapped, where[JSON_ERROR_TEXT_LENGTH + 64];
	size_t at = diag->n;

	obj = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (obj == NULL) {
		snprintf(where, sizeof(where),
		         "the body is not valid JSON (line %d, column %d: %s)", jerr.line,
		         jerr.column, jerr.text);
		body_error(diag, where);
		return NULL;
	}
	if (!json_is_object(obj)) {
		json_decref(obj);
		body_error(diag, "the body must be a JSON object of monitor keys");
		return NULL;
	}
	/* JSON types first: YAML would read 5 as "5" where a string is wanted */
	{
		const struct conf_spec *specs[2] = { &conf_monitor_spec, NULL };
		const char *type = json_string_value(json_object_get(obj, "type"));
		const struct probe_type *t = type ? probe_type_find(type) : NULL;
		size_t n = 1;

		if (t != NULL)
			specs[n++] = t->spec;
		if (type != NULL &&
		    (strcmp(type, "command") == 0 || strcmp(type, "file") == 0 ||
		     strcmp(type, "process") == 0) &&
		    !base->allow_api_commands) {
			conf_diag_add(
			        diag,
			        "command, file and process monitors run programs or look into "
			        "this machine: they can be made through the API only with "
			        "security.allow_api_commands");
			free(diag->paths[diag->n - 1]);
			diag->paths[diag->n - 1] = xstrdup("$.type");
		}
		check_object(obj, specs, n, "$", diag);
		if (diag->n > at) {
			json_decref(obj);
			return NULL;
		}
	}
	/*
	 * Re-serialized, the text cannot close the wrapper early: what the YAML
	 * decoder sees is exactly one monitor.
	 */
	canon = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(obj);
	if (canon == NULL) {
		body_error(diag, "the body cannot be encoded again as JSON");
		return NULL;
	}
	wrapped = xasprintf(WRAP_HEAD "%s" WRAP_TAIL, canon);
	cfg = conf_load_text("body", wrapped, strlen(wrapped), true, diag);
	free(wrapped);
	if (cfg == NULL) {
		json_paths(diag, at);
		free(canon);
		return NULL;
	}
	conf_check_alert_channels(cfg, &base_cfg->alerting, "body", diag);
	if (diag->n > at) {
		json_paths(diag, at);
		conf_unref(cfg);
		free(canon);
		return NULL;
	}
	conf_secure_monitors(cfg, &base->secret_params);
	take_policy(cfg, base);
	cfg->api_body = canon;
	return cfg;
}
