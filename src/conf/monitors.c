/* The monitors section: common keys, the type's keys, conditions, ids, duplicates. */
#include "conf/monitors.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "probe/condition.h"
#include "probe/probe.h"
#include "probe/push.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define SEC(x)         ((int64_t)(x)*1000)
#define MONITOR_ID_MAX 128

size_t monitor_slug(const char *name, char *out, size_t size)
{
	size_t n = 0;
	bool dash = false;

	for (; *name && n + 1 < size; name++) {
		unsigned char c = (unsigned char)*name;

		if (isalnum(c) && c < 0x80) {
			if (dash && n > 0)
				out[n++] = '-';
			if (n + 1 < size)
				out[n++] = (char)tolower(c);
			dash = false;
		} else {
			dash = true;
		}
	}
	out[n] = '\0';
	return n;
}

const struct monitor_conf *conf_monitor_find(const struct conf_monitors *m, const char *id)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (strcmp(m->v[i].id, id) == 0)
			return &m->v[i];
	return NULL;
}

static void monitor_init(void *obj)
{
	struct monitor_conf *m = obj;

	memset(m, 0, sizeof(*m));
	m->interval = SEC(60);
	m->timeout = SEC(10);
	m->failure_threshold = 1;
	m->success_threshold = 1;
}

/* Parses each condition of LIST (the node KEY of the monitor's mapping). */
static size_t parse_conditions(struct conf_ctx *ctx, yaml_node_t *node, const char *key,
                               const struct conf_strlist *list, const char *const *placeholders,
                               struct condition ***out)
{
	yaml_node_t *seq = conf_map_get(ctx->doc, node, key);
	size_t i, n = 0;

	*out = xcalloc(list->n ? list->n : 1, sizeof(**out));
	for (i = 0; i < list->n; i++) {
		char err[256], path[64];
		int col;
		yaml_node_t *at = seq;

		if (seq != NULL && seq->type == YAML_SEQUENCE_NODE)
			at = yaml_document_get_node(ctx->doc, seq->data.sequence.items.start[i]);
		if (condition_parse(list->v[i], placeholders, &(*out)[n], err, sizeof(err), &col) ==
		    0) {
			n++;
			continue;
		}
		snprintf(path, sizeof(path), "%s[%zu]", key, i);
		{
			size_t saved = conf_path_push(ctx, path);

			conf_error(ctx, at, "column %d of \"%s\": %s", col, list->v[i], err);
			conf_path_pop(ctx, saved);
		}
	}
	return n;
}

static void monitor_finish(struct conf_ctx *ctx, yaml_node_t *node, void *obj)
{
	struct monitor_conf *m = obj;
	char id[MONITOR_ID_MAX];

	if (m->name != NULL && monitor_slug(m->name, id, sizeof(id)) == 0)
		conf_error_key(ctx, node, "name",
		               "\"%s\" has no letter or digit to make an id from", m->name);
	else if (m->name != NULL)
		m->id = xstrdup(id);
	if (m->timeout > m->interval && conf_map_get(ctx->doc, node, "timeout") == NULL)
		m->timeout = m->interval; /* the default timeout never exceeds the interval */
	if (m->timeout > m->interval)
		conf_error_key(ctx, node, "timeout",
		               "%lld ms is longer than the interval (%lld ms)",
		               (long long)m->timeout, (long long)m->interval);
	if (m->probe == NULL)
		return;
	m->ncond = parse_conditions(ctx, node, "conditions", &m->conditions, m->probe->placeholders,
	                            &m->cond);
	m->ndegr = parse_conditions(ctx, node, "degraded_if", &m->degraded_if,
	                            m->probe->placeholders, &m->degr);
}

static void monitor_cleanup(void *obj)
{
	struct monitor_conf *m = obj;
	size_t i;

	for (i = 0; i < m->ncond; i++)
		condition_free(m->cond[i]);
	for (i = 0; i < m->ndegr; i++)
		condition_free(m->degr[i]);
	free(m->cond);
	free(m->degr);
	if (m->probe != NULL && m->probe_conf != NULL) {
		conf_free(m->probe->spec, m->probe_conf);
		free(m->probe_conf);
	}
	free(m->id);
	free(m->fingerprint);
	m->cond = m->degr = NULL;
	m->probe_conf = NULL;
	m->id = m->fingerprint = NULL;
}

static int check_type(struct conf_ctx *ctx, yaml_node_t *node, void *field)
{
	const char *name = *(char **)field;
	const char *names[16], *hint;
	size_t n = 0;

	if (probe_type_find(name) != NULL)
		return 0;
	while (probe_types[n] != NULL && n < 16) {
		names[n] = probe_types[n]->name;
		n++;
	}
	hint = conf_suggest(name, names, n);
	conf_error(ctx, node, "unknown monitor type \"%s\"%s%s%s", name,
	           hint ? "; did you mean \"" : "", hint ? hint : "", hint ? "\"?" : "");
	return -1;
}

static const char *const incident_modes[] = { "default", "auto", "off", NULL };

static void alerts_init(void *obj)
{
	struct monitor_alerts *a = obj;

	a->enabled = true;
	a->severity = -1;
}

