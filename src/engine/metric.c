/*
 * Metric values by name, for alert rules: host series, monitor figures and
 * the security counter the web server keeps (loop thread).
 */
#include <stdio.h>
#include <string.h>

#include "engine/engine_int.h"
#include "util/time.h"

/* The monitor id inside "monitor.FIELD{monitor=\"ID\"}", into OUT. */
static struct monitor *label_monitor(struct engine *e, const char *metric, const char *field)
{
	char prefix[64], id[160];
	size_t plen, len;

	snprintf(prefix, sizeof(prefix), "monitor.%s{monitor=\"", field);
	plen = strlen(prefix);
	len = strlen(metric);
	if (strncmp(metric, prefix, plen) != 0 || len < plen + 2 || len - plen - 2 >= sizeof(id))
		return NULL;
	memcpy(id, metric + plen, len - plen - 2);
	id[len - plen - 2] = '\0';
	return engine_monitor_find(e, id);
}

bool engine_metric_value(void *arg, const char *metric, double *out)
{
	struct engine *e = arg;
	struct monitor *m;

	if (strncmp(metric, "host.", 5) == 0)
		return engine_host_value(e, metric + 5, out);
	if (strcmp(metric, "security.violations_1h") == 0) {
		if (e->violations_1h == NULL)
			return false;
		*out = e->violations_1h(e->violations_arg);
		return true;
	}
	if ((m = label_monitor(e, metric, "latency_ms")) != NULL) {
		if (m->last.t_ms == 0)
			return false;
		*out = (double)m->last.latency_ns / 1e6;
		return true;
	}
	if ((m = label_monitor(e, metric, "uptime_24h")) != NULL) {
		if (m->uptime[HISTORY_24H] < 0)
			return false;
		*out = m->uptime[HISTORY_24H] * 100;
		return true;
	}
	if ((m = label_monitor(e, metric, "down")) != NULL) {
		*out = m->st.status == STATUS_DOWN ? 1 : 0;
		return true;
	}
	return false;
}

void engine_set_security_source(struct engine *e, double (*fn)(void *arg), void *arg)
{
	e->violations_1h = fn;
	e->violations_arg = arg;
}
