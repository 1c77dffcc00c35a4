/* Value parsers for the config: pure functions, no allocation. */
#include "conf/value.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct unit {
	const char *name;
	double factor;
};

static const struct unit duration_units[] = {
	{ "ms", 1 },      { "s", 1000 },     { "m", 60000 },
	{ "h", 3600000 }, { "d", 86400000 }, { NULL, 0 },
};

/* Reads "digits[.digits]" at *P; returns 0 and advances, or -1. */
static int read_number(const char **p, double *out)
{
	const char *s = *p;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*out = strtod(s, &end);
	if (errno || end == s || !isfinite(*out) || end[-1] == '.')
		return -1;
	/* strtod accepts exponents and hex; a duration does not. */
	for (; s < end; s++)
		if (!isdigit((unsigned char)*s) && *s != '.')
			return -1;
	*p = end;
	return 0;
}

/* Matches the longest unit name of TABLE at *P (letters only). */
static const struct unit *read_unit(const char **p, const struct unit *table, int nocase)
{
	const char *s = *p;
	size_t len = 0;

	while (isalpha((unsigned char)s[len]))
		len++;
	for (; table->name != NULL; table++) {
		if (strlen(table->name) != len)
			continue;
		if (nocase ? strncasecmp(s, table->name, len) == 0
		           : strncmp(s, table->name, len) == 0) {
			*p = s + len;
			return table;
		}
	}
	return NULL;
}

int conf_duration_parse(const char *s, int64_t *ms)
{
	double total = 0;

	if (strcmp(s, "0") == 0) {
		*ms = 0;
		return 0;
	}
	if (*s == '\0')
		return -1;
	while (*s) {
		double n;
		const struct unit *u;

		if (read_number(&s, &n) < 0 || (u = read_unit(&s, duration_units, 0)) == NULL)
			return -1;
		total += n * u->factor;
	}
	if (total > 9.2e15) /* ~290,000 years: anything larger is a typo */
		return -1;
	*ms = (int64_t)llround(total);
	return 0;
}

void conf_duration_format(int64_t ms, char *out, size_t size)
{
	static const struct {
		const char *name;
		int64_t ms;
	} parts[] = {
		{ "d", 86400000 }, { "h", 3600000 }, { "m", 60000 }, { "s", 1000 }, { "ms", 1 }
	};
	size_t used = 0, i;

	if (ms <= 0) {
		snprintf(out, size, "0s");
		return;
	}
	out[0] = '\0';
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]) && used < size; i++) {
		int64_t n = ms / parts[i].ms;

		if (n == 0)
			continue;
		used += (size_t)snprintf(out + used, size - used, "%lld%s", (long long)n,
		                         parts[i].name);
		ms -= n * parts[i].ms;
	}
}

static const struct unit size_units[] = {
	{ "B", 1 },           { "KB", 1e3 },           { "MB", 1e6 },
	{ "GB", 1e9 },        { "TB", 1e12 },          { "KiB", 1024.0 },
	{ "MiB", 1048576.0 }, { "GiB", 1073741824.0 }, { "TiB", 1099511627776.0 },
	{ NULL, 0 },
};

int conf_size_parse(const char *s, int64_t *bytes)
{
	const struct unit *u = size_units;
	double n;

	if (read_number(&s, &n) < 0)
		return -1;
	if (*s == ' ')
		s++;
	if (*s != '\0' && ((u = read_unit(&s, size_units, 1)) == NULL || *s != '\0'))
		return -1;
	n *= u->factor;
	if (n > 9.2e18 || n != floor(n))
		return -1;
	*bytes = (int64_t)n;
	return 0;
}

void conf_size_format(int64_t bytes, char *out, size_t size)
{
	static const char *const names[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int i = 0;

	while (i < 4 && bytes >= 1024 && bytes % 1024 == 0) {
		bytes /= 1024;
		i++;
	}
	snprintf(out, size, "%lld%s", (long long)bytes, names[i]);
}

int conf_int_parse(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (*s == '\0' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

static int valid_hostname(const char *h, size_t len)
{
	size_t i;

	if (len == 0 || len > 253)
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)h[i]) && h[i] != '-' && h[i] != '.' && h[i] != '_')
			return 0;
	return 1;
}

enum conf_listen_err conf_listen_parse(const char *s, struct conf_listen *out)
{
	const char *colon, *host = s;
	size_t hostlen;
	int64_t port;
	char tmp[64];

	if (*s == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL || close[1] != ':')
			return close ? CONF_LISTEN_NO_PORT : CONF_LISTEN_BAD_HOST;
		host = s + 1;
		hostlen = (size_t)(close - host);
		colon = close + 1;
		if (hostlen == 0 || hostlen >= sizeof(tmp))
			return CONF_LISTEN_BAD_HOST;
		memcpy(tmp, host, hostlen);
		tmp[hostlen] = '\0';
		struct in6_addr a6;
		if (inet_pton(AF_INET6, tmp, &a6) != 1)
			return CONF_LISTEN_BAD_HOST;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			return CONF_LISTEN_NO_PORT;
		hostlen = (size_t)(colon - s);
		if (memchr(s, ':', hostlen) != NULL) /* bare IPv6 needs brackets */
			return CONF_LISTEN_BAD_HOST;
		if (hostlen && !valid_hostname(s, hostlen))
			return CONF_LISTEN_BAD_HOST;
	}
	if (conf_int_parse(colon + 1, &port) < 0 || port < 1 || port > 65535 ||
	    !isdigit((unsigned char)colon[1]))
		return CONF_LISTEN_BAD_PORT;
	if (hostlen >= sizeof(out->host))
		return CONF_LISTEN_BAD_HOST;
	memcpy(out->host, host, hostlen);
	out->host[hostlen] = '\0';
	out->port = (int)port;
	return CONF_LISTEN_OK;
}

int conf_cidr_parse(const char *s)
{
	char addr[64];
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	unsigned char buf[16];
	int64_t prefix;
	int max;

	if (len == 0 || len >= sizeof(addr))
		return -1;
	memcpy(addr, s, len);
	addr[len] = '\0';
	if (inet_pton(AF_INET, addr, buf) == 1)
		max = 32;
	else if (inet_pton(AF_INET6, addr, buf) == 1)
		max = 128;
	else
		return -1;
	if (slash == NULL)
		return 0;
	if (!isdigit((unsigned char)slash[1]) || conf_int_parse(slash + 1, &prefix) < 0 ||
	    prefix < 0 || prefix > max)
		return -1;
	return 0;
}
