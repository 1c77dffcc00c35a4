/* The table of monitor types. */
#include <string.h>

#include "probe/http.h"
#include "probe/probe.h"

const struct probe_type *const probe_types[] = {
	&probe_http,     &probe_tcp,   &probe_dns,     &probe_icmp, &probe_tls,  &probe_command,
	&probe_postgres, &probe_redis, &probe_process, &probe_file, &probe_push, NULL,
};

const struct probe_type *probe_type_find(const char *name)
{
	size_t i;

	for (i = 0; probe_types[i] != NULL; i++)
		if (strcmp(probe_types[i]->name, name) == 0)
			return probe_types[i];
	return NULL;
}
