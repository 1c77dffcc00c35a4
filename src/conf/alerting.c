/* The alerting section: notification channels and how monitor alerts use them. */
#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_int.h"
#include "util/template.h"
#include "util/tz.h"
#include "util/xmalloc.h"

#define SEC(x)  ((int64_t)(x)*1000)
#define HOUR(x) (SEC(x) * 3600)

const char *const alert_severity_names[] = { "info", "warning", "critical", NULL };
const char *const channel_type_names[] = {
	"webhook",      "slack",  "discord",  "teams",    "mattermost", "googlechat",
	"ntfy",         "gotify", "pushover", "telegram", "pagerduty",  "opsgenie",
	"alertmanager", "email",  "matrix",   NULL,
};

/* What each type needs besides its name: a URL, a token, a recipient. */
static const struct {
	bool url, token, to;
	const char *url_default; /* when the service has one fixed endpoint */
} needs[CHANNEL_TYPES] = {
	[CHANNEL_WEBHOOK] = { true, false, false, NULL },
	[CHANNEL_SLACK] = { true, false, false, NULL },
	[CHANNEL_DISCORD] = { true, false, false, NULL },
	[CHANNEL_TEAMS] = { true, false, false, NULL },
	[CHANNEL_MATTERMOST] = { true, false, false, NULL },
	[CHANNEL_GOOGLECHAT] = { true, false, false, NULL },
	[CHANNEL_NTFY] = { true, false, false, NULL },
	[CHANNEL_GOTIFY] = { true, true, false, NULL },
	[CHANNEL_PUSHOVER] = { false, true, true, "https://api.pushover.net/1/messages.json" },
	[CHANNEL_TELEGRAM] = { false, true, true, "https://api.telegram.org" },
	[CHANNEL_PAGERDUTY] = { false, true, false, "https://events.pagerduty.com/v2/enqueue" },
	[CHANNEL_OPSGENIE] = { false, true, false, "https://api.opsgenie.com/v2/alerts" },
	[CHANNEL_ALERTMANAGER] = { true, false, false, NULL },
	[CHANNEL_EMAIL] = { true, false, true, NULL },
	[CHANNEL_MATRIX] = { true, true, true, NULL },
};

/*
 * A matrix room is its id: "!opaque:server", or "!opaque" from room version
 * 12 on. The send endpoint takes no alias ("#name:server"), so one is
 * refused here rather than failing every message.
 */
static void check_matrix_room(struct conf_ctx *ctx, yaml_node_t *node, const char *room)
{
	size_t i;

	if (room[0] == '#') {
		conf_error_key(ctx, node, "to",
		               "\"%s\" is a room alias; a matrix channel needs the room id "
		               "(\"!...\", in the room's settings: Advanced)",
		               room);
		return;
	}
	if (room[0] != '!' || room[1] == '\0' || strlen(room) > 255) {
		conf_error_key(ctx, node, "to",
		               "expected a matrix room id such as \"!AbCdEfGh:example.org\"");
		return;
	}
	for (i = 0; room[i] != '\0'; i++)
		if ((unsigned char)room[i] <= ' ' || room[i] == 0x7f) {
			conf_error_key(ctx, node, "to",
			               "a matrix room id has no spaces or control characters");
			return;
		}
}

const char *const conf_template_fields[] = {
	"kind",       "alert_id",        "rule",     "severity", "state",   "monitor",
	"monitor_id", "status",          "previous", "reason",   "message", "since",
	"at",         "duration",        "title",    "detail",   "metric",  "value",
	"threshold",  "idempotency_key", NULL,
};

/* Numbers in messages: a template may put them outside quotes. */
static bool numeric_field(const char *name)
{
	return strcmp(name, "alert_id") == 0 || strcmp(name, "duration") == 0 ||
	       strcmp(name, "value") == 0 || strcmp(name, "threshold") == 0;
}

