/* The SSRF guard's decision: deny lists, allow lists, then internal ranges. */
#include "probe/targets.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "conf/conf.h"
#include "util/cidr.h"

/* NAME matches ENTRY: the same name, or ENTRY "*.example.com" and NAME under it. */
static bool name_match(const char *entry, const char *name)
{
	size_t el, nl;

	if (name == NULL || *name == '\0')
		return false;
	if (strncmp(entry, "*.", 2) != 0)
		return strcasecmp(entry, name) == 0;
	el = strlen(entry + 1); /* ".example.com" */
	nl = strlen(name);
	return nl > el && strcasecmp(name + nl - el, entry + 1) == 0;
}

/* Whether HOST or A is in L (CIDRs, addresses, names). */
static bool listed(const struct conf_strlist *l, const char *host, const struct ip_addr *a)
{
	struct cidr c;
	char err[128];
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (cidr_parse(l->v[i], &c, err, sizeof(err)) == 0) {
			if (cidr_contains(&c, a))
				return true;
		} else if (name_match(l->v[i], host)) {
			return true;
		}
	}
	return false;
}

bool targets_allow(const struct conf_targets *t, const char *host, const struct sockaddr *sa,
                   char *why, size_t size)
{
	struct ip_addr a;
	const char *range;
	char text[64];

	if (t == NULL)
		return true; /* a monitor of the configuration file */
	if (ip_from_sockaddr(sa, &a) < 0) {
		snprintf(why, size, "only IPv4 and IPv6 addresses may be reached");
		return false;
	}
	ip_format(&a, text, sizeof(text));
	if (listed(&t->deny, host, &a)) {
		snprintf(why, size, "%s (%s) is in security.targets.deny", host ? host : text,
		         text);
		return false;
	}
	if (t->allow_internal || listed(&t->allow, host, &a))
		return true;
	if (ip_is_internal(&a, &range)) {
		if (host != NULL && strcmp(host, text) != 0)
			snprintf(why, size, "%s resolves to %s, which is %s", host, text, range);
		else
			snprintf(why, size, "%s is %s", text, range);
		snprintf(why + strlen(why), size - strlen(why),
		         ": monitors made through the API may not reach internal addresses "
		         "(security.targets)");
		return false;
	}
	return true;
}
