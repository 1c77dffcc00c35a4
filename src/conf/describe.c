/* The config reference, generated from the command table (docs and `vigil config keys`). */
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "probe/probe.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define P(expr) (void)!(expr)

static void type_name(const struct conf_key *k, struct buf *out)
{
	char lo[32], hi[32];
	size_t i;

	switch (k->type) {
	case CONF_STRING:
		P(buf_puts(out, "string"));
		return;
	case CONF_SECRET:
		P(buf_printf(out, "secret string (or `%s_file: PATH`)", k->name));
		return;
	case CONF_BOOL:
		P(buf_puts(out, "boolean"));
		return;
	case CONF_FLOAT:
		P(buf_puts(out, "number"));
		if (k->fmin != 0 || k->fmax != 0)
			P(buf_printf(out, ", %g..%g", k->fmin, k->fmax));
		return;
	case CONF_ENUM:
		P(buf_puts(out, "one of "));
		for (i = 0; k->names[i] != NULL; i++)
			P(buf_printf(out, "%s`%s`", i ? ", " : "", k->names[i]));
		return;
	case CONF_STRLIST:
		P(buf_puts(out, "list of strings"));
		return;
	case CONF_STRMAP:
		P(buf_puts(out, "mapping of strings"));
		return;
	case CONF_SECTION:
		P(buf_puts(out, "section"));
		return;
	case CONF_LIST:
		P(buf_puts(out, "list of mappings"));
		return;
	case CONF_CUSTOM:
		P(buf_puts(out, "list of mappings"));
		return;
	case CONF_INT:
		P(buf_puts(out, "integer"));
		break;
	case CONF_DURATION:
		P(buf_puts(out, "duration"));
		break;
	case CONF_SIZE:
		P(buf_puts(out, "size"));
		break;
	}
	if (k->min != 0 || k->max != 0) {
		struct conf_key bound = *k;

		bound.type = k->type;
		if (k->type == CONF_INT) {
			snprintf(lo, sizeof(lo), "%lld", (long long)k->min);
			snprintf(hi, sizeof(hi), "%lld", (long long)k->max);
		} else {
			struct buf a, b;
			int64_t min = k->min, max = k->max;

			buf_init(&a, 0);
			buf_init(&b, 0);
			conf_print_value(&bound, &min, &a);
			conf_print_value(&bound, &max, &b);
			snprintf(lo, sizeof(lo), "%s", a.data ? a.data : "");
			snprintf(hi, sizeof(hi), "%s", b.data ? b.data : "");
			buf_free(&a);
			buf_free(&b);
		}
		P(buf_printf(out, ", %s..%s", lo, hi));
	}
}

static void default_value(const struct conf_key *k, const void *obj, struct buf *out)
{
	struct buf v;

	if (k->type == CONF_SECTION || k->type == CONF_LIST || k->type == CONF_CUSTOM) {
		P(buf_puts(out, k->type == CONF_SECTION ? "" : "`[]`"));
		return;
	}
	buf_init(&v, 0);
	conf_print_value(k, (const char *)obj + k->offset, &v);
	if (v.len == 0 || strcmp(v.data, "null") == 0 || strcmp(v.data, "[]") == 0 ||
	    strcmp(v.data, "{}") == 0)
		P(buf_printf(out, v.len && strcmp(v.data, "null") != 0 ? "`%s`" : "none", v.data));
	else
		P(buf_printf(out, "`%s`", v.data));
	buf_free(&v);
}

static void describe_spec(const struct conf_spec *spec, const char *prefix, struct buf *out);
static void describe_obj(const struct conf_spec *spec, const void *obj, const char *prefix,
                         struct buf *out);

/* The common monitor keys, then each type's keys. */
static void describe_monitors(const char *path, struct buf *out)
{
	char *item = xasprintf("%s[]", path);
	size_t i;

	describe_spec(&conf_monitor_spec, item, out);
	for (i = 0; probe_types[i] != NULL; i++) {
		char *typed = xasprintf("%s[] (type: %s)", path, probe_types[i]->name);

		describe_spec(probe_types[i]->spec, typed, out);
		free(typed);
	}
	free(item);
}

/* Describes SPEC's keys with the defaults found in OBJ (already initialized). */
static void describe_obj(const struct conf_spec *spec, const void *obj, const char *prefix,
                         struct buf *out)
{
	const struct conf_key *k;

	for (k = spec->keys; k->name != NULL; k++) {
		char *path = xasprintf("%s%s%s", prefix, *prefix ? "." : "", k->name);

		P(buf_printf(out, "| `%s` | ", path));
		type_name(k, out);
		P(buf_puts(out, " | "));
		default_value(k, obj, out);
		P(buf_printf(out, " | %s%s |\n", k->help ? k->help : "",
		             k->flags & CONF_REQUIRED  ? " (required)"
		             : k->flags & CONF_RESTART ? " (needs a restart to change)"
		                                       : ""));
		if (k->type == CONF_SECTION) {
			describe_obj(k->spec, (const char *)obj + k->offset, path, out);
		} else if (k->type == CONF_CUSTOM && k->spec == &conf_monitor_spec) {
			describe_monitors(path, out);
		} else if (k->type == CONF_LIST) {
			char *item = xasprintf("%s[]", path);

			describe_spec(k->spec, item, out);
			free(item);
		}
		free(path);
	}
}

/* Describes SPEC with the defaults of a fresh object. */
static void describe_spec(const struct conf_spec *spec, const char *prefix, struct buf *out)
{
	void *obj = xcalloc(1, spec->size);

	conf_init(spec, obj);
	describe_obj(spec, obj, prefix, out);
	conf_free(spec, obj);
	free(obj);
}

char *conf_describe(void)
{
	struct buf out;

	buf_init(&out, 0);
	P(buf_puts(&out, "| key | type | default | description |\n|---|---|---|---|\n"));
	describe_spec(&conf_root_spec, "", &out);
	return buf_steal(&out);
}
