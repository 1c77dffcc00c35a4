/* `vigil completion bash|zsh|fish`: shell completions generated from the verb table. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "conf/conf.h"

#define FLAGS_MAX 40
#define WORDS_MAX 16
#define TOKEN_LEN 48

const char cli_completion_args[] = "bash|zsh|fish";
const char cli_completion_summary[] = "print shell completions for verbs, flags and monitors";
const char cli_completion_help[] =
        "Prints a completion script for bash, zsh or fish. It completes the verbs,\n"
        "each verb's flags and words (read from this binary's own help, so they stay\n"
        "in sync), files where a flag takes a FILE, and the ids of the monitors and\n"
        "names of the channels of the configuration (the -c FILE on the command line\n"
        "being completed, else $VIGIL_CONFIG, else ./vigil.yaml), read at completion\n"
        "time by calling this binary again.\n"
        "\n"
        "  bash   source it: source <(vigil completion bash), or save it as\n"
        "         /usr/share/bash-completion/completions/vigil\n"
        "  zsh    save it as _vigil in a directory of $fpath, or source it after\n"
        "         compinit: source <(vigil completion zsh)\n"
        "  fish   vigil completion fish > ~/.config/fish/completions/vigil.fish\n"
        "\n"
        "The scripts call two hidden forms of this verb; they print one line per item,\n"
        "id, a tab and the name, and nothing (exit 0) when the configuration cannot\n"
        "be read:\n"
        "  vigil completion --list-monitors [-c FILE]\n"
        "  vigil completion --list-channels [-c FILE]\n"
        "\n"
        "Exit status: 0, or 2 for an unknown shell.\n"
        "\n"
        "Examples:\n"
        "  source <(vigil completion bash)\n"
        "  vigil completion zsh > \"${fpath[1]}/_vigil\"\n"
        "  vigil completion fish > ~/.config/fish/completions/vigil.fish\n";

/* A flag of a verb and what follows it. */
struct flag {
	char name[TOKEN_LEN];   /* "-c", "--config" */
	char arg[TOKEN_LEN];    /* its argument's placeholder ("FILE"), "" for none */
	char values[TOKEN_LEN]; /* its argument's choices ("json csv"), "" when free */
};

/* What the completion of one verb knows. */
struct verb_spec {
	const struct cli_verb *v;
	struct flag flags[FLAGS_MAX];
	size_t nflags;
	char words[WORDS_MAX][TOKEN_LEN]; /* first positional words ("check", "print") */
	size_t nwords;
	char positional[TOKEN_LEN]; /* the placeholder of a positional argument ("FILE") */
};

static bool is_placeholder(const char *t)
{
	return isupper((unsigned char)t[0]) != 0;
}

static bool is_word(const char *t)
{
	return islower((unsigned char)t[0]) != 0;
}

static struct flag *add_flag(struct verb_spec *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nflags; i++)
		if (strcmp(s->flags[i].name, name) == 0)
			return &s->flags[i];
	if (s->nflags == FLAGS_MAX || strlen(name) >= TOKEN_LEN || strcmp(name, "--") == 0)
		return NULL;
	memset(&s->flags[s->nflags], 0, sizeof(s->flags[0]));
	snprintf(s->flags[s->nflags].name, TOKEN_LEN, "%s", name);
	return &s->flags[s->nflags++];
}

/* Sets what follows FLAGS (the N flags just read) from the token NEXT. */
static void set_arg(struct flag **flags, size_t n, const char *next)
{
	size_t i;
	char *p;

	for (i = 0; i < n; i++) {
		if (flags[i] == NULL)
			continue;
		if (is_placeholder(next))
			snprintf(flags[i]->arg, TOKEN_LEN, "%s", next);
		else if (is_word(next) && strchr(next, '|') != NULL) {
			snprintf(flags[i]->values, TOKEN_LEN, "%s", next);
			for (p = flags[i]->values; *p; p++)
				if (*p == '|')
					*p = ' ';
			snprintf(flags[i]->arg, TOKEN_LEN, "VALUE");
		}
	}
}

static void add_word(struct verb_spec *s, const char *w)
{
	if (s->nwords < WORDS_MAX && strlen(w) < TOKEN_LEN)
		snprintf(s->words[s->nwords++], TOKEN_LEN, "%s", w);
}

