/* `vigil status [--url URL] [--token T] [--json]`: a running daemon's state, Nagios codes. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "conf/value.h"
#include "tui/model.h"
#include "util/xmalloc.h"

#define STATUS_UNKNOWN 3 /* Nagios UNKNOWN: we could not tell */
#define NAME_W         28
#define WHY_W          60

static int run(int argc, char **argv);

const struct cli_verb cli_status_verb = {
	"status",
	run,
	"[--url URL] [--token T | --token-file FILE] [--json] [--timeout DUR]",
	"print a running daemon's monitors, host gauges and state; Nagios exit code",
	"Asks a running daemon (through its HTTP API) for its monitors, this host's\n"
	"gauges and the firing alerts, and prints one screen: the overall state on\n"
	"the first line, Nagios style (\"CRITICAL - ...\"), the host gauges, then a\n"
	"table of the monitors, down first: state, name, type, last latency, uptime\n"
	"over 24 h and the reason of the last check.\n"
	"\n"
	"  -u, --url URL          the daemon (default: $VIGIL_URL, else\n"
	"                         http://127.0.0.1:8080)\n"
	"  -t, --token T          a bearer token with the viewer role (default:\n"
	"                         $VIGIL_TOKEN; prefer it or --token-file: a command\n"
	"                         line is visible to other users)\n"
	"      --token-file FILE  read the token from the first line of FILE\n"
	"                         (default: $VIGIL_TOKEN_FILE)\n"
	"  -j, --json             print the API's answers as one JSON object instead:\n"
	"                         {\"status\", \"exit_code\", \"url\", \"counts\", \"health\",\n"
	"                         \"monitors\", \"host\", \"alerts\"} (host and alerts are\n"
	"                         null when the daemon has none to give)\n"
	"      --timeout DUR      how long each request may take (default 5s)\n"
	"  -h, --help             this help\n"
	"\n"
	"The overall state is the worst monitor's: any monitor down is CRITICAL, any\n"
	"degraded is WARNING, else OK (unknown, paused and maintenance count as OK).\n"
	"\n"
	"Exit status (Nagios plugin codes):\n"
	"  0  OK        no monitor down or degraded\n"
	"  1  WARNING   a monitor is degraded\n"
	"  2  CRITICAL  a monitor is down\n"
	"  3  UNKNOWN   the daemon cannot be reached, refuses the token, answers\n"
	"               something that is not Vigil's JSON, or a bad command line\n"
	"\n"
	"Examples:\n"
	"  vigil status\n"
	"  VIGIL_TOKEN_FILE=/run/secrets/vigil vigil status --url http://10.0.0.5:8080\n"
	"  vigil status --json | jq '.monitors.monitors[] | select(.status == \"down\")'\n",
};

struct opts {
	struct client_args c;
	int json;
	int64_t timeout;
};

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option longs[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "token", required_argument, NULL, 't' },
		{ "token-file", required_argument, NULL, 'F' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	optind = 1;
	o->timeout = 5000;
	while ((c = getopt_long(argc, argv, ":u:t:jh", longs, NULL)) != -1) {
		if (c == 'u')
			o->c.url = optarg;
		else if (c == 't')
			o->c.token = optarg;
		else if (c == 'F')
			o->c.token_file = optarg;
		else if (c == 'j')
			o->json = 1;
		else if (c == 'T') {
			if (conf_duration_parse(optarg, &o->timeout) < 0 || o->timeout <= 0)
				return cli_usage_error(&cli_status_verb,
				                       "--timeout: \"%s\" is not a duration",
				                       optarg);
		} else if (c == 'h') {
			cli_verb_help(&cli_status_verb);
			return 1;
		} else
			return cli_usage_error(&cli_status_verb, "%s \"%s\"",
			                       c == ':' ? "missing the argument of"
			                                : "unknown option",
			                       argv[optind - 1]);
	}
	if (optind < argc)
		return cli_usage_error(&cli_status_verb, "unexpected argument \"%s\"",
		                       argv[optind]);
	return 0;
}

/* The answers of the daemon. MONITORS is required; the others may be NULL. */
struct answers {
	json_t *monitors, *host, *alerts, *health;
};

/* GET PATH; its JSON, or NULL (and the error in ERR when ERR is given). */
static json_t *fetch(struct client *c, const char *path, char *err, size_t errlen)
{
	struct client_reply rep;
	json_t *j;

	if (client_get(c, path, &rep) < 0) {
		if (err != NULL)
			snprintf(err, errlen, "%s", rep.msg);
		client_reply_free(&rep);
		return NULL;
	}
	j = rep.json;
	rep.json = NULL;
	return j;
}

/* A percentage, or "-" before there is one (rates need two samples). */
static void print_pct(double v)
{
	if (v < 0)
		printf("-");
	else
		printf("%.1f%%", v);
}

static void print_host(const struct model_host *h)
{
	if (!h->have) {
		printf("host: no sample (host metrics are off, or the first is not taken yet)\n");
		return;
	}
	printf("host %s: cpu ", h->hostname[0] ? h->hostname : "-");
	print_pct(h->cpu);
	printf("  memory ");
	print_pct(h->mem);
	if (h->disk >= 0)
		printf("  disk %.1f%% (%s)", h->disk, h->disk_mount);
	if (h->load1 >= 0)
		printf("  load %.2f %.2f %.2f", h->load1, h->load5, h->load15);
	if (h->cpus > 0)
		printf(" (%d cpu%s)", h->cpus, h->cpus == 1 ? "" : "s");
	printf("\n");
}

