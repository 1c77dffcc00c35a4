/*
 * libFuzzer target: the condition parser and evaluator. The input is split at
 * its first NUL: the condition text, then a response body to evaluate it on.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/condition.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const placeholders[] = {
	"STATUS", "RESPONSE_TIME", "BODY", "HEADER", "CERTIFICATE_EXPIRATION", "CONNECTED", "IP",
	NULL
};

struct input {
	const char *body;
	size_t len;
};

static int get(void *ctx, const char *name, const char *key, struct cond_value *out)
{
	const struct input *in = ctx;

	if (strcmp(name, "BODY") == 0 || strcmp(name, "HEADER") == 0 || strcmp(name, "IP") == 0) {
		*out = (struct cond_value){ COND_STRING, 0, in->body, in->len };
		return key != NULL && strcmp(key, "Missing") == 0 ? -1 : 0;
	}
	if (strcmp(name, "CONNECTED") == 0) {
		*out = (struct cond_value){ COND_BOOL, 1, NULL, 0 };
		return 0;
	}
	*out = (struct cond_value){ strcmp(name, "STATUS") == 0 ? COND_NUMBER : COND_DURATION,
		                    (double)in->len, NULL, 0 };
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t tlen = nul ? (size_t)(nul - data) : size;
	char *text = malloc(tlen + 1), err[256], desc[256];
	struct input in = { nul ? (const char *)nul + 1 : "", nul ? size - tlen - 1 : 0 };
	struct cond_source src = { get, &in };
	struct cond_eval ev = { &src, NULL, false };
	struct condition *c;
	int col;

	if (text == NULL)
		return 0;
	memcpy(text, data, tlen);
	text[tlen] = '\0';
	if (condition_parse(text, placeholders, &c, err, sizeof(err), &col) == 0) {
		condition_eval(c, &ev, desc, sizeof(desc));
		cond_eval_done(&ev);
		condition_free(c);
	}
	free(text);
	return 0;
}