/* Reads TEXT, a run of tokens ("[-c FILE] [--monitor NAME | URL]"), into S. */
static void parse_tokens(struct verb_spec *s, const char *text, bool positional_ok)
{
	char buf[512], *save = NULL, *tok;
	struct flag *last[4];
	size_t nlast = 0, i;

	snprintf(buf, sizeof(buf), "%s", text);
	for (i = 0; buf[i]; i++)
		if (strchr("[],", buf[i]) != NULL)
			buf[i] = ' ';
	for (tok = strtok_r(buf, " \t", &save); tok != NULL; tok = strtok_r(NULL, " \t", &save)) {
		if (tok[0] == '-' && tok[1] != '\0' && strchr(tok, '|') == NULL) {
			if (nlast == 4)
				nlast = 0;
			last[nlast++] = add_flag(s, tok);
			continue;
		}
		if (strcmp(tok, "|") == 0)
			continue;
		if (nlast > 0) {
			set_arg(last, nlast, tok);
			nlast = 0;
			continue;
		}
		if (!positional_ok)
			continue;
		if (is_placeholder(tok) && s->positional[0] == '\0' && strlen(tok) < TOKEN_LEN)
			snprintf(s->positional, TOKEN_LEN, "%s", tok);
		else if (is_word(tok) && s->positional[0] == '\0') {
			char *w, *wsave = NULL;

			for (w = strtok_r(tok, "|", &wsave); w; w = strtok_r(NULL, "|", &wsave))
				add_word(s, w);
		}
	}
}

/* The flags of the help's option lines ("  -c, --config FILE   the configuration"). */
static void parse_help(struct verb_spec *s, const char *help)
{
	const char *line = help;

	while (line != NULL && *line) {
		const char *end = strchr(line, '\n'), *p = line, *gap;
		char seg[200];
		size_t len;

		while (*p == ' ')
			p++;
		gap = strstr(p, "  ");
		len = (size_t)((gap && (!end || gap < end) ? gap : end ? end : p + strlen(p)) - p);
		if (p > line && *p == '-' && p[1] != ' ' && len < sizeof(seg)) {
			memcpy(seg, p, len);
			seg[len] = '\0';
			parse_tokens(s, seg, false);
		}
		line = end ? end + 1 : NULL;
	}
}

static void spec_build(const struct cli_verb *v, struct verb_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->v = v;
	parse_tokens(s, v->args, true);
	parse_help(s, v->help);
	add_flag(s, "--help");
}

/* What completes a placeholder: the helper kinds of the scripts below. */
static const char *placeholder_kind(const char *arg)
{
	if (strcmp(arg, "FILE") == 0 || strcmp(arg, "ARGS") == 0)
		return "file";
	if (strcmp(arg, "NAME") == 0)
		return "monitor";
	if (strcmp(arg, "CHANNEL") == 0)
		return "channel";
	if (strcmp(arg, "VERB") == 0)
		return "verb";
	if (strcmp(arg, "CMD") == 0)
		return "command";
	if (strcmp(arg, "VALUE") == 0)
		return "values";
	return "none";
}

/* The names of FLAGS (or of the verbs, with a NULL spec) joined by spaces. */
static void flag_list(const struct verb_spec *s, char *out, size_t size)
{
	size_t i, o = 0;

	out[0] = '\0';
	for (i = 0; i < s->nflags && o < size; i++)
		o += (size_t)snprintf(out + o, size - o, "%s%s", i ? " " : "", s->flags[i].name);
}

static void word_list(const struct verb_spec *s, char *out, size_t size)
{
	size_t i, o = 0;

	out[0] = '\0';
	for (i = 0; i < s->nwords && o < size; i++)
		o += (size_t)snprintf(out + o, size - o, "%s%s", i ? " " : "", s->words[i]);
}

static void verb_list(const struct cli_verb *const *verbs, char *out, size_t size)
{
	size_t i, o = 0;

	out[0] = '\0';
	for (i = 0; verbs[i] != NULL && o < size; i++)
		o += (size_t)snprintf(out + o, size - o, "%s%s", i ? " " : "", verbs[i]->name);
}

