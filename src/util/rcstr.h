/* Reference-counted immutable strings, shared between the engine and snapshots. */
#ifndef VIGIL_UTIL_RCSTR_H
#define VIGIL_UTIL_RCSTR_H

#include <stdatomic.h>
#include <stddef.h>

struct rcstr {
	atomic_int refs;
	size_t len;
	char s[]; /* NUL-terminated */
};

/* A new string with one reference. */
struct rcstr *rcstr_new(const char *s);
struct rcstr *rcstr_ref(struct rcstr *r);
/* Drops a reference; NULL is a no-op. */
void rcstr_unref(struct rcstr *r);
/* The text, or "" for NULL. */
const char *rcstr_str(const struct rcstr *r);

#endif
