/* Path pattern matching for the route table. */
#include "web/router.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Splits off the next segment of *P (after a '/'); returns its length or -1 at the end. */
static int next_segment(const char **p, const char **seg)
{
	const char *s = *p, *end;

	if (*s != '/')
		return -1;
	s++;
	end = strchr(s, '/');
	if (end == NULL)
		end = s + strlen(s);
	*seg = s;
	*p = end;
	return (int)(end - s);
}

static bool path_ok(const char *path, size_t len)
{
	const char *p = path, *seg;
	size_t i;
	int n;

	if (len == 0 || path[0] != '/')
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)path[i] < 0x20 || path[i] == 0x7f)
			return false;
	if (len == 1)
		return true;
	while ((n = next_segment(&p, &seg)) >= 0) {
		if (n == 0 && *p != '\0')
			return false; /* "//" */
		if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return false;
	}
	return true;
}

/* Matches PATH against PATTERN, capturing {params}. */
static bool pattern_match(const char *pattern, const char *path, struct route_params *params)
{
	const char *pp = pattern, *sp = path, *pseg = NULL, *sseg = NULL;
	int pn, sn;

	params->n = 0;
	if (strcmp(pattern, "/") == 0)
		return strcmp(path, "/") == 0;
	for (;;) {
		pn = next_segment(&pp, &pseg);
		sn = next_segment(&sp, &sseg);
		if (pn < 0 || sn < 0)
			return pn < 0 && sn < 0;
		if (pn >= 2 && pseg[0] == '{' && pseg[pn - 1] == '}') {
			if (sn == 0 || sn >= ROUTE_PARAM_MAX || params->n == ROUTE_MAX_PARAMS)
				return false;
			params->names[params->n] = pseg + 1;
			params->name_lens[params->n] = (size_t)pn - 2;
			memcpy(params->values[params->n], sseg, (size_t)sn);
			params->values[params->n][sn] = '\0';
			params->n++;
		} else if (pn != sn || memcmp(pseg, sseg, (size_t)pn) != 0) {
			return false;
		}
	}
}

static bool method_ok(const char *route_method, const char *method)
{
	return strcmp(route_method, method) == 0 ||
	       (strcmp(route_method, "GET") == 0 && strcmp(method, "HEAD") == 0);
}

static void allow_add(char *allow, size_t len, const char *method)
{
	size_t used = strlen(allow);

	if (strstr(allow, method) != NULL)
		return;
	snprintf(allow + used, len - used, "%s%s", used ? ", " : "", method);
	if (strcmp(method, "GET") == 0)
		allow_add(allow, len, "HEAD");
}

enum router_result router_match(const struct route *table, size_t n, const char *method,
                                const char *path, const struct route **out,
                                struct route_params *params, char *allow, size_t allowlen)
{
	char norm[2048];
	size_t len = strlen(path), i;
	bool path_found = false;
	struct route_params scratch;

	if (allowlen)
		allow[0] = '\0';
	if (len >= sizeof(norm) || !path_ok(path, len))
		return len >= sizeof(norm) ? ROUTER_NOT_FOUND : ROUTER_BAD_PATH;
	memcpy(norm, path, len + 1);
	if (len > 1 && norm[len - 1] == '/')
		norm[len - 1] = '\0';
	for (i = 0; i < n; i++) {
		if (!pattern_match(table[i].pattern, norm, &scratch))
			continue;
		if (method_ok(table[i].method, method)) {
			*out = &table[i];
			*params = scratch;
			return ROUTER_MATCH;
		}
		path_found = true;
		allow_add(allow, allowlen, table[i].method);
	}
	return path_found ? ROUTER_BAD_METHOD : ROUTER_NOT_FOUND;
}

const char *route_param(const struct route_params *p, const char *name)
{
	size_t i, len = strlen(name);

	for (i = 0; i < p->n; i++)
		if (p->name_lens[i] == len && memcmp(p->names[i], name, len) == 0)
			return p->values[i];
	return NULL;
}