static void print_monitor(const struct model_monitor *mm)
{
	char lat[24], up[24], why[WHY_W + 1], line[300];

	model_fmt_latency(mm->latency_ms, lat, sizeof(lat));
	model_fmt_uptime(mm->uptime, up, sizeof(up));
	snprintf(line, sizeof(line), "%s%s%s", mm->reason[0] ? mm->reason : "-",
	         mm->message[0] ? ": " : "", mm->message);
	model_copy(why, sizeof(why), line);
	printf("%-11s %-*.*s %-8s %9s %10s  %s\n", mm->status, NAME_W, NAME_W, mm->name, mm->type,
	       lat, up, why);
}

static void print_text(const char *url, const struct model *m, const struct answers *a,
                       enum model_overall o)
{
	const char *health = json_string_value(json_object_get(a->health, "status"));
	size_t *idx = xcalloc(m->nmon + 1, sizeof(*idx));
	size_t n = model_view(m, MODEL_SORT_STATE, NULL, idx, m->nmon), i, firing = 0;

	for (i = 0; i < m->nalerts; i++)
		firing += m->alerts[i].acked_by[0] == '\0';
	printf("%s - vigil at %s: %zu monitor%s: %zu down, %zu degraded, %zu up, %zu other\n",
	       model_overall_str(o), url, m->nmon, m->nmon == 1 ? "" : "s", model_count(m, "down"),
	       model_count(m, "degraded"), model_count(m, "up"),
	       m->nmon - model_count(m, "down") - model_count(m, "degraded") -
	               model_count(m, "up"));
	printf("vigil health: %s", health ? health : "-");
	if (a->alerts != NULL)
		printf("   alerts firing: %zu (%zu unacknowledged)", m->nalerts, firing);
	printf("\n");
	print_host(&m->host);
	if (n > 0)
		printf("\n%-11s %-*s %-8s %9s %10s  %s\n", "STATE", NAME_W, "MONITOR", "TYPE",
		       "LATENCY", "UPTIME 24H", "REASON");
	for (i = 0; i < n; i++)
		print_monitor(&m->mon[idx[i]]);
	free(idx);
}

static void print_json(const char *url, const struct model *m, struct answers *a,
                       enum model_overall o)
{
	json_t *doc = json_pack(
	        "{s:s,s:i,s:s,s:{s:I,s:I,s:I,s:I},s:O?,s:O,s:O?,s:O?}", "status",
	        model_overall_str(o), "exit_code", (int)o, "url", url, "counts", "total",
	        (json_int_t)m->nmon, "down", (json_int_t)model_count(m, "down"), "degraded",
	        (json_int_t)model_count(m, "degraded"), "up", (json_int_t)model_count(m, "up"),
	        "health", a->health, "monitors", a->monitors, "host", a->host, "alerts", a->alerts);

	json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	printf("\n");
	json_decref(doc);
}

static int unknown(const struct opts *o, const char *url, const char *why)
{
	if (o->json) {
		json_t *doc = json_pack("{s:s,s:i,s:s,s:s}", "status", "UNKNOWN", "exit_code",
		                        STATUS_UNKNOWN, "url", url, "error", why);

		json_dumpf(doc, stdout, JSON_INDENT(2));
		printf("\n");
		json_decref(doc);
	} else {
		printf("UNKNOWN - %s\n", why);
	}
	return STATUS_UNKNOWN;
}

static void answers_free(struct answers *a)
{
	json_decref(a->monitors);
	json_decref(a->host);
	json_decref(a->alerts);
	json_decref(a->health);
}

/* Reads everything; returns 0, or -1 with ERR when the monitors could not be had. */
static int gather(struct client *c, struct model *m, struct answers *a, char *err, size_t errlen)
{
	char why[200];

	if ((a->monitors = fetch(c, "/api/v1/monitors", err, errlen)) == NULL)
		return -1;
	if (model_set_monitors(m, a->monitors, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s/api/v1/monitors: %s (is this a vigil daemon?)",
		         client_url(c), why);
		return -1;
	}
	a->host = fetch(c, "/api/v1/host", NULL, 0);
	if (a->host != NULL)
		model_set_host(&m->host, a->host, why, sizeof(why));
	a->alerts = fetch(c, "/api/v1/alerts?state=firing&limit=1000", NULL, 0);
	if (a->alerts != NULL && model_set_alerts(m, a->alerts, why, sizeof(why)) < 0) {
		json_decref(a->alerts);
		a->alerts = NULL;
	}
	a->health = fetch(c, "/health", NULL, 0);
	return 0;
}

static int run(int argc, char **argv)
{
	struct opts o = { 0 };
	struct answers a = { 0 };
	struct model m;
	struct client *c;
	enum model_overall overall;
	char err[512];
	int p = parse(argc, argv, &o);

	if (p != 0)
		return p == 1 ? CLI_OK : STATUS_UNKNOWN;
	c = client_new(&o.c, (long)o.timeout, (long)o.timeout, err, sizeof(err));
	if (c == NULL) {
		fprintf(stderr, "vigil status: %s\n", err);
		return STATUS_UNKNOWN;
	}
	model_init(&m);
	if (gather(c, &m, &a, err, sizeof(err)) < 0) {
		int r = unknown(&o, client_url(c), err);

		answers_free(&a);
		model_free(&m);
		client_free(c);
		return r;
	}
	overall = model_overall(&m);
	if (o.json)
		print_json(client_url(c), &m, &a, overall);
	else
		print_text(client_url(c), &m, &a, overall);
	answers_free(&a);
	model_free(&m);
	client_free(c);
	return (int)overall;
}
