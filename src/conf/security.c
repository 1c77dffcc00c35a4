/* The security section: rate limits, blocking, the request log and the SSRF policy. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_int.h"
#include "util/xmalloc.h"

#define MS(x)   ((int64_t)(x))
#define SEC(x)  (MS(x) * 1000)
#define MIN(x)  (SEC(x) * 60)
#define HOUR(x) (MIN(x) * 60)
#define DAY(x)  (HOUR(x) * 24)

static const struct conf_key rate_keys[] = {
	{ .name = "requests",
	  .type = CONF_INT,
	  .offset = offsetof(struct conf_rate, requests),
	  .min = 1,
	  .max = 100000000,
	  .help = "requests allowed per `per`" },
	{ .name = "per",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct conf_rate, per),
	  .min = SEC(1),
	  .max = DAY(1),
	  .help = "the period of `requests`" },
	{ .name = "burst",
	  .type = CONF_INT,
	  .offset = offsetof(struct conf_rate, burst),
	  .min = 1,
	  .max = 100000000,
	  .help = "requests allowed at once beyond the rate (the bucket's size)" },
	{ 0 },
};

static const struct conf_spec rate_spec = {
	.name = "rate",
	.size = sizeof(struct conf_rate),
	.keys = rate_keys,
};

static const struct conf_key targets_keys[] = {
	{ .name = "allow_internal",
	  .type = CONF_BOOL,
	  .offset = offsetof(struct conf_targets, allow_internal),
	  .help = "let monitors made through the API reach loopback, private, link-local and "
	          "other internal addresses" },
	{ .name = "allow",
	  .type = CONF_STRLIST,
	  .offset = offsetof(struct conf_targets, allow),
	  .help = "CIDRs and host names monitors made through the API may reach even if "
	          "internal (e.g. 10.1.0.0/16, status.internal)" },
	{ .name = "deny",
	  .type = CONF_STRLIST,
	  .offset = offsetof(struct conf_targets, deny),
	  .help = "CIDRs and host names they may never reach (checked first)" },
	{ 0 },
};

static const struct conf_spec targets_spec = {
	.name = "targets",
	.size = sizeof(struct conf_targets),
	.keys = targets_keys,
};

static const struct conf_key request_log_keys[] = {
	{ .name = "enabled",
	  .type = CONF_BOOL,
	  .offset = offsetof(struct conf_request_log, enabled),
	  .help = "record every request (time, method, route, status, duration, client, bytes)" },
	{ .name = "retention",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct conf_request_log, retention),
	  .min = HOUR(1),
	  .max = DAY(3650),
	  .help = "how long requests are kept" },
	{ .name = "max_rows",
	  .type = CONF_INT,
	  .offset = offsetof(struct conf_request_log, max_rows),
	  .min = 1000,
	  .max = 1000000000,
	  .help = "the table is trimmed to this many rows (oldest first)" },
	{ .name = "rows_per_second",
	  .type = CONF_INT,
	  .offset = offsetof(struct conf_request_log, rows_per_second),
	  .min = 10,
	  .max = 1000000,
	  .help = "requests kept one by one each second; beyond, identical ones (second, "
	          "method, route, status, client) share a row with their count" },
	{ 0 },
};

static const struct conf_spec request_log_spec = {
	.name = "request_log",
	.size = sizeof(struct conf_request_log),
	.keys = request_log_keys,
};

static void security_init(void *obj)
{
	struct conf_security *s = obj;

	s->rate_limit = (struct conf_rate){ 600, MIN(1), 100 };
	s->health_rate_limit = (struct conf_rate){ 6000, MIN(1), 200 };
	s->auth_failure_limit = (struct conf_rate){ 10, MIN(1), 5 };
	s->block_after = 50;
	s->block_window = MIN(10);
	s->block_for = HOUR(1);
	s->request_log = (struct conf_request_log){ true, DAY(7), 1000000, 2000 };
	/* this machine's own clients (the CLI, local health checks) are never limited */
	s->allow.v = xcalloc(3, sizeof(*s->allow.v));
	s->allow.v[0] = xstrdup("127.0.0.0/8");
	s->allow.v[1] = xstrdup("::1");
	s->allow.n = 2;
}

