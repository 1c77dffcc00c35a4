/* Error collection and key-path bookkeeping for the config decoder. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/schema.h"
#include "util/xmalloc.h"

static void diag_push(struct conf_diag *d, char *msg, const char *path, const char *text)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 8;
		d->msgs = xrealloc(d->msgs, d->cap * sizeof(*d->msgs));
		d->paths = xrealloc(d->paths, d->cap * sizeof(*d->paths));
		d->texts = xrealloc(d->texts, d->cap * sizeof(*d->texts));
	}
	d->paths[d->n] = xstrdup(path);
	d->texts[d->n] = xstrdup(text ? text : msg);
	d->msgs[d->n++] = msg;
}

void conf_diag_add(struct conf_diag *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_push(d, xvasprintf(fmt, ap), "", NULL);
	va_end(ap);
}

void conf_diag_free(struct conf_diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->msgs[i]);
		free(d->paths[i]);
		free(d->texts[i]);
	}
	free(d->msgs);
	free(d->paths);
	free(d->texts);
	memset(d, 0, sizeof(*d));
}

void conf_error(struct conf_ctx *ctx, const yaml_node_t *node, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (node != NULL)
		diag_push(ctx->diag,
		          xasprintf("%s:%zu:%zu: %s%s%s", ctx->file, node->start_mark.line + 1,
		                    node->start_mark.column + 1, ctx->path,
		                    ctx->pathlen ? ": " : "", msg),
		          ctx->path, msg);
	else
		diag_push(ctx->diag,
		          xasprintf("%s: %s%s%s", ctx->file, ctx->path, ctx->pathlen ? ": " : "",
		                    msg),
		          ctx->path, msg);
	free(msg);
}

void conf_error_key(struct conf_ctx *ctx, yaml_node_t *map, const char *key, const char *fmt, ...)
{
	yaml_node_t *at = conf_map_get(ctx->doc, map, key);
	size_t saved = conf_path_push(ctx, key);
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	conf_error(ctx, at ? at : map, "%s", msg);
	free(msg);
	conf_path_pop(ctx, saved);
}

size_t conf_path_push(struct conf_ctx *ctx, const char *key)
{
	size_t saved = ctx->pathlen;
	int n = snprintf(ctx->path + saved, sizeof(ctx->path) - saved, "%s%s", saved ? "." : "",
	                 key);

	if (n > 0)
		ctx->pathlen = saved + (size_t)n < sizeof(ctx->path) ? saved + (size_t)n
		                                                     : sizeof(ctx->path) - 1;
	return saved;
}

size_t conf_path_push_index(struct conf_ctx *ctx, size_t i)
{
	size_t saved = ctx->pathlen;
	int n = snprintf(ctx->path + saved, sizeof(ctx->path) - saved, "[%zu]", i);

	if (n > 0)
		ctx->pathlen = saved + (size_t)n < sizeof(ctx->path) ? saved + (size_t)n
		                                                     : sizeof(ctx->path) - 1;
	return saved;
}

void conf_path_pop(struct conf_ctx *ctx, size_t saved)
{
	ctx->pathlen = saved;
	ctx->path[saved] = '\0';
}

/* Levenshtein distance, capped at 255 characters of input. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[256];

	if (la > 255 || lb > 255)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *conf_suggest(const char *word, const char *const *candidates, size_t n)
{
	size_t best = (size_t)-1, i, limit = strlen(word) / 3;
	const char *pick = NULL;

	if (limit < 2)
		limit = 2;
	for (i = 0; i < n; i++) {
		size_t d = edit_distance(word, candidates[i]);

		if (d < best) {
			best = d;
			pick = candidates[i];
		}
	}
	return best <= limit ? pick : NULL;
}
