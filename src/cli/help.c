/* Usage, help and version output. */
#include <ares.h>
#include <curl/curl.h>
#include <hiredis.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <microhttpd.h>
#include <openssl/crypto.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>
#include <yaml.h>

#include "cli/cli.h"
#include "version.h"

void cli_usage(const struct cli_verb *const *verbs, int to_stderr)
{
	FILE *out = to_stderr ? stderr : stdout;
	size_t i;

	fprintf(out, "usage: vigil [VERB] [OPTIONS]\n\nverbs:\n");
	for (i = 0; verbs[i] != NULL; i++)
		fprintf(out, "  %-10s %s\n", verbs[i]->name, verbs[i]->summary);
	fprintf(out, "\n  vigil --version          version of vigil and its libraries\n"
	             "  vigil help VERB          full help of one verb\n");
}

int cli_verb_help(const struct cli_verb *v)
{
	printf("usage: vigil %s %s\n\n%s\n\n%s", v->name, v->args, v->summary, v->help);
	return CLI_OK;
}

int cli_help(const struct cli_verb *const *verbs, int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		cli_usage(verbs, 0);
		return CLI_OK;
	}
	for (i = 0; verbs[i] != NULL; i++)
		if (strcmp(verbs[i]->name, argv[1]) == 0)
			return cli_verb_help(verbs[i]);
	fprintf(stderr, "vigil help: unknown verb \"%s\"\n", argv[1]);
	cli_usage(verbs, 1);
	return CLI_USAGE;
}

int cli_usage_error(const struct cli_verb *v, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vigil %s: ", v->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: vigil %s %s\n", v->name, v->args);
	return CLI_USAGE;
}

int cli_is_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

int cli_version(void)
{
	const curl_version_info_data *curl = curl_version_info(CURLVERSION_NOW);

	printf("vigil %s\n", VIGIL_VERSION);
	printf("libcurl %s, libmicrohttpd %s, SQLite %s, libuv %s, libyaml %s, jansson %s, %s\n",
	       curl->version, MHD_get_version(), sqlite3_libversion(), uv_version_string(),
	       yaml_get_version_string(), jansson_version_str(), OpenSSL_version(OPENSSL_VERSION));
	printf("c-ares %s, hiredis %d.%d.%d, libpq %d.%d\n", ares_version(NULL), HIREDIS_MAJOR,
	       HIREDIS_MINOR, HIREDIS_PATCH, PQlibVersion() / 10000, PQlibVersion() % 10000);
	return CLI_OK;
}