static const char bash_head[] =
        "# bash completion for vigil; generated by `vigil completion bash`\n"
        "_vigil_add() { COMPREPLY=($(compgen -W \"$1\" -- \"$cur\")); }\n"
        "_vigil_list() {\n"
        "    _vigil_add \"$(\"$_vigil_cmd\" completion --list-$1 ${cfg:+-c \"$cfg\"} "
        "2>/dev/null | cut -f1)\"\n"
        "}\n"
        "_vigil_arg() {\n"
        "    case $1 in\n"
        "    file) COMPREPLY=($(compgen -f -- \"$cur\"));;\n"
        "    monitor) _vigil_list monitors;;\n"
        "    channel) _vigil_list channels;;\n"
        "    verb) _vigil_add \"$_vigil_verbs\";;\n"
        "    command) if [[ $prev == -- ]]; then COMPREPLY=($(compgen -c -- \"$cur\"));\n"
        "             else COMPREPLY=($(compgen -f -- \"$cur\")); fi;;\n"
        "    values) _vigil_add \"$2\";;\n"
        "    esac\n"
        "}\n";

static void bash_verb(FILE *out, const struct verb_spec *s)
{
	char flags[1024], words[512];
	size_t i;

	flag_list(s, flags, sizeof(flags));
	word_list(s, words, sizeof(words));
	fprintf(out, "    %s)\n        case $prev in\n", s->v->name);
	for (i = 0; i < s->nflags; i++)
		if (s->flags[i].arg[0])
			fprintf(out, "        %s) _vigil_arg %s \"%s\"; return 0;;\n",
			        s->flags[i].name, placeholder_kind(s->flags[i].arg),
			        s->flags[i].values);
	fprintf(out, "        esac\n");
	fprintf(out, "        if [[ $cur == -* ]]; then _vigil_add \"%s\"; return 0; fi\n", flags);
	if (s->nwords > 0)
		fprintf(out,
		        "        if [[ $COMP_CWORD -eq 2 ]]; then _vigil_add \"%s\"; return 0; "
		        "fi\n",
		        words);
	if (s->positional[0] && strcmp(placeholder_kind(s->positional), "none") != 0)
		fprintf(out, "        _vigil_arg %s\n", placeholder_kind(s->positional));
	else
		fprintf(out, "        _vigil_add \"%s\"\n", flags);
	fprintf(out, "        ;;\n");
}

static void print_bash(FILE *out, const struct verb_spec *specs, size_t n, const char *verbs)
{
	size_t i;

	fputs(bash_head, out);
	fprintf(out,
	        "_vigil() {\n"
	        "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cfg= i\n"
	        "    local _vigil_cmd=${COMP_WORDS[0]:-vigil} _vigil_verbs=\"%s\"\n"
	        "    COMPREPLY=()\n"
	        "    if [[ $COMP_CWORD -le 1 ]]; then\n"
	        "        _vigil_add \"$_vigil_verbs --help --version\"; return 0\n"
	        "    fi\n"
	        "    for ((i = 2; i < COMP_CWORD - 1; i++)); do\n"
	        "        case ${COMP_WORDS[i]} in -c|--config) cfg=${COMP_WORDS[i+1]};; esac\n"
	        "    done\n"
	        "    case ${COMP_WORDS[1]} in\n",
	        verbs);
	for (i = 0; i < n; i++)
		bash_verb(out, &specs[i]);
	fprintf(out, "    esac\n    return 0\n}\ncomplete -F _vigil vigil\n");
}

static const char zsh_head[] =
        "#compdef vigil\n"
        "# zsh completion for vigil; generated by `vigil completion zsh`\n"
        "_vigil_list() {\n"
        "    local -a items\n"
        "    items=(${(f)\"$(\"$_vigil_cmd\" completion --list-$1 ${cfg:+-c \"$cfg\"} "
        "2>/dev/null)\"})\n"
        "    (( ${#items} )) && compadd -- ${items%%$'\\t'*}\n"
        "}\n"
        "_vigil_arg() {\n"
        "    case $1 in\n"
        "    (file) _files;;\n"
        "    (monitor) _vigil_list monitors;;\n"
        "    (channel) _vigil_list channels;;\n"
        "    (verb) compadd -- ${=_vigil_verbs};;\n"
        "    (command) if [[ $prev == -- ]]; then _command_names; else _files; fi;;\n"
        "    (values) compadd -- ${=2};;\n"
        "    esac\n"
        "}\n";