static const struct conf_key security_keys[] = {
	{ .name = "secret_params",
	  .type = CONF_STRLIST,
	  .offset = offsetof(struct conf_security, secret_params),
	  .help = "query parameters whose values are shown as <secret> in URLs and the request "
	          "log, besides key, token, password, secret, signature, sig, auth, api_key, "
	          "apikey, access_token" },
	{ .name = "rate_limit",
	  .type = CONF_SECTION,
	  .offset = offsetof(struct conf_security, rate_limit),
	  .spec = &rate_spec,
	  .help = "per client address, every route but /health* and /metrics (default 600 "
	          "per 1m, burst 100); 429 with Retry-After beyond" },
	{ .name = "health_rate_limit",
	  .type = CONF_SECTION,
	  .offset = offsetof(struct conf_security, health_rate_limit),
	  .spec = &rate_spec,
	  .help = "per client address, /health* and /metrics: their own generous budget "
	          "(default 6000 per 1m, burst 200)" },
	{ .name = "auth_failure_limit",
	  .type = CONF_SECTION,
	  .offset = offsetof(struct conf_security, auth_failure_limit),
	  .spec = &rate_spec,
	  .help = "per client address, failed authentications (default 10 per 1m, burst 5)" },
	{ .name = "block_after",
	  .type = CONF_INT,
	  .offset = offsetof(struct conf_security, block_after),
	  .min = 1,
	  .max = 1000000,
	  .help = "violations within block_window that block an address" },
	{ .name = "block_window",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct conf_security, block_window),
	  .min = SEC(1),
	  .max = DAY(1),
	  .help = "the window in which block_after violations count" },
	{ .name = "block_for",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct conf_security, block_for),
	  .min = SEC(1),
	  .max = DAY(365),
	  .help = "how long an automatic block lasts (403 before any handler runs)" },
	{ .name = "allow",
	  .type = CONF_STRLIST,
	  .offset = offsetof(struct conf_security, allow),
	  .parse = conf_check_cidrs,
	  .help = "addresses and CIDRs never rate limited nor blocked (default: this machine, "
	          "127.0.0.0/8 and ::1; behind a local reverse proxy set server.trusted_proxies "
	          "so clients are told apart)" },
	{ .name = "targets",
	  .type = CONF_SECTION,
	  .offset = offsetof(struct conf_security, targets),
	  .spec = &targets_spec,
	  .help = "where monitors made through the API may connect (the SSRF guard); monitors "
	          "of this file are trusted" },
	{ .name = "allow_api_commands",
	  .type = CONF_BOOL,
	  .offset = offsetof(struct conf_security, allow_api_commands),
	  .help = "let command, file and process monitors be made through the API (they run "
	          "programs or look into this machine)" },
	{ .name = "request_log",
	  .type = CONF_SECTION,
	  .offset = offsetof(struct conf_security, request_log),
	  .spec = &request_log_spec,
	  .help = "the log of requests to Vigil (GET /api/v1/requests)" },
	{ 0 },
};

void conf_nets_parse(struct conf_nets *nets, const struct conf_strlist *l)
{
	char err[128];
	size_t i;

	nets->v = xcalloc(l->n + 1, sizeof(*nets->v));
	nets->n = 0;
	for (i = 0; i < l->n; i++)
		if (cidr_parse(l->v[i], &nets->v[nets->n], err, sizeof(err)) == 0)
			nets->n++;
}

void conf_nets_free(struct conf_nets *nets)
{
	free(nets->v);
	nets->v = NULL;
	nets->n = 0;
}

static void security_finish(struct conf_ctx *ctx, yaml_node_t *node, void *obj)
{
	struct conf_security *s = obj;

	(void)ctx;
	(void)node;
	conf_nets_free(&s->allow_nets);
	conf_nets_parse(&s->allow_nets, &s->allow);
}

static void security_cleanup(void *obj)
{
	conf_nets_free(&((struct conf_security *)obj)->allow_nets);
}

const struct conf_spec conf_security_spec = {
	.name = "security",
	.size = sizeof(struct conf_security),
	.keys = security_keys,
	.init = security_init,
	.finish = security_finish,
	.cleanup = security_cleanup,
};
