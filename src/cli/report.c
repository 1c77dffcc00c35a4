/* `vigil report`: the monitoring export, from a daemon's API or its database, streamed. */
#include <getopt.h>
#include <jansson.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "cli/report_int.h"
#include "conf/conf.h"
#include "conf/value.h"
#include "store/report.h"
#include "util/secret.h"
#include "util/time.h"
#include "util/timeparse.h"
#include "util/xmalloc.h"

static int run(int argc, char **argv);

const struct cli_verb cli_report_verb = {
	"report",
	run,
	"[--url URL | -c FILE] [--since 24h] [--until T] [--output FILE] [--format json|csv]",
	"export monitors, results, events, host series, alerts and incidents",
	"Writes the monitoring export of a window of time: for each monitor its\n"
	"configuration (secrets as <secret>), its results and state changes in the\n"
	"window (newest first), its figures over the window (checks by state,\n"
	"uptime, latency average, min, max and percentiles) and its 24h/7d/30d\n"
	"uptime; the host metric series (minute rollups, hour rollups past 30 days);\n"
	"the alerts and notifications of the window; the incidents with their\n"
	"updates. It is written as it is read, page by page, so a large export never\n"
	"sits in memory. docs/cli.md describes both formats.\n"
	"\n"
	"From a running daemon (the default), through its API:\n"
	"  -u, --url URL          the daemon (default: $VIGIL_URL, else\n"
	"                         http://127.0.0.1:8080)\n"
	"  -t, --token T          a bearer token with the viewer role (default:\n"
	"                         $VIGIL_TOKEN)\n"
	"      --token-file FILE  read the token from FILE (default: $VIGIL_TOKEN_FILE)\n"
	"      --timeout DUR      how long each request may take (default 30s)\n"
	"Or from the daemon's database, read-only (also while it runs):\n"
	"  -c, --config FILE      the daemon's configuration: its monitors and\n"
	"                         storage.path (relative to the current directory, else\n"
	"                         to the configuration's)\n"
	"      --db FILE          this database file instead of storage.path\n"
	"Both:\n"
	"  -s, --since T          the window's start: a duration ago (24h, 90m) or a\n"
	"                         time (RFC 3339, Unix seconds or ms); default 24h\n"
	"      --until T          the window's end (default: now)\n"
	"  -o, --output FILE      write FILE (whole or not at all: a partial export is\n"
	"                         removed) instead of standard output\n"
	"  -f, --format json|csv  json (default): one document; csv: one row per record\n"
	"                         with a record column (RFC 4180)\n"
	"      --no-progress      no progress bar (it is shown on standard error only\n"
	"                         when that is a terminal)\n"
	"  -h, --help             this help\n"
	"\n"
	"Exit status: 0 written, 1 the export failed (daemon unreachable, token\n"
	"refused, database unreadable, disk full), 2 bad command line or\n"
	"configuration.\n"
	"\n"
	"Examples:\n"
	"  vigil report --since 7d --output week.json\n"
	"  vigil report -c /etc/vigil/vigil.yaml --format csv --output last24h.csv\n"
	"  vigil report --url http://10.0.0.5:8080 --since 2026-11-01T00:00:00Z \\\n"
	"               --until 2026-12-01T00:00:00Z | jq '.summary'\n",
};

struct opts {
	struct client_args c;
	const char *config, *db, *output;
	int64_t since, until, timeout; /* Unix ms; ms */
	bool csv, no_progress, from_db;
};

/* ---------------------------------------------------------------- from the API */

struct api_src {
	struct client *c;
	struct rep_out *o;
	char err[512];
};

/* GET PATH: its JSON, or NULL with the error kept (and 503 in *UNAVAILABLE when given). */
static json_t *api_get(struct api_src *a, const char *path, bool *unavailable)
{
	struct client_reply rep;

	if (client_get(a->c, path, &rep) == 0)
		return rep.json;
	if (unavailable != NULL && (rep.status == 503 || rep.status == 404))
		*unavailable = true;
	else
		snprintf(a->err, sizeof(a->err), "%s", rep.msg);
	client_reply_free(&rep);
	return NULL;
}

typedef void (*item_fn)(struct api_src *a, json_t *item, void *arg);

