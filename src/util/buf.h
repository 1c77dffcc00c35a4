/* Growable byte buffers with a hard size cap, for anything fed from outside. */
#ifndef VIGIL_UTIL_BUF_H
#define VIGIL_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data; /* always NUL-terminated when non-NULL */
	size_t len; /* bytes used, without the NUL */
	size_t cap; /* bytes allocated */
	size_t max; /* the cap: appends that would pass it fail */
};

/* Initializes B empty with a cap of MAX bytes (0: no cap). Allocates nothing. */
void buf_init(struct buf *b, size_t max);
/* Frees the data; B may be reused after buf_init. A zeroed buf is fine. */
void buf_free(struct buf *b);
/* Empties B keeping its memory. */
void buf_reset(struct buf *b);

/*
 * Appends LEN bytes. Returns 0, or -1 when the cap would be passed, in which
 * case B is unchanged.
 */
int buf_append(struct buf *b, const void *data, size_t len) __attribute__((warn_unused_result));
/* Appends what fits of LEN bytes under the cap (all of them without one); returns how many. */
size_t buf_append_some(struct buf *b, const void *data, size_t len);
int buf_puts(struct buf *b, const char *s) __attribute__((warn_unused_result));
int buf_putc(struct buf *b, char c) __attribute__((warn_unused_result));
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)))
__attribute__((warn_unused_result));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)))
__attribute__((warn_unused_result));

/* Hands the data to the caller (free() it; "" when empty) and empties B. */
char *buf_steal(struct buf *b);

#endif