/* Data only, known fields, and JSON once filled (with text that needs escaping). */
static int check_template(struct conf_ctx *ctx, yaml_node_t *node, void *field)
{
	const char *t = *(char **)field;
	struct tmpl_field sample[32];
	char err[200], *body;
	json_error_t jerr;
	json_t *doc;
	size_t n;

	if (template_check(t, strlen(t), conf_template_fields, err, sizeof(err)) < 0) {
		conf_error(ctx, node, "%s", err);
		return -1;
	}
	for (n = 0; conf_template_fields[n] != NULL && n < 32; n++)
		sample[n] = (struct tmpl_field){ conf_template_fields[n],
			                         numeric_field(conf_template_fields[n])
			                                 ? "1"
			                                 : "a \"quoted\"\nline\\ <b>&'" };
	body = template_render(t, strlen(t), sample, n, TMPL_JSON);
	doc = json_loads(body, 0, &jerr);
	free(body);
	if (doc == NULL) {
		conf_error(
		        ctx, node,
		        "is not JSON once filled (line %d, column %d: %s); put text placeholders "
		        "inside strings: \"text\": \"{{message}}\"",
		        jerr.line, jerr.column, jerr.text);
		return -1;
	}
	json_decref(doc);
	return 0;
}

static void channel_finish(struct conf_ctx *ctx, yaml_node_t *node, void *obj)
{
	struct conf_channel *c = obj;

	if (c->type < 0 || c->type >= CHANNEL_TYPES)
		return;
	if (c->url == NULL && needs[c->type].url_default != NULL)
		c->url = xstrdup(needs[c->type].url_default);
	if (c->url == NULL && c->type == CHANNEL_MATRIX)
		conf_error(ctx, node,
		           "missing required key \"url\" (the matrix homeserver, such as "
		           "https://matrix.example.org)");
	else if (c->url == NULL)
		conf_error(ctx, node, "missing required key \"url\" (a %s channel posts to it)",
		           channel_type_names[c->type]);
	if (needs[c->type].token && c->token == NULL)
		conf_error(ctx, node, "missing required key \"token\" (the %s %s)",
		           channel_type_names[c->type],
		           c->type == CHANNEL_PAGERDUTY ? "routing key"
		           : c->type == CHANNEL_MATRIX  ? "access token"
		                                        : "API token");
	if (needs[c->type].to && c->to == NULL)
		conf_error(ctx, node, "missing required key \"to\" (the %s %s)",
		           channel_type_names[c->type],
		           c->type == CHANNEL_TELEGRAM ? "chat id"
		           : c->type == CHANNEL_EMAIL  ? "recipients"
		           : c->type == CHANNEL_MATRIX ? "room id, \"!...\""
		                                       : "user key");
	if (c->type == CHANNEL_MATRIX && c->to != NULL)
		check_matrix_room(ctx, node, c->to);
	if (c->type == CHANNEL_EMAIL && c->from == NULL)
		conf_error(ctx, node, "missing required key \"from\" (the e-mail sender)");
	if (c->type == CHANNEL_EMAIL && c->url != NULL && strncmp(c->url, "smtp://", 7) != 0 &&
	    strncmp(c->url, "smtps://", 8) != 0)
		conf_error_key(ctx, node, "url",
		               "an email channel's url is smtp://host:port or smtps://host:port");
	if (c->template != NULL && c->type != CHANNEL_WEBHOOK)
		conf_error_key(ctx, node, "template", "only webhook channels take a template");
	if (c->type != CHANNEL_EMAIL && c->url != NULL && strncmp(c->url, "http://", 7) != 0 &&
	    strncmp(c->url, "https://", 8) != 0)
		conf_error_key(ctx, node, "url", "expected an http:// or https:// URL");
}

static void rate_init(void *obj)
{
	struct conf_send_cap *r = obj;

	r->per = SEC(3600);
}

