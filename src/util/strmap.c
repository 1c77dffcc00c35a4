/* Open-addressing string map with linear probing. */
#include "util/strmap.h"

#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

uint64_t strmap_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

void strmap_free(struct strmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static struct strmap_slot *find(const struct strmap *m, const char *key)
{
	size_t i = (size_t)strmap_hash(key) & (m->cap - 1);

	while (m->slots[i].key != NULL && strcmp(m->slots[i].key, key) != 0)
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

static void grow(struct strmap *m)
{
	struct strmap old = *m;
	size_t i;

	m->cap = old.cap ? old.cap * 2 : 16;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	m->n = 0;
	for (i = 0; i < old.cap; i++) {
		if (old.slots[i].key != NULL) {
			*find(m, old.slots[i].key) = old.slots[i];
			m->n++;
		}
	}
	free(old.slots);
}

void strmap_put(struct strmap *m, const char *key, int64_t value)
{
	struct strmap_slot *s;

	if ((m->n + 1) * 4 > m->cap * 3)
		grow(m);
	s = find(m, key);
	if (s->key == NULL) {
		s->key = xstrdup(key);
		m->n++;
	}
	s->value = value;
}

bool strmap_get(const struct strmap *m, const char *key, int64_t *value)
{
	const struct strmap_slot *s;

	if (m->cap == 0)
		return false;
	s = find(m, key);
	if (s->key == NULL)
		return false;
	*value = s->value;
	return true;
}
