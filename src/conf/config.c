/* Loading a whole configuration: file or built-in text, env overrides, refcount. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "conf/conf_int.h"
#include "conf/yaml.h"
#include "probe/probe.h"
#include "util/buf.h"
#include "util/secret.h"
#include "util/xmalloc.h"

const char conf_default_yaml[] = "# Vigil's built-in configuration: used when no file is given.\n"
                                 "server:\n"
                                 "  listen: \"127.0.0.1:8080\"\n"
                                 "storage:\n"
                                 "  path: \"vigil.db\"\n"
                                 "log:\n"
                                 "  level: info\n"
                                 "  format: text\n";

static const struct conf_key root_keys[] = {
	{ .name = "server",
	  .type = CONF_SECTION,
	  .offset = offsetof(struct vigil_config, server),
	  .spec = &conf_server_spec,
	  .help = "the HTTP server" },
	{ .name = "storage",
	  .type = CONF_SECTION,
	  .offset = offsetof(struct vigil_config, storage),
	  .spec = &conf_storage_spec,
	  .help = "where history is kept" },
	{ .name = "auth",
	  .type = CONF_SECTION,
	  .offset = offsetof(struct vigil_config, auth),
	  .spec = &conf_auth_spec,
	  .help = "API tokens and roles" },
	{ .name = "log",
	  .type = CONF_SECTION,
	  .offset = offsetof(struct vigil_config, log),
	  .spec = &conf_log_spec,
	  .help = "log level and format" },
	{ .name = "scheduler",
	  .type = CONF_SECTION,
	  .offset = offsetof(struct vigil_config, scheduler),
	  .spec = &conf_scheduler_spec,
	  .help = "how checks are run" },
	{ .name = "host",
	  .type = CONF_SECTION,
	  .offset = offsetof(struct vigil_config, host),
	  .spec = &conf_host_spec,
	  .help = "this machine's metrics, their history and thresholds" },
	{ .name = "security",
	  .type = CONF_SECTION,
	  .offset = offsetof(struct vigil_config, security),
	  .spec = &conf_security_spec,
	  .help = "Vigil defending itself: rate limits, blocks, the request log, the SSRF guard "
	          "and what is a secret" },
	{ .name = "alerting",
	  .type = CONF_SECTION,
	  .offset = offsetof(struct vigil_config, alerting),
	  .spec = &conf_alerting_spec,
	  .help = "who is told when a monitor goes down or comes back, and how" },
	{ .name = "maintenance",
	  .type = CONF_LIST,
	  .offset = offsetof(struct vigil_config, maintenance),
	  .spec = &conf_maintenance_spec,
	  .help = "maintenance windows: name, start (one-off) or cron and timezone "
	          "(recurring), duration, monitors" },
	{ .name = "status_page",
	  .type = CONF_SECTION,
	  .offset = offsetof(struct vigil_config, status_page),
	  .spec = &conf_status_page_spec,
	  .help = "the public status page: title, description, logo, layout, theme, live refresh" },
	{ .name = "monitors",
	  .type = CONF_CUSTOM,
	  .offset = offsetof(struct vigil_config, monitors),
	  .spec = &conf_monitor_spec,
	  .parse = conf_monitors_parse,
	  .print = conf_monitors_print,
	  .free = conf_monitors_free,
	  .help = "what to check: a list of monitors, each with the common keys and its type's" },
	{ 0 },
};

const struct conf_spec conf_root_spec = {
	.name = "config",
	.size = sizeof(struct vigil_config),
	.keys = root_keys,
};

void conf_secure_monitors(struct vigil_config *cfg, const struct conf_strlist *extra)
{
	const char **list = xcalloc(extra->n + 1, sizeof(*list));
	size_t i;

	for (i = 0; i < extra->n; i++)
		list[i] = extra->v[i];
	for (i = 0; i < cfg->monitors.n; i++) {
		const struct monitor_conf *m = &cfg->monitors.v[i];

		if (m->probe != NULL && m->probe->secure != NULL && m->probe_conf != NULL)
			m->probe->secure(m->probe_conf, list, cfg->secrets);
	}
	free(list);
}

static void conf_free_all(struct vigil_config *cfg)
{
	conf_free(&conf_root_spec, cfg);
	secret_set_unref(cfg->secrets);
	free(cfg->source);
	free(cfg->api_body);
	free(cfg);
}

static void check_maintenance(const struct vigil_config *cfg, const char *file,
                              struct conf_diag *diag);

struct vigil_config *conf_load_text(const char *name, const char *text, size_t len, bool untrusted,
                                    struct conf_diag *diag)
{
	struct vigil_config *cfg;
	yaml_document_t doc;
	struct conf_ctx ctx;
	size_t before = diag->n;
	yaml_node_t *root;

	if (conf_yaml_load(name, text, len, &doc, diag) < 0)
		return NULL;
	cfg = xcalloc(1, sizeof(*cfg));
	atomic_init(&cfg->refs, 1);
	cfg->source = xstrdup(name);
	cfg->secrets = secret_set_new();
	memset(&ctx, 0, sizeof(ctx));
	ctx.file = name;
	ctx.doc = &doc;
	ctx.diag = diag;
	ctx.secrets = cfg->secrets;
	ctx.untrusted = untrusted;
	conf_init(&conf_root_spec, cfg);
	root = yaml_document_get_root_node(&doc);
	if (root != NULL && root->type != YAML_MAPPING_NODE && !conf_node_is_null(root))
		conf_error(&ctx, root, "the configuration must be a mapping of sections");
	else
		conf_decode(&ctx, root, &conf_root_spec, cfg);
	yaml_document_delete(&doc);
	if (!untrusted)
		conf_env_overrides(cfg, diag);
	conf_secure_monitors(cfg, &cfg->security.secret_params);
	if (!untrusted) {
		conf_check_alert_channels(cfg, &cfg->alerting, name, diag);
		check_maintenance(cfg, name, diag);
	}
	if (diag->n > before) {
		conf_free_all(cfg);
		return NULL;
	}
	return cfg;
}

/* Every monitor a maintenance window names must exist (by name or id). */
static void check_maintenance(const struct vigil_config *cfg, const char *file,
                              struct conf_diag *diag)
{
	const struct conf_maintenance *w = cfg->maintenance.v;
	size_t i, j, k;