static const struct conf_key alerts_keys[] = {
	{ .name = "enabled",
	  .type = CONF_BOOL,
	  .offset = offsetof(struct monitor_alerts, enabled),
	  .help = "false: this monitor never alerts (its status still changes)" },
	{ .name = "channels",
	  .type = CONF_STRLIST,
	  .offset = offsetof(struct monitor_alerts, channels),
	  .help = "where its alerts go (default: alerting.channels_on)" },
	{ .name = "severity",
	  .type = CONF_ENUM,
	  .offset = offsetof(struct monitor_alerts, severity),
	  .names = alert_severity_names,
	  .help = "the severity of its down alert (default: alerting.severity)" },
	{ .name = "degraded",
	  .type = CONF_BOOL,
	  .offset = offsetof(struct monitor_alerts, degraded),
	  .help = "also alert (as warning) when it becomes degraded" },
	{ .name = "cert_days",
	  .type = CONF_INT,
	  .offset = offsetof(struct monitor_alerts, cert_days),
	  .min = 0,
	  .max = 3650,
	  .help = "alert (warning) while its TLS certificate expires within this many days "
	          "(0: never)" },
	{ 0 },
};

static const struct conf_spec alerts_spec = {
	.name = "alerts",
	.size = sizeof(struct monitor_alerts),
	.keys = alerts_keys,
	.init = alerts_init,
};

static const struct conf_key monitor_keys[] = {
	{ .name = "name",
	  .type = CONF_STRING,
	  .offset = offsetof(struct monitor_conf, name),
	  .flags = CONF_REQUIRED,
	  .help = "unique name; its id (a slug of it) appears in URLs" },
	{ .name = "type",
	  .type = CONF_STRING,
	  .offset = offsetof(struct monitor_conf, type),
	  .flags = CONF_REQUIRED,
	  .parse = check_type,
	  .help = "http or tcp" },
	{ .name = "group",
	  .type = CONF_STRING,
	  .offset = offsetof(struct monitor_conf, group),
	  .help = "group shown on the status page" },
	{ .name = "description",
	  .type = CONF_STRING,
	  .offset = offsetof(struct monitor_conf, description),
	  .help = "free text" },
	{ .name = "interval",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct monitor_conf, interval),
	  .min = 100,
	  .max = SEC(86400),
	  .help = "time between checks" },
	{ .name = "timeout",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct monitor_conf, timeout),
	  .min = 10,
	  .max = SEC(3600),
	  .help = "time a check may take (at most the interval; default 10s or the interval if "
	          "shorter)" },
	{ .name = "retries",
	  .type = CONF_INT,
	  .offset = offsetof(struct monitor_conf, retries),
	  .min = 0,
	  .max = 10,
	  .help = "extra attempts, at once, before a failure counts" },
	{ .name = "failure_threshold",
	  .type = CONF_INT,
	  .offset = offsetof(struct monitor_conf, failure_threshold),
	  .min = 1,
	  .max = 100,
	  .help = "consecutive failed checks before the monitor is down" },
	{ .name = "success_threshold",
	  .type = CONF_INT,
	  .offset = offsetof(struct monitor_conf, success_threshold),
	  .min = 1,
	  .max = 100,
	  .help = "consecutive successful checks before a down monitor is up again" },
	{ .name = "conditions",
	  .type = CONF_STRLIST,
	  .offset = offsetof(struct monitor_conf, conditions),
	  .help = "all must hold, e.g. [\"[STATUS] == 200\", \"[BODY].status == ok\"]" },
	{ .name = "degraded_if",
	  .type = CONF_STRLIST,
	  .offset = offsetof(struct monitor_conf, degraded_if),
	  .help = "any that holds makes the result degraded, e.g. [\"[RESPONSE_TIME] > 300ms\"]" },
	{ .name = "public",
	  .type = CONF_BOOL,
	  .offset = offsetof(struct monitor_conf, public),
	  .help = "shown on the public status page" },
	{ .name = "critical",
	  .type = CONF_BOOL,
	  .offset = offsetof(struct monitor_conf, critical),
	  .help = "a component of GET /health: down fails it, degraded warns" },
	{ .name = "incident",
	  .type = CONF_ENUM,
	  .offset = offsetof(struct monitor_conf, incident),
	  .names = incident_modes,
	  .help = "auto: an incident opens when it goes down and resolves when it recovers; "
	          "off: never (default: auto for public monitors)" },
	{ .name = "alerts",
	  .type = CONF_SECTION,
	  .offset = offsetof(struct monitor_conf, alerts),
	  .spec = &alerts_spec,
	  .help = "how this monitor alerts: enabled, channels, severity, degraded, cert_days" },
	{ 0 },
};

const struct conf_spec conf_monitor_spec = {
	.name = "monitor",
	.size = sizeof(struct monitor_conf),
	.keys = monitor_keys,
	.init = monitor_init,
	.finish = monitor_finish,
	.cleanup = monitor_cleanup,
};