static const struct conf_key rate_keys[] = {
	{ .name = "messages",
	  .type = CONF_INT,
	  .offset = offsetof(struct conf_send_cap, messages),
	  .min = 0,
	  .max = 100000,
	  .help = "at most this many requests to the channel... (0: no cap)" },
	{ .name = "per",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct conf_send_cap, per),
	  .min = SEC(1),
	  .max = HOUR(24),
	  .help = "...within any window this long" },
	{ 0 },
};

static const struct conf_spec rate_spec = {
	.name = "rate_limit",
	.size = sizeof(struct conf_send_cap),
	.keys = rate_keys,
	.init = rate_init,
};

static void channel_init(void *obj)
{
	struct conf_channel *c = obj;

	c->send_resolved = true;
	c->group = true;
	c->timeout = SEC(10); /* rate_limit: conf_init runs rate_init */
}

static int check_severities(struct conf_ctx *ctx, yaml_node_t *node, void *field)
{
	const struct conf_strlist *l = field;
	size_t i, j;
	int r = 0;

	for (i = 0; i < l->n; i++) {
		for (j = 0; alert_severity_names[j] != NULL; j++)
			if (strcmp(l->v[i], alert_severity_names[j]) == 0)
				break;
		if (alert_severity_names[j] == NULL) {
			conf_error(ctx, node, "\"%s\" is not a severity (info, warning, critical)",
			           l->v[i]);
			r = -1;
		}
	}
	return r;
}

static const struct conf_key channel_keys[] = {
	{ .name = "name",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_channel, name),
	  .flags = CONF_REQUIRED,
	  .help = "the channel's name, used by alerting.channels_on and in messages" },
	{ .name = "type",
	  .type = CONF_ENUM,
	  .offset = offsetof(struct conf_channel, type),
	  .flags = CONF_REQUIRED,
	  .names = channel_type_names,
	  .help = "webhook, slack, discord, teams, mattermost, googlechat, ntfy, gotify, "
	          "pushover, telegram, pagerduty, opsgenie, alertmanager, email, matrix" },
	{ .name = "url",
	  .type = CONF_SECRET,
	  .offset = offsetof(struct conf_channel, url),
	  .help = "where messages go (a secret: such URLs carry their token; url_file too), the "
	          "homeserver for matrix; "
	          "pushover, telegram, pagerduty and opsgenie have their service's default" },
	{ .name = "token",
	  .type = CONF_SECRET,
	  .offset = offsetof(struct conf_channel, token),
	  .help = "gotify app token, pushover app token, telegram bot token, pagerduty routing "
	          "key, opsgenie API key, matrix access token, ntfy access token (optional); "
	          "token_file too" },
	{ .name = "to",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_channel, to),
	  .help = "telegram chat id, pushover user key, matrix room id (\"!...\"), e-mail "
	          "recipients (comma-separated)" },
	{ .name = "from",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_channel, from),
	  .help = "email: the sender address" },
	{ .name = "username",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_channel, username),
	  .help = "email: the SMTP login" },
	{ .name = "password",
	  .type = CONF_SECRET,
	  .offset = offsetof(struct conf_channel, password),
	  .help = "email: the SMTP password (password_file too)" },
	{ .name = "starttls",
	  .type = CONF_BOOL,
	  .offset = offsetof(struct conf_channel, starttls),
	  .help = "email with smtp://: require STARTTLS (smtps:// is TLS from the start)" },
	{ .name = "method",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_channel, method),
	  .help = "webhook: the HTTP method (default POST)" },
	{ .name = "template",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_channel, template),
	  .parse = check_template,
	  .help = "webhook: the JSON body, with {{field}} placeholders filled with JSON-escaped "
	          "values (fields: kind alert_id rule severity state monitor monitor_id status "
	          "previous reason message since at duration title detail metric value threshold "
	          "idempotency_key); default: Vigil's own JSON" },
	{ .name = "headers",
	  .type = CONF_STRMAP,
	  .offset = offsetof(struct conf_channel, headers),
	  .help = "webhook: extra request headers (values of sensitive names are secrets)" },
	{ .name = "severities",
	  .type = CONF_STRLIST,
	  .offset = offsetof(struct conf_channel, severities),
	  .parse = check_severities,
	  .help = "only alerts of these severities (default: all)" },
	{ .name = "send_resolved",
	  .type = CONF_BOOL,
	  .offset = offsetof(struct conf_channel, send_resolved),
	  .help = "also tell when an alert is resolved" },
	{ .name = "group",
	  .type = CONF_BOOL,
	  .offset = offsetof(struct conf_channel, group),
	  .help = "join alerts that fire together into one message (alerting.group_window); "
	          "pagerduty, opsgenie, alertmanager and templated webhooks never group" },
	{ .name = "rate_limit",
	  .type = CONF_SECTION,
	  .offset = offsetof(struct conf_channel, rate_limit),
	  .spec = &rate_spec,
	  .help = "a cap on requests to the channel ({messages: 20, per: 1h}); beyond it, "
	          "messages wait (never dropped) and go together when the channel groups" },
	{ .name = "timeout",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct conf_channel, timeout),
	  .min = SEC(1),
	  .max = SEC(120),
	  .help = "how long one delivery attempt may take" },
	{ 0 },
};