	for (i = 0; i < cfg->maintenance.n; i++)
		for (j = 0; j < w[i].monitors.n; j++) {
			for (k = 0; k < cfg->monitors.n; k++)
				if (strcmp(cfg->monitors.v[k].name, w[i].monitors.v[j]) == 0 ||
				    strcmp(cfg->monitors.v[k].id, w[i].monitors.v[j]) == 0)
					break;
			if (k == cfg->monitors.n)
				conf_diag_add(diag,
				              "%s: maintenance[%zu].monitors: no monitor is named "
				              "\"%s\"",
				              file, i, w[i].monitors.v[j]);
		}
}

void conf_check_alert_channels(const struct vigil_config *cfg, const struct conf_alerting *al,
                               const char *file, struct conf_diag *diag)
{
	const struct conf_channel *ch = al->channels.v;
	size_t i, j, k;

	for (i = 0; i < cfg->monitors.n; i++) {
		const struct conf_strlist *want = &cfg->monitors.v[i].alerts.channels;

		for (j = 0; j < want->n; j++) {
			for (k = 0; k < al->channels.n; k++)
				if (ch[k].name && strcmp(ch[k].name, want->v[j]) == 0)
					break;
			if (k == al->channels.n)
				conf_diag_add(
				        diag,
				        "%s: monitors[%zu].alerts.channels: no channel is named "
				        "\"%s\" in alerting.channels",
				        file, i, want->v[j]);
		}
	}
}

struct vigil_config *conf_load_string(const char *name, const char *text, size_t len,
                                      struct conf_diag *diag)
{
	return conf_load_text(name, text, len, false, diag);
}

struct vigil_config *conf_load_file(const char *path, struct conf_diag *diag)
{
	struct vigil_config *cfg;
	size_t len;
	char *text = conf_read_file(path, &len, diag);

	if (text == NULL)
		return NULL;
	cfg = conf_load_string(path, text, len, diag);
	free(text);
	return cfg;
}

struct vigil_config *conf_load_default(struct conf_diag *diag)
{
	return conf_load_string(CONF_BUILTIN, conf_default_yaml, strlen(conf_default_yaml), diag);
}

const char *conf_auto_path(const char *path)
{
	const char *env = getenv("VIGIL_CONFIG");

	if (path != NULL)
		return path;
	if (env != NULL && *env != '\0')
		return env;
	if (access("vigil.yaml", F_OK) == 0)
		return "vigil.yaml";
	return NULL;
}

struct vigil_config *conf_load_auto(const char *path, struct conf_diag *diag)
{
	path = conf_auto_path(path);
	return path ? conf_load_file(path, diag) : conf_load_default(diag);
}

struct vigil_config *conf_ref(struct vigil_config *cfg)
{
	if (cfg != NULL)
		atomic_fetch_add(&cfg->refs, 1);
	return cfg;
}

void conf_unref(struct vigil_config *cfg)
{
	if (cfg != NULL && atomic_fetch_sub(&cfg->refs, 1) == 1)
		conf_free_all(cfg);
}

char *conf_dump(const struct vigil_config *cfg)
{
	struct buf out;

	buf_init(&out, 0);
	(void)!buf_printf(&out, "# effective configuration from %s\n", cfg->source);
	conf_print(&conf_root_spec, cfg, &out, 0);
	return buf_steal(&out);
}

/* Compares the CONF_RESTART keys of one section; SECTION names it in messages. */
static size_t section_changes(const char *section, const struct conf_spec *spec, const void *a,
                              const void *b, struct conf_diag *diag)
{
	const struct conf_key *k;
	size_t n = 0;

	for (k = spec->keys; k->name != NULL; k++) {
		const void *fa = (const char *)a + k->offset, *fb = (const char *)b + k->offset;
		struct buf va, vb;

		if (k->type == CONF_SECTION) {
			char *sub = xasprintf("%s.%s", section, k->name);

			n += section_changes(sub, k->spec, fa, fb, diag);
			free(sub);
			continue;
		}
		if (!(k->flags & CONF_RESTART))
			continue;
		buf_init(&va, 0);
		buf_init(&vb, 0);
		conf_print_value(k, fa, &va);
		conf_print_value(k, fb, &vb);
		if (va.len != vb.len || (va.len && memcmp(va.data, vb.data, va.len) != 0)) {
			conf_diag_add(diag, "%s.%s", section, k->name);
			n++;
		}
		buf_free(&va);
		buf_free(&vb);
	}
	return n;
}

size_t conf_restart_changes(const struct vigil_config *old, const struct vigil_config *cfg,
                            struct conf_diag *diag)
{
	const struct conf_key *k;
	size_t n = 0;

	for (k = conf_root_spec.keys; k->name != NULL; k++)
		if (k->type == CONF_SECTION)
			n += section_changes(k->name, k->spec, (const char *)old + k->offset,
			                     (const char *)cfg + k->offset, diag);
	return n;
}
