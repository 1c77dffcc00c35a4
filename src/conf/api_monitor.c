/*
 * Monitors sent to the API: a JSON object with the keys a monitor has in the
 * configuration file, decoded by the same command table so both accept and
 * refuse exactly the same things, with errors located by JSON path.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "util/xmalloc.h"

#define WRAP_HEAD "{\"monitors\":["
#define WRAP_TAIL "]}"
#define ITEM_PATH "monitors[0]"

/* "monitors[0].url" -> "$.url", "monitors[0]" or "" -> "$". */
static void json_paths(struct conf_diag *d, size_t from)
{
	size_t i, n = strlen(ITEM_PATH);

	for (i = from; i < d->n; i++) {
		const char *p = d->paths[i];
		char *np;

		if (strncmp(p, ITEM_PATH, n) == 0)
			p += n;
		np = xasprintf("$%s%s", *p && *p != '.' && *p != '[' ? "." : "", p);
		free(d->paths[i]);
		d->paths[i] = np;
	}
}

static void body_error(struct conf_diag *d, const char *msg)
{
	size_t at = d->n;

	conf_diag_add(d, "%s", msg);
	json_paths(d, at);
}

struct vigil_config *conf_api_monitor(const char *text, size_t len,
                                      const struct conf_strlist *secret_params,
                                      struct conf_diag *diag)
{
	struct vigil_config *cfg;
	json_error_t jerr;
	json_t *obj;
	char *canon, *wrapped, where[JSON_ERROR_TEXT_LENGTH + 64];
	size_t at = diag->n;

	obj = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (obj == NULL) {
		snprintf(where, sizeof(where),
		         "the body is not valid JSON (line %d, column %d: %s)", jerr.line,
		         jerr.column, jerr.text);
		body_error(diag, where);
		return NULL;
	}
	if (!json_is_object(obj)) {
		json_decref(obj);
		body_error(diag, "the body must be a JSON object of monitor keys");
		return NULL;
	}
	/*
	 * Re-serialized, the text cannot close the wrapper early: what the YAML
	 * decoder sees is exactly one monitor.
	 */
	canon = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(obj);
	if (canon == NULL) {
		body_error(diag, "the body cannot be encoded again as JSON");
		return NULL;
	}
	wrapped = xasprintf(WRAP_HEAD "%s" WRAP_TAIL, canon);
	cfg = conf_load_text("body", wrapped, strlen(wrapped), true, diag);
	free(wrapped);
	if (cfg == NULL) {
		json_paths(diag, at);
		free(canon);
		return NULL;
	}
	conf_secure_monitors(cfg, secret_params);
	cfg->api_body = canon;
	return cfg;
}