static void zsh_verb(FILE *out, const struct verb_spec *s)
{
	char flags[1024], words[512];
	size_t i;

	flag_list(s, flags, sizeof(flags));
	word_list(s, words, sizeof(words));
	fprintf(out, "    (%s)\n        case $prev in\n", s->v->name);
	for (i = 0; i < s->nflags; i++)
		if (s->flags[i].arg[0])
			fprintf(out, "        (%s) _vigil_arg %s \"%s\"; return;;\n",
			        s->flags[i].name, placeholder_kind(s->flags[i].arg),
			        s->flags[i].values);
	fprintf(out, "        esac\n");
	fprintf(out, "        if [[ $cur == -* ]]; then compadd -- %s; return; fi\n", flags);
	if (s->nwords > 0)
		fprintf(out, "        if (( CURRENT == 3 )); then compadd -- %s; return; fi\n",
		        words);
	if (s->positional[0] && strcmp(placeholder_kind(s->positional), "none") != 0)
		fprintf(out, "        _vigil_arg %s\n", placeholder_kind(s->positional));
	else
		fprintf(out, "        compadd -- %s\n", flags);
	fprintf(out, "        ;;\n");
}

static void print_zsh(FILE *out, const struct verb_spec *specs, size_t n, const char *verbs)
{
	size_t i;

	fputs(zsh_head, out);
	fprintf(out,
	        "_vigil() {\n"
	        "    local cur=${words[CURRENT]} prev=${words[CURRENT-1]} cfg= i\n"
	        "    local _vigil_cmd=${words[1]} _vigil_verbs=\"%s\"\n"
	        "    if (( CURRENT <= 2 )); then\n"
	        "        compadd -- ${=_vigil_verbs} --help --version; return\n"
	        "    fi\n"
	        "    for (( i = 3; i < CURRENT - 1; i++ )); do\n"
	        "        case ${words[i]} in (-c|--config) cfg=${words[i+1]};; esac\n"
	        "    done\n"
	        "    case ${words[2]} in\n",
	        verbs);
	for (i = 0; i < n; i++)
		zsh_verb(out, &specs[i]);
	fprintf(out, "    esac\n}\n"
	             "if [[ ${zsh_eval_context[-1]} == loadautofunc ]]; then\n"
	             "    _vigil \"$@\"\n"
	             "else\n"
	             "    compdef _vigil vigil\n"
	             "fi\n");
}

/* Writes S single-quoted for fish. */
static void fish_quote(FILE *out, const char *s)
{
	fputc('\'', out);
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('\'', out);
}

static const char fish_head[] =
        "# fish completion for vigil; generated by `vigil completion fish`\n"
        "function __vigil_verb\n"
        "    set -l toks (commandline -opc)\n"
        "    test (count $toks) -ge 2; and test \"$toks[2]\" = \"$argv[1]\"\n"
        "end\n"
        "function __vigil_at\n"
        "    test (count (commandline -opc)) -eq $argv[1]\n"
        "end\n"
        "function __vigil_list\n"
        "    set -l toks (commandline -opc)\n"
        "    set -l cfg\n"
        "    for i in (seq (count $toks))\n"
        "        if contains -- $toks[$i] -c --config; and test $i -lt (count $toks)\n"
        "            set cfg -c $toks[(math $i + 1)]\n"
        "        end\n"
        "    end\n"
        "    $toks[1] completion --list-$argv[1] $cfg 2>/dev/null\n"
        "end\n"
        "complete -c vigil -f\n"
        "complete -c vigil -n '__vigil_at 1' -l help -d 'show the verbs'\n"
        "complete -c vigil -n '__vigil_at 1' -l version -d 'version of vigil and its libraries'\n";

/* The fish options that complete what follows a flag of KIND. */
static const char *fish_arg(const char *kind)
{
	if (strcmp(kind, "file") == 0)
		return " -r -F";
	if (strcmp(kind, "monitor") == 0)
		return " -x -a '(__vigil_list monitors)'";
	if (strcmp(kind, "channel") == 0)
		return " -x -a '(__vigil_list channels)'";
	return " -x";
}

static void fish_flag(FILE *out, const struct verb_spec *s, const struct flag *f)
{
	const char *kind = f->arg[0] ? placeholder_kind(f->arg) : NULL;

	fprintf(out, "complete -c vigil -n '__vigil_verb %s' -%s %s", s->v->name,
	        f->name[1] == '-' ? "l"
	        : f->name[2]      ? "o"
	                          : "s",
	        f->name + (f->name[1] == '-' ? 2 : 1));
	if (kind != NULL && strcmp(kind, "values") == 0)
		fprintf(out, " -x -a '%s'", f->values);
	else if (kind != NULL)
		fputs(fish_arg(kind), out);
	fputc('\n', out);
}

