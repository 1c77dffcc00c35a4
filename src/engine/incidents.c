/*
 * Incidents: opened automatically when a monitor with incident: auto (the
 * default for public ones) goes down and resolved when it recovers, or made
 * and updated by operators through the API. The rows live in the store;
 * the engine keeps only which monitors have an automatic incident open.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "engine/engine_int.h"
#include "store/store.h"
#include "util/log.h"
#include "util/time.h"
#include "util/xmalloc.h"

void engine_incidents_boot(struct engine *e, const struct store_boot *boot)
{
	size_t i;

	e->next_incident = (boot ? boot->max_incident : 0) + 1;
	for (i = 0; boot != NULL && i < boot->nincidents; i++) {
		e->auto_incidents = xgrow(e->auto_incidents, &e->auto_cap, e->nauto + 1,
		                          sizeof(*e->auto_incidents));
		e->auto_incidents[e->nauto].monitor = boot->incidents[i].monitor;
		e->auto_incidents[e->nauto++].id = boot->incidents[i].id;
	}
}

void engine_incidents_free(struct engine *e)
{
	free(e->auto_incidents);
	e->auto_incidents = NULL;
	e->nauto = 0;
}

/* Writes the incident row and one update, in one batch (one op each, queued together). */
static void put_incident(struct engine *e, int64_t id, const char *title, const char *impact,
                         const char *status, int64_t monitor, const char *monitors, int64_t started,
                         int64_t resolved, const char *by, const char *message,
                         void (*on_commit)(void *, bool), void *arg)
{
	struct store_op *op = store_op_new(STORE_OP_INCIDENT), *up;

	op->u.incident.id = id;
	op->u.incident.monitor = monitor;
	op->u.incident.started = started;
	op->u.incident.resolved = resolved;
	snprintf(op->u.incident.title, sizeof(op->u.incident.title), "%s", title ? title : "");
	snprintf(op->u.incident.impact, sizeof(op->u.incident.impact), "%s", impact ? impact : "");
	snprintf(op->u.incident.status, sizeof(op->u.incident.status), "%s", status);
	snprintf(op->u.incident.by, sizeof(op->u.incident.by), "%s", by);
	op->text = xstrdup(monitors ? monitors : "[]");
	up = store_op_new(STORE_OP_INCIDENT_UPDATE);
	up->u.incident = op->u.incident;
	up->u.incident.started = time_wall_ms(); /* the update's time */
	up->text = xstrdup(message);
	up->on_commit = on_commit;
	up->commit_arg = arg;
	(void)store_submit(e->store, op);
	if (store_submit(e->store, up) == 0 && on_commit != NULL)
		store_flush(e->store);
}

static bool automatic(const struct monitor_conf *m)
{
	return m->incident == INCIDENT_AUTO || (m->incident == INCIDENT_DEFAULT && m->public);
}

void engine_incident_transition(struct engine *e, struct monitor *m, enum status old,
                                const char *reason, const char *message)
{
	char title[300], text[600], mons[200];
	size_t i;

	(void)old;
	if (!automatic(m->conf))
		return;
	for (i = 0; i < e->nauto && e->auto_incidents[i].monitor != m->key; i++)
		;
	if (m->st.status == STATUS_DOWN && i == e->nauto) {
		int64_t id = e->next_incident++;

		snprintf(title, sizeof(title), "%s is down", m->conf->name);
		snprintf(text, sizeof(text), "%s: %s", reason, message);
		snprintf(mons, sizeof(mons), "[\"%s\"]", m->conf->id);
		put_incident(e, id, title, m->conf->critical ? "major" : "minor", "investigating",
		             m->key, mons, m->st.since_ms, 0, "vigil", text, NULL, NULL);
		e->auto_incidents = xgrow(e->auto_incidents, &e->auto_cap, e->nauto + 1,
		                          sizeof(*e->auto_incidents));
		e->auto_incidents[e->nauto].monitor = m->key;
		e->auto_incidents[e->nauto++].id = id;
		log_info("incidents: incident %lld opened: %s", (long long)id, title);
	} else if (m->st.status == STATUS_UP && i < e->nauto) {
		snprintf(text, sizeof(text), "%s is up again", m->conf->name);
		put_incident(e, e->auto_incidents[i].id, NULL, NULL, "resolved", m->key, NULL, 0,
		             m->st.since_ms, "vigil", text, NULL, NULL);
		log_info("incidents: incident %lld resolved: %s",
		         (long long)e->auto_incidents[i].id, text);
		e->auto_incidents[i] = e->auto_incidents[--e->nauto];
	}
}

void engine_incident_withdraw(struct engine *e, struct monitor *m, const char *why)
{
	size_t i;

	for (i = 0; i < e->nauto && e->auto_incidents[i].monitor != m->key; i++)
		;
	if (i == e->nauto)
		return;
	/* impact none: the status page leaves out an automatic incident withdrawn so */
	put_incident(e, e->auto_incidents[i].id, NULL, "none", "resolved", m->key, NULL, 0,
	             time_wall_ms(), "vigil", why, NULL, NULL);
	log_info("incidents: incident %lld withdrawn: %s", (long long)e->auto_incidents[i].id, why);
	e->auto_incidents[i] = e->auto_incidents[--e->nauto];
}

static void on_commit(void *arg, bool committed)
{
	struct engine_cmd *c = arg;

	if (!committed) {
		c->status = 503;
		snprintf(c->code, sizeof(c->code), "store_error");
		snprintf(c->message, sizeof(c->message), "the incident could not be saved");
	}
	c->done(c);
}

void engine_incident_create(struct engine *e, struct engine_cmd *c)
{
	json_t *a = c->args;
	char *mons = json_dumps(json_object_get(a, "monitors"), JSON_COMPACT);
	int64_t id = e->next_incident++, now = time_wall_ms();

	snprintf(c->id, sizeof(c->id), "%lld", (long long)id);
	c->status = 201;
	/* C (its args, its who) may be answered and freed inside put_incident: log first */
	log_info("incidents: incident %lld opened by %s", (long long)id, c->who);
	put_incident(e, id, json_string_value(json_object_get(a, "title")),
	             json_string_value(json_object_get(a, "impact")),
	             json_string_value(json_object_get(a, "status")), 0, mons, now, 0, c->who,
	             json_string_value(json_object_get(a, "message")), on_commit, c);
	free(mons);
}

void engine_incident_update(struct engine *e, struct engine_cmd *c)
{
	json_t *a = c->args;
	const char *status = json_string_value(json_object_get(a, "status"));
	bool resolved = strcmp(status, "resolved") == 0; /* A may be gone after put_incident */
	int64_t id = strtoll(c->id, NULL, 10);
	size_t i;

	c->status = 201;
	put_incident(e, id, NULL, json_string_value(json_object_get(a, "impact")), status, 0, NULL,
	             0, resolved ? time_wall_ms() : 0, c->who,
	             json_string_value(json_object_get(a, "message")), on_commit, c);
	if (resolved) /* an automatic one resolved by hand */
		for (i = 0; i < e->nauto; i++)
			if (e->auto_incidents[i].id == id)
				e->auto_incidents[i--] = e->auto_incidents[--e->nauto];
}
