/* The monitors section: what to check, how often, and what counts as healthy. */
#ifndef VIGIL_CONF_MONITORS_H
#define VIGIL_CONF_MONITORS_H

#include <stdbool.h>
#include <stdint.h>

#include "conf/schema.h"

struct buf;

struct condition;
struct conf_targets;
struct probe_type;

enum incident_mode { INCIDENT_DEFAULT, INCIDENT_AUTO, INCIDENT_OFF };

struct monitor_conf {
	char *name;  /* unique */
	char *group; /* for the status page; NULL for none */
	char *type;  /* a probe type name */
	char *description;
	int64_t interval;                /* ms between runs */
	int64_t timeout;                 /* ms a run may take */
	int64_t retries;                 /* extra attempts at once before a failure counts */
	int64_t failure_threshold;       /* consecutive failures before down */
	int64_t success_threshold;       /* consecutive successes before up again */
	struct conf_strlist conditions;  /* all must hold */
	struct conf_strlist degraded_if; /* any that holds makes the result degraded */
	bool public;                     /* shown on the status page */
	bool critical;                   /* a component of GET /health */
	int incident; /* enum incident_mode: open an incident when it goes down */
	struct monitor_alerts {
		bool enabled;                 /* false: this monitor never alerts */
		struct conf_strlist channels; /* empty: alerting.channels_on */
		int severity;                 /* of its down alert; -1: alerting.severity */
		bool degraded;                /* also alert (warning) when degraded */
		int64_t cert_days; /* alert when its certificate expires within this (0: never) */
	} alerts;

	/* derived when decoded */
	char *id; /* stable slug of the name */
	const struct probe_type *probe;
	void *probe_conf; /* the type's struct, decoded with its spec */
	struct condition **cond;
	size_t ncond;
	struct condition **degr;
	size_t ndegr;
	char *fingerprint; /* the monitor's printed config: equal text, unchanged monitor */
	/* made through the API: where it may connect (in its config); NULL: trusted */
	const struct conf_targets *targets;
};

struct conf_monitors {
	struct monitor_conf *v;
	size_t n;
};

/*
 * The monitors key of the root table is a custom list: each item is decoded
 * with the common keys plus the keys of its type. These are its handlers.
 */
int conf_monitors_parse(struct conf_ctx *ctx, yaml_node_t *node, void *field);
void conf_monitors_print(const void *field, struct buf *out);
void conf_monitors_free(void *field);
/* The common keys, for documentation. */
extern const struct conf_spec conf_monitor_spec;

/*
 * Writes the stable id of NAME into OUT: lowercase ASCII letters and digits,
 * other runs of characters as one '-', trimmed ("API Root!" -> "api-root").
 * Returns its length (0: the name has no letter or digit).
 */
size_t monitor_slug(const char *name, char *out, size_t size);

/* Finds a monitor by id in the list; NULL when absent. */
const struct monitor_conf *conf_monitor_find(const struct conf_monitors *m, const char *id);

#endif
