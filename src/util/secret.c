/* Secret registry and scrubbing of text before it leaves the process. */
#include "util/secret.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xmalloc.h"

struct secret_set {
	atomic_int refs;
	size_t n, cap;
	char **items; /* sorted longest first, so a secret inside another goes last */
	size_t *lens;
};

struct secret_set *secret_set_new(void)
{
	struct secret_set *set = xcalloc(1, sizeof(*set));

	atomic_init(&set->refs, 1);
	return set;
}

void secret_set_add(struct secret_set *set, const char *s)
{
	size_t len = strlen(s), i, pos;

	/*
	 * One or two bytes would be masked inside every word ("e<secret>pect"
	 * for a password "x"): such secrets are still shown as <secret> where
	 * they are a value, but not searched for in free text.
	 */
	if (len < SECRET_MIN_SCAN)
		return;
	for (i = 0; i < set->n; i++)
		if (set->lens[i] == len && memcmp(set->items[i], s, len) == 0)
			return;
	if (set->n == set->cap) {
		size_t cap = set->cap;

		set->items = xgrow(set->items, &set->cap, set->n + 1, sizeof(*set->items));
		set->lens = xgrow(set->lens, &cap, set->n + 1, sizeof(*set->lens));
	}
	for (pos = 0; pos < set->n && set->lens[pos] >= len; pos++)
		;
	memmove(set->items + pos + 1, set->items + pos, (set->n - pos) * sizeof(*set->items));
	memmove(set->lens + pos + 1, set->lens + pos, (set->n - pos) * sizeof(*set->lens));
	set->items[pos] = xstrndup(s, len);
	set->lens[pos] = len;
	set->n++;
}

void secret_set_merge(struct secret_set *into, const struct secret_set *from)
{
	size_t i;

	for (i = 0; from != NULL && i < from->n; i++)
		secret_set_add(into, from->items[i]);
}

struct secret_set *secret_set_ref(struct secret_set *set)
{
	if (set != NULL)
		atomic_fetch_add(&set->refs, 1);
	return set;
}

void secret_set_unref(struct secret_set *set)
{
	size_t i;

	if (set == NULL || atomic_fetch_sub(&set->refs, 1) != 1)
		return;
	for (i = 0; i < set->n; i++)
		free(set->items[i]);
	free(set->items);
	free(set->lens);
	free(set);
}

size_t secret_set_count(const struct secret_set *set)
{
	return set ? set->n : 0;
}

/* Replaces every occurrence of one secret; returns the new text or NULL if none. */
static char *scrub_one(const char *in, size_t len, const char *s, size_t slen, size_t *outlen)
{
	const char *p = memmem(in, len, s, slen), *end = in + len;
	struct buf b;

	if (p == NULL)
		return NULL;
	buf_init(&b, 0);
	while (p != NULL) {
		if (buf_append(&b, in, (size_t)(p - in)) < 0 || buf_puts(&b, SECRET_MASK) < 0)
			abort(); /* uncapped buffer */
		in = p + slen;
		p = memmem(in, (size_t)(end - in), s, slen);
	}
	if (buf_append(&b, in, (size_t)(end - in)) < 0)
		abort();
	*outlen = b.len;
	return buf_steal(&b);
}

char *secret_scrub(const struct secret_set *set, const char *in, size_t len, size_t *outlen)
{
	char *cur = NULL;
	size_t i, curlen = len;

	if (set == NULL)
		return NULL;
	for (i = 0; i < set->n; i++) {
		size_t nlen;
		char *next = scrub_one(cur ? cur : in, curlen, set->items[i], set->lens[i], &nlen);

		if (next != NULL) {
			free(cur);
			cur = next;
			curlen = nlen;
		}
	}
	if (cur != NULL)
		*outlen = curlen;
	return cur;
}
