/* Host views: reference counting and the series copy. */
#include "host/view.h"

#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

struct host_view *host_view_new(void)
{
	struct host_view *v = xcalloc(1, sizeof(*v));

	atomic_init(&v->refs, 1);
	return v;
}

struct host_view *host_view_ref(struct host_view *v)
{
	if (v != NULL)
		atomic_fetch_add(&v->refs, 1);
	return v;
}

void host_view_unref(struct host_view *v)
{
	size_t i;

	if (v == NULL || atomic_fetch_sub(&v->refs, 1) != 1)
		return;
	for (i = 0; i < v->nseries; i++)
		free(v->series[i].points);
	free(v->series);
	free(v);
}

void host_view_copy_series(struct host_view *v, const struct host_history *h)
{
	size_t i;

	v->series = xcalloc(h->n ? h->n : 1, sizeof(*v->series));
	for (i = 0; i < h->n; i++) {
		struct host_series_copy *c = &v->series[i];

		memcpy(c->id, h->v[i].id, sizeof(c->id));
		c->points = xmalloc((h->v[i].n ? h->v[i].n : 1) * sizeof(*c->points));
		c->n = host_series_points(&h->v[i], 0, c->points, h->v[i].n);
	}
	v->nseries = h->n;
}

const struct host_series_copy *host_view_series(const struct host_view *v, const char *id)
{
	size_t i;

	for (i = 0; i < v->nseries; i++)
		if (strcmp(v->series[i].id, id) == 0)
			return &v->series[i];
	return NULL;
}

const char *host_level_str(enum host_level l)
{
	return l == HOST_CRIT ? "fail" : l == HOST_WARN ? "warn" : "pass";
}
