/* Files compiled into the binary (migrations, web assets); see cmake/embed.cmake. */
#ifndef VIGIL_UTIL_EMBED_H
#define VIGIL_UTIL_EMBED_H

#include <stddef.h>

struct embed_file {
	const char *name;          /* path relative to the embedded folder */
	const unsigned char *data; /* NUL-terminated for convenience */
	size_t size;               /* bytes, without the terminating NUL */
};

/*
 * Returns the entry named NAME in TABLE (terminated by a NULL name), or NULL.
 */
const struct embed_file *embed_find(const struct embed_file *table, const char *name);

#endif
