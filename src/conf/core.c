/* The foundation sections of the config: server, storage, auth, log. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "conf/conf_int.h"
#include "util/log.h"
#include "util/sha256.h"
#include "util/xmalloc.h"

#define MS(x)  ((int64_t)(x))
#define SEC(x) (MS(x) * 1000)
#define DAY(x) (SEC(x) * 86400)
#define KIB(x) ((int64_t)(x)*1024)
#define MIB(x) (KIB(x) * 1024)

static const char *const role_names[] = { "public", "viewer", "operator", "admin", NULL };
static const char *const level_names[] = { "debug", "info", "warn", "error", NULL };
static const char *const format_names[] = { "text", "json", NULL };

const char *auth_role_str(enum auth_role role)
{
	return role_names[role];
}

/* ---- server ---- */

static int check_listen(struct conf_ctx *ctx, yaml_node_t *node, void *field)
{
	struct conf_listen addr;

	switch (conf_listen_parse(*(char **)field, &addr)) {
	case CONF_LISTEN_OK:
		return 0;
	case CONF_LISTEN_BAD_PORT:
		conf_error(ctx, node, "\"%s\" is not a valid port", ctx->raw);
		break;
	case CONF_LISTEN_NO_PORT:
		conf_error(ctx, node, "\"%s\" has no port (expected host:port, [v6]:port or :port)",
		           ctx->raw);
		break;
	default:
		conf_error(ctx, node,
		           "\"%s\" is not a valid address (expected host:port, [v6]:port or :port)",
		           ctx->raw);
		break;
	}
	return -1;
}

int conf_check_cidrs(struct conf_ctx *ctx, yaml_node_t *node, void *field)
{
	const struct conf_strlist *l = field;
	size_t i;
	int r = 0;

	for (i = 0; i < l->n; i++) {
		if (conf_cidr_parse(l->v[i]) < 0) {
			conf_error(ctx, node, "\"%s\" is not an IP address or CIDR range", l->v[i]);
			r = -1;
		}
	}
	return r;
}

static int check_readable(struct conf_ctx *ctx, yaml_node_t *node, void *field)
{
	const char *path = *(char **)field;

	if (access(path, R_OK) == 0)
		return 0;
	conf_error(ctx, node, "cannot read \"%s\"", path);
	return -1;
}

static const struct conf_key tls_keys[] = {
	{ .name = "cert",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_tls, cert),
	  .flags = CONF_RESTART,
	  .parse = check_readable,
	  .help = "PEM certificate chain file; serves HTTPS when set with key" },
	{ .name = "key",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_tls, key),
	  .flags = CONF_RESTART,
	  .parse = check_readable,
	  .help = "PEM private key file" },
	{ 0 },
};

static void tls_finish(struct conf_ctx *ctx, yaml_node_t *node, void *obj)
{
	struct conf_tls *tls = obj;

	if ((tls->cert == NULL) != (tls->key == NULL))
		conf_error(ctx, node, "give both cert and key, or neither");
}

static const struct conf_spec tls_spec = {
	.name = "tls",
	.size = sizeof(struct conf_tls),
	.keys = tls_keys,
	.finish = tls_finish,
};

static void server_init(void *obj)
{
	struct conf_server *s = obj;

	memset(s, 0, sizeof(*s));
	s->listen = xstrdup("127.0.0.1:8080");
	s->threads = 1;
	s->connection_timeout = SEC(15);
	s->max_connections = 1024;
	s->max_connections_per_ip = 128;
	s->connection_memory = KIB(16);
	s->max_body_size = MIB(1);
	s->max_header_size = KIB(8);
}

static void server_finish(struct conf_ctx *ctx, yaml_node_t *node, void *obj)
{
	struct conf_server *s = obj;

	if (conf_listen_parse(s->listen, &s->addr) != CONF_LISTEN_OK)
		memset(&s->addr, 0, sizeof(s->addr)); /* reported by check_listen */
	if (s->max_connections_per_ip > s->max_connections)
		conf_error(ctx, node,
		           "max_connections_per_ip (%lld) exceeds max_connections (%lld)",
		           (long long)s->max_connections_per_ip, (long long)s->max_connections);
	if (s->max_header_size + KIB(4) > s->connection_memory)
		conf_error(ctx, node,
		           "connection_memory must exceed max_header_size by 4KiB at least");
	conf_nets_free(&s->trusted_nets);
	conf_nets_parse(&s->trusted_nets, &s->trusted_proxies);
}

