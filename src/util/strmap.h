/* A string -> int64 hash map (open addressing), for ids and keys. Not thread-safe. */
#ifndef VIGIL_UTIL_STRMAP_H
#define VIGIL_UTIL_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
	char *key; /* NULL: empty */
	int64_t value;
};

struct strmap {
	struct strmap_slot *slots;
	size_t cap, n;
};

/* A zeroed strmap is empty and ready. */
void strmap_free(struct strmap *m);
/* Sets KEY (copied) to VALUE. */
void strmap_put(struct strmap *m, const char *key, int64_t value);
/* Finds KEY; returns true and sets *VALUE when present. */
bool strmap_get(const struct strmap *m, const char *key, int64_t *value);
/* A stable hash of S (FNV-1a, 64 bits), also used for schedule phases. */
uint64_t strmap_hash(const char *s);

#endif
