/* `vigil config check|print [FILE]`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "conf/conf.h"
#include "util/secret.h"

static int run(int argc, char **argv);

const struct cli_verb cli_config_verb = {
	"config",
	run,
	"check|print [FILE]",
	"validate or print a configuration",
	"  vigil config check [FILE]   validate FILE: prints \"configuration OK\" and exits 0,\n"
	"                              or prints every error and exits 2\n"
	"  vigil config print [FILE]   print the effective configuration (defaults and\n"
	"                              environment overrides applied, secrets as <secret>)\n"
	"\n"
	"Without FILE: $VIGIL_CONFIG, then ./vigil.yaml, else the built-in default.\n",
};

/* Prints every error; they never contain secret values (see conf_error). */
static void print_errors(const struct conf_diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		fprintf(stderr, "%s\n", d->msgs[i]);
	fprintf(stderr, "%zu error%s\n", d->n, d->n == 1 ? "" : "s");
}

static int run(int argc, char **argv)
{
	struct conf_diag diag = { 0 };
	struct vigil_config *cfg;
	const char *file;
	int print;

	if (argc >= 2 && cli_is_help(argv[1]))
		return cli_verb_help(&cli_config_verb);
	if (argc == 2 && strcmp(argv[1], "keys") == 0) {
		char *table = conf_describe();

		fputs(table, stdout);
		free(table);
		return CLI_OK;
	}
	if (argc < 2 || argc > 3)
		return cli_usage_error(&cli_config_verb, "expected check or print, and a file");
	if (strcmp(argv[1], "check") != 0 && strcmp(argv[1], "print") != 0)
		return cli_usage_error(&cli_config_verb, "unknown action \"%s\"", argv[1]);
	if (argc == 3 && argv[2][0] == '-' && argv[2][1] != '\0')
		return cli_usage_error(&cli_config_verb, "unknown option \"%s\"", argv[2]);
	print = strcmp(argv[1], "print") == 0;
	file = conf_auto_path(argc == 3 ? argv[2] : NULL);
	cfg = file ? conf_load_file(file, &diag) : conf_load_default(&diag);
	if (cfg == NULL) {
		print_errors(&diag);
		conf_diag_free(&diag);
		return CLI_USAGE;
	}
	if (print) {
		char *text = conf_dump(cfg);
		size_t len;
		char *clean = secret_scrub(cfg->secrets, text, strlen(text), &len);

		fputs(clean ? clean : text, stdout);
		free(clean);
		free(text);
	} else {
		printf("configuration OK\n");
	}
	conf_unref(cfg);
	return CLI_OK;
}