static void server_cleanup(void *obj)
{
	conf_nets_free(&((struct conf_server *)obj)->trusted_nets);
}

static const struct conf_key server_keys[] = {
	{ .name = "listen",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_server, listen),
	  .flags = CONF_RESTART,
	  .parse = check_listen,
	  .help = "address and port of the HTTP server, e.g. \"127.0.0.1:8080\", \"[::1]:8080\", "
	          "\":8080\"" },
	{ .name = "threads",
	  .type = CONF_INT,
	  .offset = offsetof(struct conf_server, threads),
	  .flags = CONF_RESTART,
	  .min = 1,
	  .max = 64,
	  .help = "HTTP worker threads" },
	{ .name = "connection_timeout",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct conf_server, connection_timeout),
	  .flags = CONF_RESTART,
	  .min = SEC(1),
	  .max = SEC(3600),
	  .help = "idle time after which a connection is closed" },
	{ .name = "max_connections",
	  .type = CONF_INT,
	  .offset = offsetof(struct conf_server, max_connections),
	  .flags = CONF_RESTART,
	  .min = 1,
	  .max = 1000000,
	  .help = "simultaneous connections in total" },
	{ .name = "max_connections_per_ip",
	  .type = CONF_INT,
	  .offset = offsetof(struct conf_server, max_connections_per_ip),
	  .flags = CONF_RESTART,
	  .min = 1,
	  .max = 1000000,
	  .help = "simultaneous connections from one client address" },
	{ .name = "connection_memory",
	  .type = CONF_SIZE,
	  .offset = offsetof(struct conf_server, connection_memory),
	  .flags = CONF_RESTART,
	  .min = KIB(8),
	  .max = MIB(16),
	  .help = "memory per connection for headers and buffers" },
	{ .name = "max_body_size",
	  .type = CONF_SIZE,
	  .offset = offsetof(struct conf_server, max_body_size),
	  .min = 0,
	  .max = MIB(64),
	  .help = "largest request body accepted (413 above)" },
	{ .name = "max_header_size",
	  .type = CONF_SIZE,
	  .offset = offsetof(struct conf_server, max_header_size),
	  .min = KIB(1),
	  .max = MIB(1),
	  .help = "largest request header block accepted (431 above)" },
	{ .name = "trusted_proxies",
	  .type = CONF_STRLIST,
	  .offset = offsetof(struct conf_server, trusted_proxies),
	  .parse = conf_check_cidrs,
	  .help = "addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed" },
	{ .name = "tls",
	  .type = CONF_SECTION,
	  .offset = offsetof(struct conf_server, tls),
	  .spec = &tls_spec,
	  .help = "HTTPS for the server: cert and key" },
	{ 0 },
};

const struct conf_spec conf_server_spec = {
	.name = "server",
	.size = sizeof(struct conf_server),
	.keys = server_keys,
	.init = server_init,
	.finish = server_finish,
	.cleanup = server_cleanup,
};

/* ---- storage ---- */

static const struct conf_key retention_keys[] = {
	{ .name = "raw",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct conf_retention, raw),
	  .min = SEC(3600),
	  .max = DAY(3650),
	  .help = "how long raw check results are kept" },
	{ .name = "minute",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct conf_retention, minute),
	  .min = SEC(3600),
	  .max = DAY(3650),
	  .help = "how long minute rollups are kept" },
	{ .name = "hour",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct conf_retention, hour),
	  .min = DAY(1),
	  .max = DAY(36500),
	  .help = "how long hour rollups are kept (day rollups are kept for good)" },
	{ 0 },
};

static void retention_init(void *obj)
{
	struct conf_retention *r = obj;

	r->raw = DAY(7);
	r->minute = DAY(30);
	r->hour = DAY(400);
}

static const struct conf_spec retention_spec = {
	.name = "retention",
	.size = sizeof(struct conf_retention),
	.keys = retention_keys,
	.init = retention_init,
};

