/* vigil: the command-line entry point, a table of verbs. */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "cli/cli.h"

static int run_help(int argc, char **argv);
static int run_completion(int argc, char **argv);
static int dispatch(int argc, char **argv);

static const struct cli_verb help_verb = {
	"help",
	run_help,
	"[VERB]",
	"show help for all verbs or one",
	"Prints the list of verbs, or the full help of one verb.\n",
};

static const struct cli_verb completion_verb = {
	"completion",           run_completion,      cli_completion_args,
	cli_completion_summary, cli_completion_help,
};

static const struct cli_verb *const verbs[] = {
	&cli_serve_verb,
	&cli_config_verb,
	&cli_check_verb,
	&cli_wait_verb,
	&cli_status_verb,
	&cli_top_verb,
	&cli_report_verb,
	&cli_metrics_verb,
	&cli_notify_verb,
	&cli_exec_verb,
	&completion_verb,
	&help_verb,
	NULL,
};

static int run_help(int argc, char **argv)
{
	return cli_help(verbs, argc, argv);
}

/* The completion verb needs the whole table, like help. */
static int run_completion(int argc, char **argv)
{
	return cli_completion(verbs, argc, argv);
}

static const struct cli_verb *find_verb(const char *name)
{
	size_t i;

	for (i = 0; verbs[i] != NULL; i++)
		if (strcmp(verbs[i]->name, name) == 0)
			return verbs[i];
	return NULL;
}

int main(int argc, char **argv)
{
	int r;

	/* libcurl's global set-up is not thread-safe: do it first, once. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "vigil: cannot initialize libcurl\n");
		return CLI_FAIL;
	}
	r = dispatch(argc, argv);
	curl_global_cleanup();
	return r;
}

static int dispatch(int argc, char **argv)
{
	const struct cli_verb *v;

	if (argc < 2)
		return cli_serve_verb.run(argc, argv);
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
		return cli_version();
	if (cli_is_help(argv[1])) {
		cli_usage(verbs, 0);
		return CLI_OK;
	}
	if (argv[1][0] == '-') /* "vigil -c FILE" means "vigil serve -c FILE" */
		return cli_serve_verb.run(argc, argv);
	v = find_verb(argv[1]);
	if (v == NULL) {
		fprintf(stderr, "vigil: unknown verb \"%s\"\n", argv[1]);
		cli_usage(verbs, 1);
		return CLI_USAGE;
	}
	return v->run(argc - 1, argv + 1);
}
