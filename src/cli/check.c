/* `vigil check [-c FILE] [--monitor NAME | URL] [--verbose] [--json]`: one check, Nagios codes. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/oneshot.h"
#include "conf/conf.h"
#include "conf/value.h"
#include "probe/http.h"
#include "util/secret.h"

static int run(int argc, char **argv);

const struct cli_verb cli_check_verb = {
	"check",
	run,
	"[-c FILE] [--monitor NAME | URL] [--verbose] [--json]",
	"run one check now and exit with its Nagios code",
	"Runs one check in this process and prints one line, Nagios style:\n"
	"  OK|WARNING|CRITICAL|UNKNOWN - <message> | time=<seconds>s\n"
	"Exit status: 0 up, 1 degraded, 2 down, 3 unknown. Docker HEALTHCHECK and\n"
	"Kubernetes exec probes can call it directly.\n"
	"\n"
	"  URL                 an http:// or https:// URL (expects a 2xx answer),\n"
	"                      tcp://host:port (expects a connection),\n"
	"                      redis://[:password@]host:port[/db] (expects PONG), or\n"
	"                      postgres://user[:password]@host:port/db (connects)\n"
	"  -c, --config FILE   the configuration holding the monitor\n"
	"  -m, --monitor NAME  the monitor to run (its name or id)\n"
	"  -t, --timeout DUR   for a URL: how long the check may take (default 10s)\n"
	"  -v, --verbose       also print the timings and every condition\n"
	"  -j, --json          print the result as JSON instead\n",
};

static const char *const nagios_words[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

struct opts {
	const char *config, *monitor, *target;
	int64_t timeout;
	int verbose, json;
};

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option longs[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "monitor", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	optind = 1;
	o->timeout = 10000;
	while ((c = getopt_long(argc, argv, ":c:m:t:vjh", longs, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case 'm':
			o->monitor = optarg;
			break;
		case 't':
			if (conf_duration_parse(optarg, &o->timeout) < 0 || o->timeout <= 0)
				return cli_usage_error(&cli_check_verb, "\"%s\" is not a duration",
				                       optarg);
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'h':
			cli_verb_help(&cli_check_verb);
			return 1;
		case ':':
			return cli_usage_error(&cli_check_verb, "%s needs an argument",
			                       argv[optind - 1]);
		default:
			return cli_usage_error(&cli_check_verb, "unknown option \"%s\"",
			                       argv[optind - 1]);
		}
	}
	if (optind < argc)
		o->target = argv[optind++];
	if (optind < argc)
		return cli_usage_error(&cli_check_verb, "unexpected argument \"%s\"", argv[optind]);
	if ((o->target == NULL) == (o->monitor == NULL))
		return cli_usage_error(&cli_check_verb, "give a URL, or -c FILE --monitor NAME");
	return 0;
}

static const struct monitor_conf *find_monitor(const struct vigil_config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->monitors.n; i++)
		if (strcmp(cfg->monitors.v[i].name, name) == 0 ||
		    strcmp(cfg->monitors.v[i].id, name) == 0)
			return &cfg->monitors.v[i];
	return NULL;
}

static void print_condition(void *arg, const char *kind, const char *text, bool holds,
                            const char *desc)
{
	json_t *list = arg;

	if (list != NULL) {
		json_array_append_new(list,
		                      json_pack("{s:s,s:s,s:b,s:s}", "kind", kind, "condition",
		                                text, "holds", holds, "detail", desc));
		return;
	}
	printf("  %-11s %-5s %s\n", kind, holds ? "true" : "false", desc);
}

static void print_ms(const char *name, int64_t ns)
{
	if (ns >= 0)
		printf(" %s %.3f ms", name, (double)ns / 1e6);
}

static void print_text(const struct monitor_conf *mon, const struct probe_result *r, int verbose)
{
	int i;

	printf("%s - %s | time=%.6fs;;;0%s%s\n", nagios_words[status_nagios(r->status)], r->message,
	       (double)r->latency_ns / 1e9, r->perfdata ? " " : "", r->perfdata ? r->perfdata : "");
	if (!verbose)
		return;
	printf("  monitor     %s (%s)\n  reason      %s\n  latency     %.3f ms\n", mon->name,
	       mon->type, probe_outcome_str(r->outcome), (double)r->latency_ns / 1e6);
	if (r->ip[0])
		printf("  address     %s\n", r->ip);
	if (r->http_status)
		printf("  http        %d\n", r->http_status);
	printf("  timings    ");
	print_ms("resolve", r->t_resolve);
	print_ms("connect", r->t_connect);
	print_ms("tls", r->t_tls);
	print_ms("processing", r->t_processing);
	print_ms("transfer", r->t_transfer);
	printf("\n");
	if (r->cert_expiry)
		printf("  cert expiry %lld (Unix time)\n", (long long)r->cert_expiry);
	for (i = 0; i < r->nvalues; i++)
		printf("  %-11s %.10g\n", r->values[i].name, r->values[i].v);
	probe_each_condition(mon, r, print_condition, NULL);
}

static void print_json(const struct monitor_conf *mon, const struct probe_result *r)
{
	json_t *conds = json_array(), *o;
	char *text;

	probe_each_condition(mon, r, print_condition, conds);
	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:f,s:i,s:o}", "monitor", mon->name, "type", mon->type,
	              "status", status_str(r->status), "reason", probe_outcome_str(r->outcome),
	              "message", r->message, "latency_ms", (double)r->latency_ns / 1e6, "exit_code",
	              status_nagios(r->status), "conditions", conds);
	if (r->http_status)
		json_object_set_new(o, "http_status", json_integer(r->http_status));
	if (r->ip[0])
		json_object_set_new(o, "ip", json_string(r->ip));
	if (r->cert_expiry)
		json_object_set_new(o, "certificate_expiry", json_integer(r->cert_expiry));
	if (r->nvalues > 0) {
		json_t *v = json_object();
		int i;

		for (i = 0; i < r->nvalues; i++)
			json_object_set_new(v, r->values[i].name, json_real(r->values[i].v));
		json_object_set_new(o, "values", v);
	}
	if (r->perfdata != NULL)
		json_object_set_new(o, "perfdata", json_string(r->perfdata));
	text = json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	puts(text);
	free(text);
	json_decref(o);
}

static int run(int argc, char **argv)
{
	struct opts o = { 0 };
	struct conf_diag diag = { 0 };
	struct vigil_config *cfg;
	const struct monitor_conf *mon;
	struct probe_result r;
	int code, p = parse(argc, argv, &o);
	size_t i;

	if (p != 0)
		return p == 1 ? CLI_OK : CLI_USAGE; /* 1: --help was printed */
	if (o.target != NULL) {
		cfg = oneshot_config(o.target, o.timeout);
	} else {
		const char *path = conf_auto_path(o.config);

		cfg = path ? conf_load_file(path, &diag) : conf_load_default(&diag);
		for (i = 0; i < diag.n; i++)
			fprintf(stderr, "%s\n", diag.msgs[i]);
		conf_diag_free(&diag);
	}
	if (cfg == NULL)
		return 3; /* UNKNOWN: we could not check */
	mon = o.target ? &cfg->monitors.v[0] : find_monitor(cfg, o.monitor);
	if (mon == NULL) {
		fprintf(stderr, "vigil check: no monitor named \"%s\" in %s\n", o.monitor,
		        cfg->source);
		conf_unref(cfg);
		return 3;
	}
	oneshot_run(mon, &r);
	if (o.json)
		print_json(mon, &r);
	else
		print_text(mon, &r, o.verbose);
	code = status_nagios(r.status);
	probe_result_free(&r);
	conf_unref(cfg);
	return code;
}