/* Pages through PATH (with a query string) calling FN on every element of LIST. */
static int api_pages(struct api_src *a, const char *path, const char *list, item_fn fn, void *arg,
                     bool *unavailable)
{
	char url[1200], cursor[400] = "", esc[1000];
	json_t *doc;
	size_t i;

	for (;;) {
		if (client_escape(cursor, esc, sizeof(esc)) < 0)
			return -1;
		snprintf(url, sizeof(url), "%s%s%s", path, cursor[0] ? "&cursor=" : "", esc);
		if ((doc = api_get(a, url, unavailable)) == NULL)
			return unavailable && *unavailable ? 0 : -1;
		if (!json_is_array(json_object_get(doc, list))) {
			snprintf(a->err, sizeof(a->err), "%s%s: the answer has no \"%s\" list",
			         client_url(a->c), path, list);
			json_decref(doc);
			return -1;
		}
		for (i = 0; i < json_array_size(json_object_get(doc, list)); i++)
			fn(a, json_incref(json_array_get(json_object_get(doc, list), i)), arg);
		rep_progress(a->o, 0);
		if (!json_is_string(json_object_get(doc, "next_cursor")) ||
		    strcmp(json_string_value(json_object_get(doc, "next_cursor")), cursor) == 0) {
			json_decref(doc);
			return 0;
		}
		snprintf(cursor, sizeof(cursor), "%s",
		         json_string_value(json_object_get(doc, "next_cursor")));
		json_decref(doc);
	}
}

static void api_result(struct api_src *a, json_t *r, void *arg)
{
	rep_result(a->o, r);
}

static void api_event(struct api_src *a, json_t *e, void *arg)
{
	rep_event(a->o, e);
}

static void api_alert(struct api_src *a, json_t *v, void *arg)
{
	rep_alert(a->o, v);
}

static void api_notification(struct api_src *a, json_t *v, void *arg)
{
	rep_notification(a->o, v);
}

static void api_incident(struct api_src *a, json_t *v, void *arg)
{
	rep_incident(a->o, v);
}

/* One monitor: its detail, then its results and events page by page. 1: gone meanwhile. */
static int api_monitor(struct api_src *a, const char *id)
{
	static const char *const keep[] = { "id",     "name",  "group",  "type",  "origin",
		                            "status", "since", "uptime", "config" };
	char esc[400], path[700];
	bool gone = false;
	json_t *d, *head = json_object();
	size_t i;

	if (client_escape(id, esc, sizeof(esc)) < 0)
		return -1;
	snprintf(path, sizeof(path), "/api/v1/monitors/%s", esc);
	if ((d = api_get(a, path, &gone)) == NULL) {
		json_decref(head);
		return gone ? 1 : -1;
	}
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if (json_object_get(d, keep[i]) != NULL)
			json_object_set(head, keep[i], json_object_get(d, keep[i]));
	json_decref(d);
	rep_monitor_begin(a->o, head, id);
	snprintf(path, sizeof(path), "/api/v1/monitors/%s/results?since=%lld&until=%lld&limit=%d",
	         esc, (long long)a->o->since, (long long)a->o->until, REPORT_PAGE);
	if (api_pages(a, path, "results", api_result, NULL, NULL) < 0)
		return -1;
	rep_events_begin(a->o);
	snprintf(path, sizeof(path), "/api/v1/monitors/%s/events?since=%lld&limit=%d", esc,
	         (long long)a->o->since, REPORT_PAGE);
	if (api_pages(a, path, "events", api_event, NULL, NULL) < 0)
		return -1;
	rep_monitor_end(a->o);
	return 0;
}

static void api_series_name(struct api_src *a, json_t *name, void *arg)
{
	if (json_is_string(name))
		json_array_append(arg, name);
	json_decref(name);
}

static int api_host(struct api_src *a)
{
	json_t *names = json_array(), *doc;
	bool off = false;
	char esc[600], path[900];
	size_t i, j;
	int64_t step = a->o->until - a->o->since > 30LL * 86400000 ? 3600 : 60;

	if (api_pages(a, "/api/v1/host/series?limit=256", "series", api_series_name, names, &off) <
	    0) {
		json_decref(names);
		return -1;
	}
	for (i = 0; i < json_array_size(names); i++) {
		const char *m = json_string_value(json_array_get(names, i));
		bool missing = false;

		if (client_escape(m, esc, sizeof(esc)) < 0)
			continue;
		snprintf(path, sizeof(path),
		         "/api/v1/host/series?metric=%s&since=%lld&until=%lld&step=%llds", esc,
		         (long long)a->o->since, (long long)a->o->until, (long long)step);
		if ((doc = api_get(a, path, &missing)) == NULL) {
			if (missing)
				continue;
			json_decref(names);
			return -1;
		}
		rep_series_begin(a->o, m, step);
		for (j = 0; j < json_array_size(json_object_get(doc, "points")); j++)
			rep_series_point(
			        a->o, m,
			        json_incref(json_array_get(json_object_get(doc, "points"), j)));
		rep_series_end(a->o);
		json_decref(doc);
	}
	json_decref(names);
	return 0;
}