static const struct conf_spec channel_spec = {
	.name = "channel",
	.size = sizeof(struct conf_channel),
	.keys = channel_keys,
	.init = channel_init,
	.finish = channel_finish,
};

const char *const rule_op_names[] = { ">", ">=", "<", "<=", "==", "!=", NULL };

static int check_metric(struct conf_ctx *ctx, yaml_node_t *node, void *field)
{
	const char *m = *(char **)field;
	static const char *const monitor_fields[] = { "monitor.latency_ms{monitor=\"",
		                                      "monitor.uptime_24h{monitor=\"",
		                                      "monitor.down{monitor=\"", NULL };
	size_t i;

	if (strncmp(m, "host.", 5) == 0 && m[5] != '\0')
		return 0;
	if (strcmp(m, "security.violations_1h") == 0)
		return 0;
	for (i = 0; monitor_fields[i] != NULL; i++)
		if (strncmp(m, monitor_fields[i], strlen(monitor_fields[i])) == 0 &&
		    strlen(m) > strlen(monitor_fields[i]) + 2 &&
		    strcmp(m + strlen(m) - 2, "\"}") == 0)
			return 0;
	conf_error(ctx, node,
	           "\"%s\" is not a metric: host.<series> (host.cpu.percent, "
	           "host.disk.percent{mountpoint=\"/\"}...), monitor.latency_ms{monitor=\"<id>\"}, "
	           "monitor.uptime_24h{monitor=\"<id>\"}, monitor.down{monitor=\"<id>\"} or "
	           "security.violations_1h",
	           m);
	return -1;
}

static void rule_init(void *obj)
{
	struct conf_rule *r = obj;

	r->resolve_threshold = NAN;
	r->severity = SEVERITY_WARNING;
}

static const struct conf_key rule_keys[] = {
	{ .name = "name",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_rule, name),
	  .flags = CONF_REQUIRED,
	  .help = "the rule's name, unique (its alerts carry it)" },
	{ .name = "metric",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_rule, metric),
	  .flags = CONF_REQUIRED,
	  .parse = check_metric,
	  .help = "what is watched: host.<series id>, monitor.latency_ms{monitor=\"id\"}, "
	          "monitor.uptime_24h{...} (percent), monitor.down{...} (1 or 0), "
	          "security.violations_1h" },
	{ .name = "op",
	  .type = CONF_ENUM,
	  .offset = offsetof(struct conf_rule, op),
	  .names = rule_op_names,
	  .help = "how the value compares with the threshold: > >= < <= == !=" },
	{ .name = "threshold",
	  .type = CONF_FLOAT,
	  .offset = offsetof(struct conf_rule, threshold),
	  .flags = CONF_REQUIRED,
	  .help = "the value beyond which the rule holds" },
	{ .name = "resolve_threshold",
	  .type = CONF_FLOAT,
	  .offset = offsetof(struct conf_rule, resolve_threshold),
	  .help = "a firing alert resolves only once the value is no longer beyond this "
	          "(hysteresis; default: the threshold)" },
	{ .name = "for",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct conf_rule, for_ms),
	  .max = HOUR(24),
	  .help = "how long the rule must hold before the alert fires (pending until then)" },
	{ .name = "severity",
	  .type = CONF_ENUM,
	  .offset = offsetof(struct conf_rule, severity),
	  .names = alert_severity_names,
	  .help = "info, warning or critical" },
	{ .name = "channels",
	  .type = CONF_STRLIST,
	  .offset = offsetof(struct conf_rule, channels),
	  .help = "where its alerts go (default: alerting.channels_on)" },
	{ 0 },
};

