/* What the redis probe reads: its redis:// URL and the text of INFO replies. */
#include "probe/redis_info.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/xmalloc.h"

#define URL_FORM "redis://[[user]:password@]host[:port][/db]"

static int url_error(struct redis_url *u, char *err, size_t errlen, const char *why)
{
	snprintf(err, errlen, "%s (expected %s)", why, URL_FORM);
	redis_url_free(u);
	return -1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decodes [S, E) into a new string; NULL when an escape is malformed. */
static char *decode(const char *s, const char *e)
{
	char *out = xmalloc((size_t)(e - s) + 1), *o = out;

	while (s < e) {
		if (*s != '%') {
			*o++ = *s++;
			continue;
		}
		if (e - s < 3 || hexval(s[1]) < 0 || hexval(s[2]) < 0) {
			free(out);
			return NULL;
		}
		*o++ = (char)(hexval(s[1]) * 16 + hexval(s[2]));
		s += 3;
	}
	*o = '\0';
	return out;
}

/* Splits the userinfo [S, E) into user and password. */
static const char *parse_userinfo(struct redis_url *u, const char *s, const char *e)
{
	const char *colon = memchr(s, ':', (size_t)(e - s));

	if (colon == NULL)
		return "put the password after a colon (redis://:password@host)";
	if (colon > s && (u->user = decode(s, colon)) == NULL)
		return "bad percent-encoding in the user name";
	if ((u->password = decode(colon + 1, e)) == NULL)
		return "bad percent-encoding in the password";
	if (*u->password == '\0') { /* "user:@host": no password */
		free(u->password);
		u->password = NULL;
	}
	return NULL;
}

/* Reads a decimal number of [S, E) within [LO, HI]; -1 when it is not one. */
static int64_t number(const char *s, const char *e, int64_t lo, int64_t hi)
{
	int64_t v = 0;

	if (s == e || e - s > 10)
		return -1;
	for (; s < e; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v >= lo && v <= hi ? v : -1;
}

/* Parses "host[:port]" or "[v6][:port]" spanning [S, E). */
static const char *parse_hostport(struct redis_url *u, const char *s, const char *e)
{
	const char *host_end, *port = NULL;
	int64_t p = REDIS_DEFAULT_PORT;

	if (s < e && *s == '[') {
		host_end = memchr(s, ']', (size_t)(e - s));
		if (host_end == NULL || host_end == s + 1)
			return "unterminated or empty [IPv6] address";
		if (host_end + 1 < e && host_end[1] != ':')
			return "unexpected text after the [IPv6] address";
		port = host_end + 1 < e ? host_end + 2 : NULL;
		u->host = xstrndup(s + 1, (size_t)(host_end - s - 1));
	} else {
		host_end = memchr(s, ':', (size_t)(e - s));
		port = host_end ? host_end + 1 : NULL;
		if (host_end == NULL)
			host_end = e;
		if (host_end == s)
			return "no host";
		u->host = xstrndup(s, (size_t)(host_end - s));
	}
	if (strpbrk(u->host, " \t\r\n%@") != NULL)
		return "the host has a character not allowed in host names";
	if (port != NULL && (p = number(port, e, 1, 65535)) < 0)
		return "the port must be a number from 1 to 65535";
	u->port = (int)p;
	return NULL;
}

int redis_url_parse(const char *url, struct redis_url *out, char *err, size_t errlen)
{
	const char *p, *q, *auth_end, *at = NULL, *why;

	memset(out, 0, sizeof(*out));
	if (strncasecmp(url, "rediss://", 9) == 0)
		return url_error(out, err, errlen, "rediss:// (TLS) is not supported");
	if (strncasecmp(url, "redis://", 8) != 0)
		return url_error(out, err, errlen, "not a redis:// URL");
	p = url + 8;
	auth_end = p + strcspn(p, "/?#");
	for (q = p; q < auth_end; q++)
		if (*q == '@')
			at = q;
	if (at != NULL && (why = parse_userinfo(out, p, at)) != NULL)
		return url_error(out, err, errlen, why);
	if ((why = parse_hostport(out, at ? at + 1 : p, auth_end)) != NULL)
		return url_error(out, err, errlen, why);
	if (*auth_end == '?' || *auth_end == '#')
		return url_error(out, err, errlen, "query parameters are not supported");
	if (*auth_end == '/' && auth_end[1] != '\0' &&
	    (out->db = number(auth_end + 1, auth_end + strlen(auth_end), 0, 2147483647)) < 0)
		return url_error(out, err, errlen, "the database must be a number");
	return 0;
}

void redis_url_free(struct redis_url *u)
{
	free(u->host);
	free(u->user);
	free(u->password);
	memset(u, 0, sizeof(*u));
}

/* Finds the line "NAME:value" (NAME being NLEN bytes). */
static bool find_field(const char *info, size_t len, const char *name, size_t nlen,
                       const char **val, size_t *vlen)
{
	const char *p = info, *end = info + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		if (le > p && le[-1] == '\r')
			le--;
		if (*p != '#' && (size_t)(le - p) > nlen && memcmp(p, name, nlen) == 0 &&
		    p[nlen] == ':') {
			*val = p + nlen + 1;
			*vlen = (size_t)(le - *val);
			return true;
		}
		p = nl ? nl + 1 : end;
	}
	return false;
}

/* Finds SUB in a "k=v,k=v" value. */
static bool find_sub(const char *v, size_t vl, const char *sub, const char **val, size_t *vlen)
{
	const char *p = v, *end = v + vl;
	size_t sl = strlen(sub);

	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *ie = comma ? comma : end;

		if ((size_t)(ie - p) > sl && memcmp(p, sub, sl) == 0 && p[sl] == '=') {
			*val = p + sl + 1;
			*vlen = (size_t)(ie - *val);
			return true;
		}
		p = comma ? comma + 1 : end;
	}
	return false;
}

bool redis_info_get(const char *info, size_t len, const char *key, const char **val, size_t *vlen)
{
	const char *dot = strchr(key, '.'), *v;
	size_t vl;

	if (info == NULL || *key == '\0')
		return false;
	if (find_field(info, len, key, strlen(key), val, vlen))
		return true;
	if (dot == NULL || dot == key || !find_field(info, len, key, (size_t)(dot - key), &v, &vl))
		return false;
	return find_sub(v, vl, dot + 1, val, vlen);
}

bool redis_info_number(const char *info, size_t len, const char *key, double *out)
{
	const char *v;
	size_t vl;
	char buf[64], *end;

	if (!redis_info_get(info, len, key, &v, &vl) || vl == 0 || vl >= sizeof(buf))
		return false;
	memcpy(buf, v, vl);
	buf[vl] = '\0';
	*out = strtod(buf, &end);
	return *end == '\0' && isfinite(*out);
}
