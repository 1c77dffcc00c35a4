/* Reference-counted strings. */
#include "util/rcstr.h"

#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

struct rcstr *rcstr_new(const char *s)
{
	size_t len = strlen(s);
	struct rcstr *r = xmalloc(sizeof(*r) + len + 1);

	atomic_init(&r->refs, 1);
	r->len = len;
	memcpy(r->s, s, len + 1);
	return r;
}

struct rcstr *rcstr_ref(struct rcstr *r)
{
	if (r != NULL)
		atomic_fetch_add_explicit(&r->refs, 1, memory_order_relaxed);
	return r;
}

void rcstr_unref(struct rcstr *r)
{
	if (r != NULL && atomic_fetch_sub_explicit(&r->refs, 1, memory_order_acq_rel) == 1)
		free(r);
}

const char *rcstr_str(const struct rcstr *r)
{
	return r ? r->s : "";
}
