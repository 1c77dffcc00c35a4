/* `vigil notify test CHANNEL [-c FILE]`: a test message on a channel, and what it answered. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "alert/alert.h"
#include "cli/cli.h"
#include "conf/conf.h"

static int run(int argc, char **argv);

const struct cli_verb cli_notify_verb = {
	"notify",
	run,
	"test CHANNEL [-c FILE]",
	"send a test message on a notification channel",
	"Sends a test message on CHANNEL of alerting.channels, now, and prints what\n"
	"the destination answered. Exit status 0 when it was accepted (HTTP 2xx),\n"
	"1 when it was not, 2 for a bad command line or configuration.\n"
	"\n"
	"  -c, --config FILE    configuration (default: as vigil serve finds it)\n",
};

static int run(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	const struct conf_channel *ch = NULL;
	struct conf_diag d = { 0 };
	struct vigil_config *cfg;
	char answer[600];
	long status;
	size_t i;
	int c, r;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":c:h", longs, NULL)) != -1) {
		if (c == 'c')
			path = optarg;
		else if (c == 'h')
			return cli_verb_help(&cli_notify_verb);
		else
			return cli_usage_error(&cli_notify_verb, "%s \"%s\"",
			                       c == ':' ? "missing the argument of"
			                                : "unknown option",
			                       argv[optind - 1]);
	}
	if (argc - optind != 2 || strcmp(argv[optind], "test") != 0)
		return cli_usage_error(&cli_notify_verb, "expected: notify test CHANNEL");
	cfg = conf_load_auto(path, &d);
	if (cfg == NULL) {
		for (i = 0; i < d.n; i++)
			fprintf(stderr, "%s\n", d.msgs[i]);
		conf_diag_free(&d);
		return CLI_USAGE;
	}
	conf_diag_free(&d);
	for (i = 0; i < cfg->alerting.channels.n; i++)
		if (strcmp(((const struct conf_channel *)cfg->alerting.channels.v)[i].name,
		           argv[optind + 1]) == 0)
			ch = (const struct conf_channel *)cfg->alerting.channels.v + i;
	if (ch == NULL) {
		fprintf(stderr, "vigil notify: no channel \"%s\" in %s\n", argv[optind + 1],
		        cfg->source);
		conf_unref(cfg);
		return CLI_USAGE;
	}
	r = alert_channel_test(ch, &status, answer, sizeof(answer));
	if (status > 0)
		printf("%s: %s %ld%s%s\n", ch->name, ch->type == CHANNEL_EMAIL ? "SMTP" : "HTTP",
		       status, answer[0] ? ": " : "", answer);
	else
		printf("%s: not sent: %s\n", ch->name, answer);
	conf_unref(cfg);
	return r == 0 ? CLI_OK : CLI_FAIL;
}
