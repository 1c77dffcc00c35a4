/* `vigil top [--url URL] [--token T] [--interval DUR]`: the live terminal dashboard. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "conf/value.h"
#include "tui/top.h"

#define CONNECT_MS 1000 /* a call may hold the screen this long at most... */
#define TOTAL_MS   2000 /* ...and this long in all */

static int run(int argc, char **argv);

const struct cli_verb cli_top_verb = {
	"top",
	run,
	"[--url URL] [--token T | --token-file FILE] [--interval DUR]",
	"a live terminal dashboard of a running daemon",
	"Shows a running daemon live, through its HTTP API: the overall state, this\n"
	"host's gauges (CPU, memory, the fullest disk, load), every monitor (down\n"
	"first, then by name) with its state, last latency, uptime over 24 h, a\n"
	"sparkline of its recent latencies and the reason of its last check, and the\n"
	"firing alerts. Colours follow the states (plain text on a terminal without\n"
	"colours, or with $NO_COLOR set); it fits 80x24 and follows resizes. When the\n"
	"daemon cannot be reached or refuses the token it says so on the screen and\n"
	"keeps retrying: every interval, or every 30 s after a refused token (failed\n"
	"authentications count against the address); r retries at once.\n"
	"\n"
	"  -u, --url URL          the daemon (default: $VIGIL_URL, else\n"
	"                         http://127.0.0.1:8080)\n"
	"  -t, --token T          a bearer token: viewer to watch, operator to\n"
	"                         acknowledge alerts (default: $VIGIL_TOKEN; prefer it\n"
	"                         or --token-file: a command line is visible to others)\n"
	"      --token-file FILE  read the token from the first line of FILE\n"
	"                         (default: $VIGIL_TOKEN_FILE)\n"
	"  -i, --interval DUR     time between refreshes (default 2s, at least 200ms)\n"
	"  -h, --help             this help\n"
	"\n"
	"Keys:\n"
	"  r refresh now, q quit, Up/Down or j/k move (PgUp/PgDn, Home/End),\n"
	"  Enter a monitor's detail (recent results and state changes), Esc or q back,\n"
	"  / filter (by name, id, group, type, state or reason; Enter keeps it, Esc\n"
	"  cancels), s cycle the sort (state, name, latency, uptime), Tab between the\n"
	"  monitors and the firing alerts, a acknowledge the selected alert (or the\n"
	"  selected monitor's), ? help.\n"
	"\n"
	"Each request may take 2 s at most, so a stuck daemon never freezes the\n"
	"screen for longer.\n"
	"\n"
	"Exit status: 0 when quit, 1 when the terminal cannot be used, 2 for a bad\n"
	"command line.\n"
	"\n"
	"Examples:\n"
	"  vigil top\n"
	"  VIGIL_TOKEN_FILE=/run/secrets/vigil-ops vigil top --url http://10.0.0.5:8080\n"
	"  vigil top --interval 5s\n",
};

static int run(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "token", required_argument, NULL, 't' },
		{ "token-file", required_argument, NULL, 'F' },
		{ "interval", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct client_args a = { 0 };
	int64_t interval = 2000;
	struct client *c;
	char err[400];
	int ch, r;

	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":u:t:i:h", longs, NULL)) != -1) {
		if (ch == 'u')
			a.url = optarg;
		else if (ch == 't')
			a.token = optarg;
		else if (ch == 'F')
			a.token_file = optarg;
		else if (ch == 'i') {
			if (conf_duration_parse(optarg, &interval) < 0 || interval < 200)
				return cli_usage_error(
				        &cli_top_verb,
				        "--interval: \"%s\" is not a duration of 200ms "
				        "or more",
				        optarg);
		} else if (ch == 'h')
			return cli_verb_help(&cli_top_verb);
		else
			return cli_usage_error(&cli_top_verb, "%s \"%s\"",
			                       ch == ':' ? "missing the argument of"
			                                 : "unknown option",
			                       argv[optind - 1]);
	}
	if (optind < argc)
		return cli_usage_error(&cli_top_verb, "unexpected argument \"%s\"", argv[optind]);
	c = client_new(&a, CONNECT_MS, TOTAL_MS, err, sizeof(err));
	if (c == NULL) {
		fprintf(stderr, "vigil top: %s\n", err);
		return CLI_USAGE;
	}
	r = tui_top_run(c, interval);
	client_free(c);
	return r == 0 ? CLI_OK : CLI_FAIL;
}