static const struct conf_spec rule_spec = {
	.name = "rule",
	.size = sizeof(struct conf_rule),
	.keys = rule_keys,
	.init = rule_init,
};

static bool channel_named(const struct conf_alerting *a, const char *name)
{
	const struct conf_channel *c = a->channels.v;
	size_t j;

	for (j = 0; j < a->channels.n; j++)
		if (c[j].name && strcmp(c[j].name, name) == 0)
			return true;
	return false;
}

static void escalation_init(void *obj)
{
	((struct conf_escalation *)obj)->severity = -1;
}

static const struct conf_key escalation_keys[] = {
	{ .name = "name",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_escalation, name),
	  .help = "the level's name (for people)" },
	{ .name = "after",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct conf_escalation, after),
	  .flags = CONF_REQUIRED,
	  .min = SEC(1),
	  .max = HOUR(24 * 7),
	  .help = "how long an alert has been firing unacknowledged before this level is told" },
	{ .name = "severity",
	  .type = CONF_ENUM,
	  .offset = offsetof(struct conf_escalation, severity),
	  .names = alert_severity_names,
	  .help = "only alerts of this severity (default: all)" },
	{ .name = "channels",
	  .type = CONF_STRLIST,
	  .offset = offsetof(struct conf_escalation, channels),
	  .flags = CONF_REQUIRED,
	  .help = "the channels told at this level" },
	{ 0 },
};

static const struct conf_spec escalation_spec = {
	.name = "escalation",
	.size = sizeof(struct conf_escalation),
	.keys = escalation_keys,
	.init = escalation_init,
};

static void correlation_init(void *obj)
{
	struct conf_correlation *c = obj;

	c->window = SEC(30);
	c->share = 75;
	c->min_monitors = 4;
	c->hold = SEC(30);
}

static const struct conf_key correlation_keys[] = {
	{ .name = "window",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct conf_correlation, window),
	  .min = SEC(1),
	  .max = HOUR(1),
	  .help = "the results looked at: those of the last window" },
	{ .name = "share",
	  .type = CONF_FLOAT,
	  .offset = offsetof(struct conf_correlation, share),
	  .fmin = 1,
	  .fmax = 100,
	  .help = "the share (%) of network monitors checked in the window that failed for "
	          "network or DNS reasons for Vigil to blame its own network" },
	{ .name = "min_monitors",
	  .type = CONF_INT,
	  .offset = offsetof(struct conf_correlation, min_monitors),
	  .min = 0,
	  .max = 1000000,
	  .help = "and at least this many of them (0: correlation off)" },
	{ .name = "hold",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct conf_correlation, hold),
	  .min = 0,
	  .max = HOUR(1),
	  .help = "how long the notifications of a monitor that went down for a network or DNS "
	          "reason wait for that verdict (only with at least min_monitors network "
	          "monitors)" },
	{ 0 },
};

static const struct conf_spec correlation_spec = {
	.name = "correlation",
	.size = sizeof(struct conf_correlation),
	.keys = correlation_keys,
	.init = correlation_init,
};