static void fish_verb(FILE *out, const struct verb_spec *s, const char *verbs)
{
	const char *kind = s->positional[0] ? placeholder_kind(s->positional) : "none";
	char words[512];
	size_t i;

	fprintf(out, "complete -c vigil -n '__vigil_at 1' -a %s -d ", s->v->name);
	fish_quote(out, s->v->summary);
	fputc('\n', out);
	for (i = 0; i < s->nflags; i++)
		fish_flag(out, s, &s->flags[i]);
	word_list(s, words, sizeof(words));
	if (s->nwords > 0)
		fprintf(out, "complete -c vigil -n '__vigil_verb %s; and __vigil_at 2' -a '%s'\n",
		        s->v->name, words);
	if (strcmp(kind, "file") == 0 || strcmp(kind, "command") == 0)
		fprintf(out, "complete -c vigil -n '__vigil_verb %s' -F\n", s->v->name);
	else if (strcmp(kind, "monitor") == 0 || strcmp(kind, "channel") == 0)
		fprintf(out, "complete -c vigil -n '__vigil_verb %s' -a '(__vigil_list %ss)'\n",
		        s->v->name, kind);
	else if (strcmp(kind, "verb") == 0)
		fprintf(out, "complete -c vigil -n '__vigil_verb %s' -a '%s'\n", s->v->name, verbs);
}

static void print_fish(FILE *out, const struct verb_spec *specs, size_t n, const char *verbs)
{
	size_t i;

	fputs(fish_head, out);
	for (i = 0; i < n; i++)
		fish_verb(out, &specs[i], verbs);
}

/* `--list-monitors` / `--list-channels [-c FILE]`: one "id<TAB>name" line each. */
static int list_items(int argc, char **argv)
{
	const char *path = NULL;
	struct conf_diag diag = { 0 };
	struct vigil_config *cfg;
	size_t i;

	if (argc >= 4 && (strcmp(argv[2], "-c") == 0 || strcmp(argv[2], "--config") == 0))
		path = argv[3];
	cfg = conf_load_auto(path, &diag);
	conf_diag_free(&diag);
	if (cfg == NULL)
		return CLI_OK; /* nothing to offer: completion must stay quiet */
	if (strcmp(argv[1], "--list-monitors") == 0)
		for (i = 0; i < cfg->monitors.n; i++)
			printf("%s\t%s\n", cfg->monitors.v[i].id, cfg->monitors.v[i].name);
	else
		for (i = 0; i < cfg->alerting.channels.n; i++) {
			const struct conf_channel *ch =
			        (const struct conf_channel *)cfg->alerting.channels.v + i;

			printf("%s\t%s\n", ch->name, channel_type_names[ch->type]);
		}
	conf_unref(cfg);
	return CLI_OK;
}

int cli_completion(const struct cli_verb *const *verbs, int argc, char **argv)
{
	static const struct cli_verb self = { "completion", NULL, cli_completion_args,
		                              cli_completion_summary, cli_completion_help };
	struct verb_spec *specs;
	char names[1024];
	size_t n = 0, i;

	if (argc >= 2 && cli_is_help(argv[1]))
		return cli_verb_help(&self);
	if (argc >= 2 &&
	    (strcmp(argv[1], "--list-monitors") == 0 || strcmp(argv[1], "--list-channels") == 0))
		return list_items(argc, argv);
	if (argc != 2 || (strcmp(argv[1], "bash") != 0 && strcmp(argv[1], "zsh") != 0 &&
	                  strcmp(argv[1], "fish") != 0))
		return cli_usage_error(&self, "expected one shell: bash, zsh or fish");
	while (verbs[n] != NULL)
		n++;
	specs = calloc(n, sizeof(*specs));
	if (specs == NULL)
		return CLI_FAIL;
	for (i = 0; i < n; i++)
		spec_build(verbs[i], &specs[i]);
	verb_list(verbs, names, sizeof(names));
	if (strcmp(argv[1], "bash") == 0)
		print_bash(stdout, specs, n, names);
	else if (strcmp(argv[1], "zsh") == 0)
		print_zsh(stdout, specs, n, names);
	else
		print_fish(stdout, specs, n, names);
	free(specs);
	return CLI_OK;
}
