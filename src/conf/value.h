/* Parsing and printing of config value types: durations, sizes, addresses. */
#ifndef VIGIL_CONF_VALUE_H
#define VIGIL_CONF_VALUE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parses a duration such as "500ms", "10s", "1h30m", "1.5s", "7d" (units ms s
 * m h d, combinable, largest first not required) into milliseconds. "0" alone
 * is allowed without a unit. Returns 0, or -1 when S is not a duration.
 */
int conf_duration_parse(const char *s, int64_t *ms);
/* Writes MS in the shortest exact form ("90s" -> "1m30s", 0 -> "0s"). */
void conf_duration_format(int64_t ms, char *out, size_t size);

/*
 * Parses a size: a plain number of bytes, or a number with B, KB, MB, GB
 * (powers of 1000) or KiB, MiB, GiB (powers of 1024), optionally separated by
 * a space. Returns 0, or -1 when S is not a size.
 */
int conf_size_parse(const char *s, int64_t *bytes);
void conf_size_format(int64_t bytes, char *out, size_t size);

/* Parses a decimal integer with nothing after it. Returns 0 or -1. */
int conf_int_parse(const char *s, int64_t *out);

struct conf_listen {
	char host[256]; /* "" means every address */
	int port;       /* 1..65535 */
};

enum conf_listen_err {
	CONF_LISTEN_OK,
	CONF_LISTEN_BAD_PORT,
	CONF_LISTEN_BAD_HOST,
	CONF_LISTEN_NO_PORT
};
/* Parses "host:port", "[v6]:port" or ":port". */
enum conf_listen_err conf_listen_parse(const char *s, struct conf_listen *out);

/* Parses an address or CIDR ("10.0.0.0/8", "::1", "fd00::/8"). Returns 0 or -1. */
int conf_cidr_parse(const char *s);

#endif
