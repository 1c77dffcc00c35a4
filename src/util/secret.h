/* The secret registry: values that must never appear in logs, errors or API output. */
#ifndef VIGIL_UTIL_SECRET_H
#define VIGIL_UTIL_SECRET_H

#include <stddef.h>

#define SECRET_MASK "<secret>"

/*
 * An immutable, reference-counted set of secret strings. Built once per loaded
 * configuration and shared by every thread that formats output.
 */
struct secret_set;

/* Creates an empty set with one reference. */
struct secret_set *secret_set_new(void);
#define SECRET_MIN_SCAN 3 /* shorter secrets are not searched for in text */

/*
 * Adds a copy of S (only while the set is being built, before it is shared).
 * Strings shorter than SECRET_MIN_SCAN are ignored; duplicates are kept once.
 */
void secret_set_add(struct secret_set *set, const char *s);
/* Adds every secret of FROM to INTO (while INTO is being built). */
void secret_set_merge(struct secret_set *into, const struct secret_set *from);
/* Takes / drops a reference; the last drop frees the set. NULL is a no-op. */
struct secret_set *secret_set_ref(struct secret_set *set);
void secret_set_unref(struct secret_set *set);
size_t secret_set_count(const struct secret_set *set);

/*
 * Returns a newly allocated copy of the LEN bytes at IN with every secret of
 * SET replaced by SECRET_MASK (longest secrets first), and its length in
 * *OUTLEN; or NULL when IN holds no secret (nothing is allocated then).
 */
char *secret_scrub(const struct secret_set *set, const char *in, size_t len, size_t *outlen);

#endif