/* Reads the type of one monitor mapping before decoding it. */
static const struct probe_type *peek_type(struct conf_ctx *ctx, yaml_node_t *node)
{
	yaml_node_t *t = conf_map_get(ctx->doc, node, "type");

	if (t == NULL || t->type != YAML_SCALAR_NODE)
		return NULL;
	return probe_type_find((const char *)t->data.scalar.value);
}

static void print_monitor(const struct monitor_conf *m, struct buf *out, int indent)
{
	conf_print(&conf_monitor_spec, m, out, indent);
	if (m->probe != NULL)
		conf_print(m->probe->spec, m->probe_conf, out, indent);
}

static void decode_monitor(struct conf_ctx *ctx, yaml_node_t *node, struct monitor_conf *m)
{
	const struct conf_spec *specs[2] = { &conf_monitor_spec, NULL };
	void *objs[2] = { m, NULL };
	struct buf fp;
	size_t n = 1;

	conf_init(&conf_monitor_spec, m);
	m->probe = node && node->type == YAML_MAPPING_NODE ? peek_type(ctx, node) : NULL;
	if (m->probe != NULL) {
		m->probe_conf = xcalloc(1, m->probe->spec->size);
		conf_init(m->probe->spec, m->probe_conf);
		specs[1] = m->probe->spec;
		objs[1] = m->probe_conf;
		n = 2;
	}
	conf_decode_multi(ctx, node, specs, objs, n);
	buf_init(&fp, 0);
	print_monitor(m, &fp, 0);
	m->fingerprint = buf_steal(&fp);
}

static void check_unique(struct conf_ctx *ctx, yaml_node_t *seq, struct conf_monitors *list)
{
	size_t i, j;

	for (i = 0; i < list->n; i++) {
		for (j = 0; j < i; j++) {
			const struct monitor_conf *a = &list->v[j], *b = &list->v[i];
			yaml_node_t *item =
			        yaml_document_get_node(ctx->doc, seq->data.sequence.items.start[i]);
			size_t saved;

			if (a->probe == &probe_push && b->probe == &probe_push && a->probe_conf &&
			    b->probe_conf &&
			    ((const struct push_conf *)a->probe_conf)->token != NULL &&
			    ((const struct push_conf *)b->probe_conf)->token != NULL &&
			    strcmp(((const struct push_conf *)a->probe_conf)->token,
			           ((const struct push_conf *)b->probe_conf)->token) == 0) {
				yaml_node_t *at = conf_map_get(ctx->doc, item, "token");

				saved = conf_path_push_index(ctx, i);
				conf_path_push(ctx, "token");
				conf_error(ctx, at ? at : item,
				           "is also the token of monitors[%zu]: each push monitor "
				           "needs its own",
				           j);
				conf_path_pop(ctx, saved);
			}
			if (a->id == NULL || b->id == NULL || strcmp(a->id, b->id) != 0)
				continue;
			saved = conf_path_push_index(ctx, i);
			conf_path_push(ctx, "name");
			if (strcmp(a->name, b->name) == 0)
				conf_error(ctx, conf_map_get(ctx->doc, item, "name"),
				           "\"%s\" is already the name of monitors[%zu]", b->name,
				           j);
			else
				conf_error(ctx, conf_map_get(ctx->doc, item, "name"),
				           "\"%s\" has the same id (%s) as monitors[%zu] \"%s\"",
				           b->name, b->id, j, a->name);
			conf_path_pop(ctx, saved);
			break;
		}
	}
}

int conf_monitors_parse(struct conf_ctx *ctx, yaml_node_t *node, void *field)
{
	struct conf_monitors *list = field;
	size_t n, i;

	if (node->type != YAML_SEQUENCE_NODE) {
		conf_error(ctx, node, "expected a list of monitors, got %s", conf_node_kind(node));
		return -1;
	}
	n = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
	list->v = xcalloc(n ? n : 1, sizeof(*list->v));
	for (i = 0; i < n; i++) {
		yaml_node_t *item =
		        yaml_document_get_node(ctx->doc, node->data.sequence.items.start[i]);
		size_t saved = conf_path_push_index(ctx, i);

		decode_monitor(ctx, item, &list->v[i]);
		list->n = i + 1;
		conf_path_pop(ctx, saved);
	}
	check_unique(ctx, node, list);
	return 0;
}

void conf_monitors_free(void *field)
{
	struct conf_monitors *list = field;
	size_t i;

	for (i = 0; i < list->n; i++)
		conf_free(&conf_monitor_spec, &list->v[i]);
	free(list->v);
	list->v = NULL;
	list->n = 0;
}

void conf_monitors_print(const void *field, struct buf *out)
{
	const struct conf_monitors *list = field;
	size_t i;

	if (list->n == 0) {
		(void)!buf_puts(out, "[]");
		return;
	}
	for (i = 0; i < list->n; i++) {
		struct buf item;

		buf_init(&item, 0);
		print_monitor(&list->v[i], &item, 4);
		if (item.len >= 4)
			item.data[2] = '-';
		(void)!buf_puts(out, "\n");
		(void)!buf_append(out, item.data,
		                  item.len ? item.len - 1 : 0); /* no final newline */
		buf_free(&item);
	}
}
