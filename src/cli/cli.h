/* The command-line verbs; main.c's table dispatches to these. */
#ifndef VIGIL_CLI_CLI_H
#define VIGIL_CLI_CLI_H

#include <stddef.h>

/* Exit codes shared by the verbs. */
#define CLI_OK    0
#define CLI_FAIL  1 /* the job could not be done (start-up failure, ...) */
#define CLI_USAGE 2 /* bad command line or invalid configuration */

struct cli_verb {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the verb's name */
	const char *args;                  /* "[-c FILE]" */
	const char *summary;               /* one line */
	const char *help;                  /* the full text of `vigil help VERB` */
};

/* Each verb file defines its entry; main.c lists them. */
extern const struct cli_verb cli_serve_verb;
extern const struct cli_verb cli_config_verb;
extern const struct cli_verb cli_check_verb;
extern const struct cli_verb cli_wait_verb;
extern const struct cli_verb cli_metrics_verb;
extern const struct cli_verb cli_notify_verb;
extern const struct cli_verb cli_exec_verb;
extern const struct cli_verb cli_status_verb;
extern const struct cli_verb cli_top_verb;
extern const struct cli_verb cli_report_verb;

/*
 * `vigil completion bash|zsh|fish`: prints the completion script of the
 * shell, with the verbs and flags of VERBS (NULL-terminated: main.c's table,
 * which the completion verb itself is part of).
 */
int cli_completion(const struct cli_verb *const *verbs, int argc, char **argv);
/* The completion verb's args, summary and help, for its entry in main.c's table. */
extern const char cli_completion_args[];
extern const char cli_completion_summary[];
extern const char cli_completion_help[];

/* Prints the usage of every verb in VERBS (NULL-terminated), to stderr when TO_STDERR. */
void cli_usage(const struct cli_verb *const *verbs, int to_stderr);
/* `vigil help [VERB]`. */
int cli_help(const struct cli_verb *const *verbs, int argc, char **argv);
/* `vigil --version`: this binary's version and the libraries it runs with. */
int cli_version(void);
/* Prints "vigil VERB: MSG" and the verb's one-line usage to stderr; returns CLI_USAGE. */
int cli_usage_error(const struct cli_verb *v, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
/* True when ARG asks for help (-h, --help). */
int cli_is_help(const char *arg);
/* Prints the full help of V to stdout; returns CLI_OK. */
int cli_verb_help(const struct cli_verb *v);

#endif
