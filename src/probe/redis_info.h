/* What the redis probe reads: its redis:// URL and the text of INFO replies. */
#ifndef VIGIL_PROBE_REDIS_INFO_H
#define VIGIL_PROBE_REDIS_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REDIS_DEFAULT_PORT 6379

/* The parts of redis://[[user]:password@]host[:port][/db]. */
struct redis_url {
	char *host;     /* without brackets for IPv6 */
	int port;       /* 1..65535 */
	int64_t db;     /* 0 when absent */
	char *user;     /* percent-decoded; NULL when absent (the default user) */
	char *password; /* percent-decoded; NULL when absent */
};

/*
 * Parses URL into OUT (its strings owned by OUT: release with
 * redis_url_free). Returns 0, or -1 with a reason in ERR that never quotes
 * the credentials.
 */
int redis_url_parse(const char *url, struct redis_url *out, char *err, size_t errlen);
/* Frees what OUT holds and zeroes it. */
void redis_url_free(struct redis_url *u);

/*
 * Finds field KEY in the INFO text at INFO (LEN bytes of "key:value" lines,
 * "# Section" headers and blank lines, CRLF or LF). A KEY of the form
 * "field.sub" also looks inside a "k=v,k=v" value ("db0.keys").
 * Sets *VAL and *VLEN to the value inside INFO and returns true, or false
 * when the field is absent.
 */
bool redis_info_get(const char *info, size_t len, const char *key, const char **val, size_t *vlen);
/* Like redis_info_get, and the value must be a whole finite number. */
bool redis_info_number(const char *info, size_t len, const char *key, double *out);

#endif
