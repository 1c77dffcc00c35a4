/*
 * libFuzzer target: the notification template engine. The input is split at
 * its first NUL: the template, then the value given to every field. A
 * template that passes template_check renders; with JSON escaping, a
 * template that is JSON with sample values stays JSON with any value.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "util/template.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(data, 0, size);
	size_t tlen = nul ? (size_t)(nul - text) : size;
	char *value = malloc(size - tlen + 1), *copy, *a, *b, err[200];
	struct tmpl_field f[32];
	size_t n = 0, vlen = nul ? size - tlen - 1 : 0;
	json_t *ja;

	memcpy(value, nul ? nul + 1 : "", vlen);
	value[vlen] = '\0';
	copy = strdup(value);
	if (template_check(text, tlen, conf_template_fields, err, sizeof(err)) < 0) {
		free(value);
		free(copy);
		return 0;
	}
	for (n = 0; conf_template_fields[n] != NULL && n < 32; n++)
		f[n] = (struct tmpl_field){ conf_template_fields[n], "x" };
	a = template_render(text, tlen, f, n, TMPL_JSON);
	ja = json_loads(a, 0, NULL);
	for (size_t i = 0; i < n; i++)
		f[i].value = value;
	b = template_render(text, tlen, f, n, TMPL_JSON);
	/* with a valid UTF-8 value and no truncation, JSON stays JSON */
	if (ja != NULL && strlen(b) < TEMPLATE_MAX / 2 && !utf8_scrub(copy)) {
		json_t *jb = json_loads(b, 0, NULL);

		if (jb == NULL)
			abort();
		json_decref(jb);
	}
	json_decref(ja);
	free(a);
	free(b);
	free(template_render(text, tlen, f, n, TMPL_RAW));
	free(value);
	free(copy);
	return 0;
}