static int from_api(struct rep_out *o, struct client *c, char *err, size_t errlen)
{
	struct api_src a = { c, o, "" };
	json_t *list = api_get(&a, "/api/v1/monitors", NULL);
	const json_t *mons = json_object_get(list, "monitors");
	size_t i;
	int r = 0;

	if (list == NULL || !json_is_array(mons)) {
		snprintf(err, errlen, "%s",
		         list ? "/api/v1/monitors: no \"monitors\" list" : a.err);
		json_decref(list);
		return -1;
	}
	o->total = (int64_t)json_array_size(mons);
	o->unit = "monitors";
	rep_begin(o, client_url(c));
	for (i = 0; i < json_array_size(mons) && r >= 0; i++) {
		const char *id = json_string_value(json_object_get(json_array_get(mons, i), "id"));

		if (id != NULL && (r = api_monitor(&a, id)) == 1)
			fprintf(stderr, "vigil report: monitor %s was removed meanwhile\n", id);
		rep_progress(o, 1);
	}
	json_decref(list);
	if (r >= 0) {
		rep_section(o, "host_series");
		r = api_host(&a);
	}
	if (r >= 0) {
		rep_section(o, "alerts");
		r = api_pages(&a, "/api/v1/alerts?limit=1000", "alerts", api_alert, NULL, NULL);
	}
	if (r >= 0) {
		rep_section(o, "notifications");
		r = api_pages(&a, "/api/v1/notifications?limit=1000", "notifications",
		              api_notification, NULL, NULL);
	}
	if (r >= 0) {
		rep_section(o, "incidents");
		r = api_pages(&a, "/api/v1/incidents?limit=500", "incidents", api_incident, NULL,
		              NULL);
	}
	if (r < 0) {
		snprintf(err, errlen, "%s", a.err[0] ? a.err : "the export failed");
		return -1;
	}
	rep_end(o);
	return 0;
}

/* ---------------------------------------------------------------- the verb */

static int parse_time(const char *flag, const char *s, int64_t now, int64_t *out)
{
	if (time_parse(s, now, out) == 0)
		return 0;
	return cli_usage_error(&cli_report_verb,
	                       "%s: \"%s\" is not a time (24h, 90m, 2026-11-24T05:00:00Z, Unix "
	                       "seconds or ms)",
	                       flag, s);
}

static int parse_format(const char *s, struct opts *o)
{
	if (strcmp(s, "json") != 0 && strcmp(s, "csv") != 0)
		return cli_usage_error(&cli_report_verb, "--format: \"%s\" is not json or csv", s);
	o->csv = strcmp(s, "csv") == 0;
	return 0;
}

/* Returns 0, 1 after --help, or CLI_USAGE. */
static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option longs[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "token", required_argument, NULL, 't' },
		{ "token-file", required_argument, NULL, 'F' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'D' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'U' },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "no-progress", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int64_t now = time_wall_ms();
	const char *since = "24h", *until = NULL;
	int c, r = 0;

	opterr = 0;
	optind = 1;
	o->timeout = 30000;
	while (r == 0 && (c = getopt_long(argc, argv, ":u:t:c:s:o:f:h", longs, NULL)) != -1) {
		switch (c) {
		case 'u':
			o->c.url = optarg;
			break;
		case 't':
			o->c.token = optarg;
			break;
		case 'F':
			o->c.token_file = optarg;
			break;
		case 'c':
			o->config = optarg;
			break;
		case 'D':
			o->db = optarg;
			break;
		case 's':
			since = optarg;
			break;
		case 'U':
			until = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'P':
			o->no_progress = true;
			break;
		case 'f':
			r = parse_format(optarg, o);
			break;
		case 'T':
			if (conf_duration_parse(optarg, &o->timeout) < 0 || o->timeout <= 0)
				r = cli_usage_error(&cli_report_verb,
				                    "--timeout: \"%s\" is not a duration", optarg);
			break;
		case 'h':
			cli_verb_help(&cli_report_verb);
			return 1;
		default:
			return cli_usage_error(&cli_report_verb, "%s \"%s\"",
			                       c == ':' ? "missing the argument of"
			                                : "unknown option",
			                       argv[optind - 1]);
		}
	}
	if (r != 0)
		return r;
	if (optind < argc)
		return cli_usage_error(&cli_report_verb, "unexpected argument \"%s\"",
		                       argv[optind]);
	o->from_db = o->config != NULL || o->db != NULL;
	if (o->from_db && (o->c.url || o->c.token || o->c.token_file))
		return cli_usage_error(&cli_report_verb,
		                       "--url and --token read a daemon; -c and --db its database: "
		                       "give one or the other");
	o->until = now;
	if (parse_time("--since", since, now, &o->since) ||
	    (until && parse_time("--until", until, now, &o->until)))
		return CLI_USAGE;
	if (o->since >= o->until)
		return cli_usage_error(&cli_report_verb, "--since must be before --until");
	return 0;
}

