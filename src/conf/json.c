/* The config as JSON (for the API), generated from the key tables, secrets masked. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>

#include "conf/conf.h"
#include "conf/value.h"
#include "probe/probe.h"
#include "util/buf.h"
#include "util/secret.h"
#include "util/url.h"

#define FIELD(obj, key) ((const char *)(obj) + (key)->offset)

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *value_json(const struct conf_key *k, const void *f)
{
	char tmp[64];
	size_t i;

	switch (k->type) {
	case CONF_STRING:
		if (*(char *const *)f != NULL && (k->flags & CONF_URL)) {
			char *shown = url_redact(*(char *const *)f, url_secret_params, NULL);
			json_t *j = json_string(shown);

			free(shown);
			return j;
		}
		return str_or_null(*(char *const *)f);
	case CONF_SECRET:
		return *(char *const *)f ? json_string(SECRET_MASK) : json_null();
	case CONF_BOOL:
		return json_boolean(*(const bool *)f);
	case CONF_INT:
		return json_integer(*(const int64_t *)f);
	case CONF_FLOAT: /* NaN: not set (a key whose default depends on another) */
		return isnan(*(const double *)f) ? json_null() : json_real(*(const double *)f);
	case CONF_DURATION:
		conf_duration_format(*(const int64_t *)f, tmp, sizeof(tmp));
		return json_string(tmp);
	case CONF_SIZE:
		conf_size_format(*(const int64_t *)f, tmp, sizeof(tmp));
		return json_string(tmp);
	case CONF_ENUM: /* below 0: not set (any) */
		return *(const int *)f >= 0 ? json_string(k->names[*(const int *)f]) : json_null();
	case CONF_STRLIST: {
		const struct conf_strlist *l = f;
		json_t *a = json_array();

		for (i = 0; i < l->n; i++)
			json_array_append_new(a, json_string(l->v[i]));
		return a;
	}
	case CONF_STRMAP: {
		const struct conf_strmap *m = f;
		json_t *o = json_object();

		for (i = 0; i < m->n; i++)
			json_object_set_new(o, m->keys[i],
			                    json_string(conf_sensitive_name(m->keys[i])
			                                        ? SECRET_MASK
			                                        : m->values[i]));
		return o;
	}
	case CONF_SECTION:
		return conf_to_json(k->spec, f);
	default:
		return json_null();
	}
}

json_t *conf_to_json(const struct conf_spec *spec, const void *obj)
{
	const struct conf_key *k;
	json_t *o = json_object();

	for (k = spec->keys; k->name != NULL; k++)
		if (k->type != CONF_LIST && k->type != CONF_CUSTOM)
			json_object_set_new(o, k->name, value_json(k, FIELD(obj, k)));
	return o;
}

json_t *conf_monitor_json(const struct monitor_conf *m)
{
	json_t *o = conf_to_json(&conf_monitor_spec, m);

	if (m->probe != NULL) {
		json_t *t = conf_to_json(m->probe->spec, m->probe_conf);

		json_object_update(o, t);
		json_decref(t);
	}
	return o;
}
