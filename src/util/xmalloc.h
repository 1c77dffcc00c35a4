/* Allocation that never returns NULL: out of memory aborts in one place. */
#ifndef VIGIL_UTIL_XMALLOC_H
#define VIGIL_UTIL_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

/* Each returns memory owned by the caller (free() it) or aborts the process. */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
/* Grows an array of *cap elements of SIZE to hold at least NEED; returns it. */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif
