/*
 * Conditions: the small expression language of monitors, compatible with the
 * common subset of Gatus' conditions ("[STATUS] == 200",
 * "[BODY].data[0].id == 3", "len([BODY].items) > 0", "[RESPONSE_TIME] < 1s",
 * "[BODY].name == pat(vig*)", "[STATUS] == any(200, 204)"). Parsed once at
 * config load, evaluated against every result.
 */
#ifndef VIGIL_PROBE_CONDITION_H
#define VIGIL_PROBE_CONDITION_H

#include <stdbool.h>
#include <stddef.h>

struct condition;

enum cond_type { COND_NULL, COND_BOOL, COND_NUMBER, COND_DURATION, COND_STRING };

/* A value seen by a condition. Strings are borrowed unless said otherwise. */
struct cond_value {
	enum cond_type type;
	double num;      /* NUMBER; DURATION in milliseconds; BOOL as 0 or 1 */
	const char *str; /* STRING: not NUL-terminated necessarily */
	size_t len;
};

/*
 * Where placeholder values come from (one per result). GET fills *OUT for
 * placeholder NAME ("STATUS", "HEADER") with KEY the text after the closing
 * bracket for keyed placeholders ("Content-Type" for [HEADER].Content-Type),
 * or NULL. Returns 0, or -1 when the value does not exist (NULL then).
 * [BODY] paths are resolved by the evaluator from GET("BODY", NULL).
 */
struct cond_source {
	int (*get)(void *ctx, const char *name, const char *key, struct cond_value *out);
	void *ctx;
};

/* Placeholders whose text after ']' is a key for GET rather than a JSON path. */
#define COND_KEYED "HEADER INFO PERFDATA"

/*
 * Parses TEXT. PLACEHOLDERS lists the names the monitor's type offers
 * (NULL-terminated, e.g. {"STATUS", "BODY", NULL}). Returns 0 and a new
 * condition in *OUT, or -1 with a reason in ERR and the 1-based column of
 * the problem in *COL.
 */
int condition_parse(const char *text, const char *const *placeholders, struct condition **out,
                    char *err, size_t errlen, int *col);
void condition_free(struct condition *c);
/* The text it was parsed from. */
const char *condition_text(const struct condition *c);

/*
 * Per-result evaluation state: caches the parsed JSON body across the
 * conditions of one result. Zero-initialize, release with cond_eval_done.
 */
struct cond_eval {
	const struct cond_source *src;
	void *json;      /* json_t * of the body, parsed on first use */
	bool json_tried; /* parse attempted (the body may not be JSON) */
};

void cond_eval_done(struct cond_eval *ev);

/*
 * Evaluates C. Returns true when it holds. Writes a description with the
 * values seen into DESC, e.g. "[STATUS] (503) == 200".
 */
bool condition_eval(const struct condition *c, struct cond_eval *ev, char *desc, size_t desclen);

#endif
