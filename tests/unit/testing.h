/* Common includes and helpers for the cmocka unit tests. */
#ifndef VIGIL_TESTING_H
#define VIGIL_TESTING_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Asserts that haystack contains needle, printing both when it does not. */
#define assert_contains(haystack, needle)                                                      \
	do {                                                                                   \
		const char *h_ = (haystack), *n_ = (needle);                                   \
		if (h_ == NULL || strstr(h_, n_) == NULL)                                      \
			fail_msg("expected to find \"%s\" in \"%s\"", n_, h_ ? h_ : "(null)"); \
	} while (0)

#define assert_not_contains(haystack, needle)                                \
	do {                                                                 \
		const char *h_ = (haystack), *n_ = (needle);                 \
		if (h_ != NULL && strstr(h_, n_) != NULL)                    \
			fail_msg("did not expect \"%s\" in \"%s\"", n_, h_); \
	} while (0)

#endif