static void alerting_init(void *obj)
{
	struct conf_alerting *a = obj;

	a->repeat_interval = HOUR(4);
	a->flap_high = 50;
	a->flap_low = 25;
	a->severity = SEVERITY_CRITICAL;
	a->retry_initial = SEC(1);
	a->retry_max = SEC(300);
	a->give_up_after = HOUR(24);
	a->timezone = xstrdup("UTC"); /* correlation: conf_init runs correlation_init */
}

static void alerting_finish(struct conf_ctx *ctx, yaml_node_t *node, void *obj)
{
	struct conf_alerting *a = obj;
	const struct conf_channel *c = a->channels.v;
	size_t i, j;

	for (i = 0; i < a->channels.n; i++)
		for (j = 0; j < i; j++)
			if (c[i].name && c[j].name && strcmp(c[i].name, c[j].name) == 0)
				conf_error_key(ctx, node, "channels",
				               "channel \"%s\" is named twice", c[i].name);
	for (i = 0; i < a->channels_on.n; i++)
		if (!channel_named(a, a->channels_on.v[i]))
			conf_error_key(ctx, node, "channels_on", "no channel is named \"%s\"",
			               a->channels_on.v[i]);
	for (i = 0; i < a->rules.n; i++) {
		const struct conf_rule *r = (const struct conf_rule *)a->rules.v + i;

		if (!isnan(r->resolve_threshold) &&
		    (((r->op == OP_GT || r->op == OP_GE) && r->resolve_threshold > r->threshold) ||
		     ((r->op == OP_LT || r->op == OP_LE) && r->resolve_threshold < r->threshold)))
			conf_error_key(
			        ctx, node, "rules",
			        "rule \"%s\": resolve_threshold %g must be on the other side of "
			        "threshold %g (it would resolve at once)",
			        r->name ? r->name : "", r->resolve_threshold, r->threshold);
		if (r->name != NULL && strncmp(r->name, "vigil.", 6) == 0)
			conf_error_key(
			        ctx, node, "rules",
			        "rule \"%s\": names starting with \"vigil.\" are Vigil's own",
			        r->name);
		for (j = 0; j < r->channels.n; j++)
			if (!channel_named(a, r->channels.v[j]))
				conf_error_key(ctx, node, "rules",
				               "rule \"%s\": no channel is named \"%s\"",
				               r->name ? r->name : "", r->channels.v[j]);
		for (j = 0; j < i; j++)
			if (r->name && ((const struct conf_rule *)a->rules.v)[j].name &&
			    strcmp(r->name, ((const struct conf_rule *)a->rules.v)[j].name) == 0)
				conf_error_key(ctx, node, "rules", "rule \"%s\" is named twice",
				               r->name);
	}
	for (i = 0; i < a->escalation.n; i++) {
		const struct conf_escalation *e =
		        (const struct conf_escalation *)a->escalation.v + i;

		for (j = 0; j < e->channels.n; j++)
			if (!channel_named(a, e->channels.v[j]))
				conf_error_key(ctx, node, "escalation",
				               "level %zu: no channel is named \"%s\"", i,
				               e->channels.v[j]);
		if (i > 0 &&
		    e->after <= ((const struct conf_escalation *)a->escalation.v)[i - 1].after)
			conf_error_key(ctx, node, "escalation",
			               "level %zu: after must grow from one level to the next", i);
	}
	if (a->flap_low > a->flap_high)
		conf_error_key(ctx, node, "flap_low", "is above flap_high");
	if (a->retry_max < a->retry_initial)
		conf_error_key(ctx, node, "retry_max", "is below retry_initial");
	if (a->timezone != NULL) {
		char err[200];

		if (tz_load(NULL, a->timezone, &a->tz, err, sizeof(err)) < 0)
			conf_error_key(ctx, node, "timezone", "%s", err);
	}
}

