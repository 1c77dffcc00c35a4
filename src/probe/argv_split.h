/* Splitting a command line into words as a POSIX shell would, without running one. */
#ifndef VIGIL_PROBE_ARGV_SPLIT_H
#define VIGIL_PROBE_ARGV_SPLIT_H

#include <stddef.h>

/*
 * Splits S into words by the quoting rules of the POSIX shell and nothing
 * else: blanks (space, tab, newline) separate words; 'single quotes' keep
 * every character up to the next single quote; "double quotes" keep every
 * character but a backslash before $ ` " \ or newline, which escapes it; a
 * backslash outside quotes keeps the next character (backslash-newline is
 * removed). There are no expansions: $ ` * ? [ ~ | ; & < > ( ) and # are
 * ordinary characters. '' and "" make an empty word.
 *
 * Returns 0 with *ARGV, a NULL-terminated array of *ARGC words (free it with
 * argv_free), or -1 with *ARGV NULL and a reason in ERR (an unterminated
 * quote, a trailing backslash) naming the 1-based column where it began.
 */
int argv_split(const char *s, char ***argv, size_t *argc, char *err, size_t errlen);

/* Frees what argv_split returned; NULL is a no-op. */
void argv_free(char **argv);

#endif