static void storage_init(void *obj)
{
	struct conf_storage *s = obj;

	memset(s, 0, sizeof(*s));
	s->path = xstrdup("vigil.db");
	s->commit_interval = SEC(1);
	s->batch_size = 10000;
	s->queue_size = 200000;
}

static void storage_finish(struct conf_ctx *ctx, yaml_node_t *node, void *obj)
{
	struct conf_storage *s = obj;

	if (s->url != NULL && conf_map_get(ctx->doc, node, "path") != NULL)
		conf_error(ctx, node, "give either path or url, not both");
	if (s->url != NULL)
		conf_error_key(ctx, node, "url",
		               "the PostgreSQL backend is not part of this build; use storage.path "
		               "(SQLite)");
	if (s->path != NULL && *s->path == '\0')
		conf_error(ctx, node, "path is empty");
}

static const struct conf_key storage_keys[] = {
	{ .name = "path",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_storage, path),
	  .flags = CONF_RESTART,
	  .help = "SQLite database file, created if missing" },
	{ .name = "url",
	  .type = CONF_SECRET,
	  .offset = offsetof(struct conf_storage, url),
	  .flags = CONF_RESTART,
	  .help = "postgres:// URL of a shared database (instead of path)" },
	{ .name = "retention",
	  .type = CONF_SECTION,
	  .offset = offsetof(struct conf_storage, retention),
	  .spec = &retention_spec,
	  .help = "how long history is kept" },
	{ .name = "commit_interval",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct conf_storage, commit_interval),
	  .flags = CONF_RESTART,
	  .min = MS(10),
	  .max = SEC(60),
	  .help = "longest a write waits for its group commit" },
	{ .name = "batch_size",
	  .type = CONF_INT,
	  .offset = offsetof(struct conf_storage, batch_size),
	  .flags = CONF_RESTART,
	  .min = 1,
	  .max = 1000000,
	  .help = "rows per transaction at most" },
	{ .name = "queue_size",
	  .type = CONF_INT,
	  .offset = offsetof(struct conf_storage, queue_size),
	  .flags = CONF_RESTART,
	  .min = 100,
	  .max = 100000000,
	  .help = "writes queued for the writer before new ones are refused and counted" },
	{ 0 },
};

const struct conf_spec conf_storage_spec = {
	.name = "storage",
	.size = sizeof(struct conf_storage),
	.keys = storage_keys,
	.init = storage_init,
	.finish = storage_finish,
};

/* ---- auth ---- */

#define TOKEN_MIN_LEN 16

static void token_init(void *obj)
{
	struct conf_token *t = obj;

	memset(t, 0, sizeof(*t));
	t->role = ROLE_VIEWER;
}

static int check_token_role(struct conf_ctx *ctx, yaml_node_t *node, void *field)
{
	if (*(int *)field != ROLE_PUBLIC)
		return 0;
	conf_error(ctx, node, "a token's role is viewer, operator or admin");
	return -1;
}

static void token_finish(struct conf_ctx *ctx, yaml_node_t *node, void *obj)
{
	struct conf_token *t = obj;

	if (t->token != NULL && strlen(t->token) < TOKEN_MIN_LEN)
		conf_error_key(ctx, node, "token",
		               "too short (%d characters at least; \"openssl rand -hex 32\" "
		               "makes a good one)",
		               TOKEN_MIN_LEN);
	if (t->token != NULL)
		sha256(t->token, strlen(t->token), t->digest);
}

static const struct conf_key token_keys[] = {
	{ .name = "name",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_token, name),
	  .flags = CONF_REQUIRED,
	  .help = "who holds the token (shown in logs, never the token)" },
	{ .name = "token",
	  .type = CONF_SECRET,
	  .offset = offsetof(struct conf_token, token),
	  .flags = CONF_REQUIRED,
	  .help = "the bearer token, 16 characters at least; or token_file" },
	{ .name = "role",
	  .type = CONF_ENUM,
	  .offset = offsetof(struct conf_token, role),
	  .names = role_names,
	  .parse = check_token_role,
	  .help = "viewer (read), operator (change), admin (everything)" },
	{ 0 },
};