/* The database of CFG: PATH as given, else relative to the configuration's directory. */
static char *db_path(const struct opts *o, const struct vigil_config *cfg)
{
	char *dir, *alt;

	if (o->db != NULL)
		return xstrdup(o->db);
	if (cfg->storage.path == NULL)
		return NULL;
	if (cfg->storage.path[0] == '/' || access(cfg->storage.path, F_OK) == 0 ||
	    strcmp(cfg->source, CONF_BUILTIN) == 0)
		return xstrdup(cfg->storage.path);
	dir = xstrdup(cfg->source);
	alt = xasprintf("%s/%s", dirname(dir), cfg->storage.path);
	free(dir);
	if (access(alt, F_OK) == 0)
		return alt;
	free(alt);
	return xstrdup(cfg->storage.path);
}

/* Where the export goes: FILE.partial (renamed at the end) or standard output. */
static FILE *open_output(const struct opts *o, char **tmp)
{
	FILE *f;

	*tmp = NULL;
	if (o->output == NULL || strcmp(o->output, "-") == 0)
		return stdout;
	*tmp = xasprintf("%s.partial", o->output);
	f = fopen(*tmp, "w");
	if (f == NULL) {
		perror(*tmp);
		free(*tmp);
		*tmp = NULL;
	}
	return f;
}

/* Flushes and closes F, renames TMP to the output; returns 0, or -1 after saying why. */
static int close_output(const struct opts *o, FILE *f, char *tmp, bool ok)
{
	bool bad = fflush(f) != 0 || ferror(f);

	if (tmp == NULL) {
		if (bad)
			fprintf(stderr, "vigil report: cannot write the standard output\n");
		return bad || !ok ? -1 : 0;
	}
	bad = fclose(f) != 0 || bad;
	if (bad)
		fprintf(stderr, "vigil report: cannot write %s\n", tmp);
	if (bad || !ok || rename(tmp, o->output) != 0) {
		if (ok && !bad)
			perror(o->output);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

static struct vigil_config *load_config(const struct opts *o)
{
	struct conf_diag d = { 0 };
	struct vigil_config *cfg = conf_load_auto(o->config, &d);
	size_t i;

	for (i = 0; cfg == NULL && i < d.n; i++)
		fprintf(stderr, "%s\n", d.msgs[i]);
	conf_diag_free(&d);
	if (cfg != NULL && cfg->storage.url != NULL && o->db == NULL) {
		fprintf(stderr, "vigil report: %s keeps its history in PostgreSQL: use --url\n",
		        cfg->source);
		conf_unref(cfg);
		return NULL;
	}
	return cfg;
}

static int run(int argc, char **argv)
{
	struct opts op = { 0 };
	struct rep_out o = { 0 };
	struct vigil_config *cfg = NULL;
	struct report_db *db = NULL;
	struct client *c = NULL;
	char err[600] = "", *tmp, *path = NULL;
	int p = parse(argc, argv, &op), r;

	if (p != 0)
		return p == 1 ? CLI_OK : CLI_USAGE;
	if (op.from_db) {
		if ((cfg = load_config(&op)) == NULL)
			return CLI_USAGE;
		path = db_path(&op, cfg);
		db = path ? report_db_open(path, err, sizeof(err)) : NULL;
		if (db == NULL) {
			fprintf(stderr, "vigil report: %s\n", path ? err : "no storage.path");
			conf_unref(cfg);
			free(path);
			return CLI_FAIL;
		}
		o.secrets = secret_set_count(cfg->secrets) ? cfg->secrets : NULL;
	} else if ((c = client_new(&op.c, 5000, (long)op.timeout, err, sizeof(err))) == NULL) {
		fprintf(stderr, "vigil report: %s\n", err);
		return CLI_USAGE;
	}
	o.f = open_output(&op, &tmp);
	o.csv = op.csv;
	o.since = op.since;
	o.until = op.until;
	o.progress = !op.no_progress && isatty(STDERR_FILENO) &&
	             !(o.f == stdout && isatty(STDOUT_FILENO));
	r = o.f == NULL  ? -1
	    : op.from_db ? report_from_db(&o, cfg, db, path, err, sizeof(err))
	                 : from_api(&o, c, err, sizeof(err));
	rep_progress_end(&o);
	if (r < 0 && err[0])
		fprintf(stderr, "vigil report: %s\n", err);
	if (o.f != NULL && close_output(&op, o.f, tmp, r == 0) < 0)
		r = -1;
	report_db_close(db);
	conf_unref(cfg);
	client_free(c);
	free(path);
	return r == 0 ? CLI_OK : CLI_FAIL;
}
