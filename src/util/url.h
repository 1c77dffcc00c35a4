/* URLs as shown to people: credentials replaced by <secret>. */
#ifndef VIGIL_UTIL_URL_H
#define VIGIL_UTIL_URL_H

struct secret_set;

/* Query parameters whose values are credentials, unless configured otherwise. */
extern const char *const url_secret_params[];

/*
 * Returns a copy of URL (caller frees) with its userinfo, and the values of
 * query parameters named in PARAMS or EXTRA (case-insensitive; either may be
 * NULL; NULL-terminated), replaced by "<secret>".
 */
char *url_redact(const char *url, const char *const *params, const char *const *extra);

/* Adds URL's userinfo and its credential-like query values to SET. */
void url_add_secrets(const char *url, const char *const *params, struct secret_set *set);

#endif
