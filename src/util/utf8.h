/* Making text from targets safe to show: valid UTF-8 without control bytes. */
#ifndef VIGIL_UTIL_UTF8_H
#define VIGIL_UTIL_UTF8_H

#include <stdbool.h>

/*
 * Rewrites the NUL-terminated S in place: every byte that is not part of a
 * valid UTF-8 sequence (overlong forms, surrogates and code points above
 * U+10FFFF included) and every control character but tab becomes '?'.
 * Returns true when S was changed.
 */
bool utf8_scrub(char *s);

#endif
