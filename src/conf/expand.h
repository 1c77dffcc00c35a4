/* ${VAR} and ${VAR:-default} expansion of config values from the environment. */
#ifndef VIGIL_CONF_EXPAND_H
#define VIGIL_CONF_EXPAND_H

#include <stddef.h>

/*
 * Returns a newly allocated copy of IN with each ${VAR} replaced by the
 * variable's value and each ${VAR:-default} by the value, or by default when
 * the variable is unset or empty. "$${" stands for a literal "${"; a "$" not
 * followed by "{" is kept. Returns NULL and writes a reason into ERR (naming
 * the variable) when a variable without default is unset or the syntax is
 * wrong. *EXPANDED is set to 1 when any substitution happened (may be NULL).
 */
char *conf_expand(const char *in, int *expanded, char *err, size_t errlen);

#endif