static void alerting_cleanup(void *obj)
{
	struct conf_alerting *a = obj;

	tz_free(a->tz);
	a->tz = NULL;
}

static const struct conf_key alerting_keys[] = {
	{ .name = "timezone",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_alerting, timezone),
	  .help = "IANA time zone of the times in messages, e.g. Europe/Paris (default UTC); "
	          "times always carry their offset" },
	{ .name = "channels",
	  .type = CONF_LIST,
	  .offset = offsetof(struct conf_alerting, channels),
	  .spec = &channel_spec,
	  .help = "where notifications go" },
	{ .name = "rules",
	  .type = CONF_LIST,
	  .offset = offsetof(struct conf_alerting, rules),
	  .spec = &rule_spec,
	  .help = "threshold rules on host, monitor and security metrics" },
	{ .name = "escalation",
	  .type = CONF_LIST,
	  .offset = offsetof(struct conf_alerting, escalation),
	  .spec = &escalation_spec,
	  .help = "levels told when an alert stays unacknowledged: after, channels, severity" },
	{ .name = "flap_high",
	  .type = CONF_FLOAT,
	  .offset = offsetof(struct conf_alerting, flap_high),
	  .fmin = 0,
	  .fmax = 100,
	  .help = "a monitor whose last 21 results changed state more than this share (%, "
	          "recent changes weigh more) is flapping: one alert instead of a storm (0: off)" },
	{ .name = "flap_low",
	  .type = CONF_FLOAT,
	  .offset = offsetof(struct conf_alerting, flap_low),
	  .fmin = 0,
	  .fmax = 100,
	  .help = "below this share a flapping monitor has settled" },
	{ .name = "repeat_interval",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct conf_alerting, repeat_interval),
	  .max = HOUR(24 * 7),
	  .help = "time between reminders of a firing, unacknowledged alert (0: none)" },
	{ .name = "channels_on",
	  .type = CONF_STRLIST,
	  .offset = offsetof(struct conf_alerting, channels_on),
	  .help = "the channels told when a monitor goes down and comes back (default: every "
	          "channel)" },
	{ .name = "severity",
	  .type = CONF_ENUM,
	  .offset = offsetof(struct conf_alerting, severity),
	  .names = alert_severity_names,
	  .help = "the severity of monitor alerts (info, warning, critical)" },
	{ .name = "on_degraded",
	  .type = CONF_BOOL,
	  .offset = offsetof(struct conf_alerting, on_degraded),
	  .help = "also alert (as warning) when a monitor becomes degraded" },
	{ .name = "retry_initial",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct conf_alerting, retry_initial),
	  .min = 100,
	  .max = HOUR(1),
	  .help = "the first wait before a failed delivery is tried again (then doubled, with "
	          "jitter)" },
	{ .name = "retry_max",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct conf_alerting, retry_max),
	  .min = SEC(1),
	  .max = HOUR(24),
	  .help = "the longest wait between delivery attempts" },
	{ .name = "group_window",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct conf_alerting, group_window),
	  .max = SEC(1800),
	  .help = "a notification waits this long for others to the same channel, and they go "
	          "as one message (0: each at once)" },
	{ .name = "correlation",
	  .type = CONF_SECTION,
	  .offset = offsetof(struct conf_alerting, correlation),
	  .spec = &correlation_spec,
	  .help = "when most network monitors fail at once for network or DNS reasons, they "
	          "become unknown and one alert blames Vigil's own network" },
	{ .name = "give_up_after",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct conf_alerting, give_up_after),
	  .min = SEC(10),
	  .max = HOUR(24 * 30),
	  .help = "after this a message that could not be delivered is recorded as failed" },
	{ 0 },
};

const struct conf_spec conf_alerting_spec = {
	.name = "alerting",
	.size = sizeof(struct conf_alerting),
	.keys = alerting_keys,
	.init = alerting_init,
	.finish = alerting_finish,
	.cleanup = alerting_cleanup,
};