static const struct conf_spec token_spec = {
	.name = "token",
	.size = sizeof(struct conf_token),
	.keys = token_keys,
	.init = token_init,
	.finish = token_finish,
};

/* The node of tokens[I].KEY, to point errors at it (NULL when not found). */
static yaml_node_t *token_node(struct conf_ctx *ctx, yaml_node_t *auth, size_t i, const char *key)
{
	yaml_node_t *list = conf_map_get(ctx->doc, auth, "tokens");

	if (list == NULL || list->type != YAML_SEQUENCE_NODE ||
	    i >= (size_t)(list->data.sequence.items.top - list->data.sequence.items.start))
		return NULL;
	return conf_map_get(ctx->doc,
	                    yaml_document_get_node(ctx->doc, list->data.sequence.items.start[i]),
	                    key);
}

static void token_error(struct conf_ctx *ctx, yaml_node_t *auth, size_t i, const char *key,
                        const char *msg)
{
	char path[64];
	size_t saved;

	snprintf(path, sizeof(path), "tokens[%zu].%s", i, key);
	saved = conf_path_push(ctx, path);
	conf_error(ctx, token_node(ctx, auth, i, key), "%s", msg);
	conf_path_pop(ctx, saved);
}

static void auth_finish(struct conf_ctx *ctx, yaml_node_t *node, void *obj)
{
	struct conf_auth *a = obj;
	struct conf_token *t = a->tokens.v;
	char msg[160];
	size_t i, j;

	for (i = 0; i < a->tokens.n; i++) {
		for (j = 0; j < i; j++) {
			if (t[i].name && t[j].name && strcmp(t[i].name, t[j].name) == 0) {
				snprintf(msg, sizeof(msg),
				         "\"%s\" is already the name of tokens[%zu]", t[i].name, j);
				token_error(ctx, node, i, "name", msg);
			}
			if (t[i].token && t[j].token && strcmp(t[i].token, t[j].token) == 0) {
				snprintf(msg, sizeof(msg), "the same token as tokens[%zu]", j);
				token_error(ctx, node, i, "token", msg);
			}
		}
	}
}

static const struct conf_key auth_keys[] = {
	{ .name = "tokens",
	  .type = CONF_LIST,
	  .offset = offsetof(struct conf_auth, tokens),
	  .spec = &token_spec,
	  .help = "bearer tokens with their roles" },
	{ 0 },
};

const struct conf_spec conf_auth_spec = {
	.name = "auth",
	.size = sizeof(struct conf_auth),
	.keys = auth_keys,
	.finish = auth_finish,
};

/* ---- log ---- */

static void log_init_defaults(void *obj)
{
	struct conf_log *l = obj;

	l->level = LOG_LEVEL_INFO;
	l->format = LOG_FORMAT_TEXT;
}

static const struct conf_key log_keys[] = {
	{ .name = "level",
	  .type = CONF_ENUM,
	  .offset = offsetof(struct conf_log, level),
	  .names = level_names,
	  .help = "debug, info, warn or error" },
	{ .name = "format",
	  .type = CONF_ENUM,
	  .offset = offsetof(struct conf_log, format),
	  .names = format_names,
	  .help = "text lines or json lines" },
	{ 0 },
};

const struct conf_spec conf_log_spec = {
	.name = "log",
	.size = sizeof(struct conf_log),
	.keys = log_keys,
	.init = log_init_defaults,
};

/* ---- scheduler ---- */

static void scheduler_init(void *obj)
{
	struct conf_scheduler *s = obj;

	s->max_in_flight = 512;
}

static const struct conf_key scheduler_keys[] = {
	{ .name = "max_in_flight",
	  .type = CONF_INT,
	  .offset = offsetof(struct conf_scheduler, max_in_flight),
	  .min = 1,
	  .max = 100000,
	  .help = "checks running at once; the rest wait in order (their wait is "
	          "vigil_scheduler_lag_seconds)" },
	{ 0 },
};

const struct conf_spec conf_scheduler_spec = {
	.name = "scheduler",
	.size = sizeof(struct conf_scheduler),
	.keys = scheduler_keys,
	.init = scheduler_init,
};
