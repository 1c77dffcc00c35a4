/* `vigil wait URL|tcp://host:port [--timeout 300s] [--interval 2s]`: block until healthy. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/oneshot.h"
#include "conf/conf.h"
#include "conf/value.h"
#include "util/time.h"

#define CHECK_TIMEOUT_MS 10000

static int run(int argc, char **argv);

const struct cli_verb cli_wait_verb = {
	"wait",
	run,
	"URL|tcp://host:port [--timeout 300s] [--interval 2s]",
	"wait until a target is healthy",
	"Checks the target every interval until it is healthy (exit 0) or the\n"
	"timeout passes (exit 2). An http(s) URL is healthy when it answers 2xx; a\n"
	"tcp://host:port when it accepts a connection; redis://host:port when it\n"
	"answers PING; postgres://user@host:port/db when it accepts the login.\n"
	"Useful before starting a service that needs another one. A progress line\n"
	"goes to stderr when it is a terminal.\n"
	"\n"
	"  -t, --timeout DUR    give up after this long (default 300s)\n"
	"  -i, --interval DUR   time between checks (default 2s)\n",
};

static int parse(int argc, char **argv, const char **target, int64_t *timeout, int64_t *interval)
{
	static const struct option longs[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "interval", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":t:i:h", longs, NULL)) != -1) {
		int64_t *dst = c == 't' ? timeout : interval;

		switch (c) {
		case 't':
		case 'i':
			if (conf_duration_parse(optarg, dst) < 0 || *dst <= 0)
				return cli_usage_error(&cli_wait_verb, "\"%s\" is not a duration",
				                       optarg);
			break;
		case 'h':
			cli_verb_help(&cli_wait_verb);
			return 1;
		case ':':
			return cli_usage_error(&cli_wait_verb, "%s needs an argument",
			                       argv[optind - 1]);
		default:
			return cli_usage_error(&cli_wait_verb, "unknown option \"%s\"",
			                       argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return cli_usage_error(&cli_wait_verb, "give exactly one target");
	*target = argv[optind];
	return 0;
}

static void sleep_ms(int64_t ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0)
		;
}

static int run(int argc, char **argv)
{
	const char *target = NULL;
	int64_t timeout = 300000, interval = 2000, start = time_mono_ns() / NS_PER_MS, left;
	int tty = isatty(STDERR_FILENO), attempts = 0, p;
	struct vigil_config *cfg;

	p = parse(argc, argv, &target, &timeout, &interval);
	if (p != 0)
		return p == 1 ? CLI_OK : CLI_USAGE; /* 1: --help was printed */
	while ((left = start + timeout - time_mono_ns() / NS_PER_MS) > 0) {
		struct probe_result r;
		bool healthy;

		cfg = oneshot_config(target, left < CHECK_TIMEOUT_MS ? left : CHECK_TIMEOUT_MS);
		if (cfg == NULL)
			return CLI_USAGE;
		oneshot_run(&cfg->monitors.v[0], &r);
		conf_unref(cfg);
		attempts++;
		healthy = r.status == STATUS_UP || r.status == STATUS_DEGRADED;
		if (tty)
			fprintf(stderr, "\r\033[Kwaiting for %s: %s (attempt %d, %.0fs)", target,
			        healthy ? "healthy" : probe_outcome_str(r.outcome), attempts,
			        (double)(time_mono_ns() / NS_PER_MS - start) / 1000);
		probe_result_free(&r);
		if (healthy) {
			if (tty)
				fputc('\n', stderr);
			return CLI_OK;
		}
		left = start + timeout - time_mono_ns() / NS_PER_MS;
		if (left <= 0)
			break;
		sleep_ms(interval < left ? interval : left);
	}
	if (tty)
		fputc('\n', stderr);
	fprintf(stderr, "vigil wait: %s was not healthy within %.0fs (%d attempts)\n", target,
	        (double)timeout / 1000, attempts);
	return 2;
}
