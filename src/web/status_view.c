/*
 * The public status page's view of a snapshot: public monitors only, under
 * their display names, with their 90 days, 24 hours, incidents and
 * maintenance. Nothing of a monitor's target (URL, host, address, port) nor
 * raw error text gets in: Vigil's own incident updates are reworded.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "engine/snapshot.h"
#include "util/xmalloc.h"
#include "web/status_build.h"

#define MS_PER_HOUR   3600000LL
#define MS_PER_DAY    86400000LL
#define INCIDENTS_MAX 200              /* of the last 14 days, read newest first */
#define OPEN_MAX      1000             /* open incidents, read first whatever their age */
#define UPDATES_MAX   50               /* per incident */
#define SOON_MS       (7 * MS_PER_DAY) /* upcoming maintenance shown this far ahead */

/* A view and everything it owns. */
struct status_built {
	struct status_view v;
	struct status_component *comps;
	struct status_incident *inc;
	bool *automatic; /* per incident: opened by Vigil for a monitor */
	size_t ninc, inc_cap, auto_cap;
	struct status_maintenance *maint;
	size_t nmaint, maint_cap;
	void **owned; /* strings and arrays freed with the view */
	size_t nowned, owned_cap;
};

static void *own(struct status_built *b, void *p)
{
	b->owned = xgrow(b->owned, &b->owned_cap, b->nowned + 1, sizeof(*b->owned));
	b->owned[b->nowned++] = p;
	return p;
}

static const char *own_str(struct status_built *b, const char *s)
{
	return own(b, xstrdup(s ? s : ""));
}

static enum status_state state_of(const struct monitor_snap *m)
{
	switch (m->status) {
	case STATUS_DEGRADED:
		return STATE_DEGRADED;
	case STATUS_DOWN:
		return m->conf->critical ? STATE_MAJOR_OUTAGE : STATE_PARTIAL_OUTAGE;
	case STATUS_MAINTENANCE:
		return STATE_MAINTENANCE;
	default: /* up; unknown and paused say nothing against the service */
		return STATE_OPERATIONAL;
	}
}

static double percent(double ratio)
{
	return ratio < 0 ? -1 : ratio * 100;
}

/* The 90 days and 24 hours of M from its rings. */
static void fill_history(struct status_component *c, const struct monitor_snap *m, int64_t now)
{
	int32_t today = (int32_t)(now / MS_PER_DAY), hour = (int32_t)(now / MS_PER_HOUR);
	const struct status_rings *r = m->rings;
	int i;

	for (i = 0; i < STATUS_DAYS; i++) {
		int32_t day = today - (STATUS_DAYS - 1) + i;
		const struct history_slot *s = r ? &r->days[day % HISTORY_LONG_DAYS] : NULL;
		uint64_t total =
		        s && s->period == day ? (uint64_t)s->up + s->degraded + s->down : 0;

		c->days[i].start_ms = (int64_t)day * MS_PER_DAY;
		c->days[i].uptime =
		        total ? (double)(s->up + s->degraded) * 100 / (double)total : -1;
	}
	for (i = 0; i < STATUS_HOURS; i++) {
		int32_t h = hour - (STATUS_HOURS - 1) + i;
		const struct history_lat *s = r ? &r->lat[h % HISTORY_HOURS] : NULL;

		c->hours[i].start_ms = (int64_t)h * MS_PER_HOUR;
		c->hours[i].latency_ms =
		        s && s->period == h && s->n ? (double)s->sum_us / s->n / 1000 : -1;
	}
}

static void components(struct status_built *b, const struct snapshot *s)
{
	size_t i, n = 0;

	b->comps = own(b, xcalloc(s->nmonitors ? s->nmonitors : 1, sizeof(*b->comps)));
	for (i = 0; i < s->nmonitors; i++) {
		const struct monitor_snap *m = &s->monitors[i];
		struct status_component *c = &b->comps[n];

		if (!m->conf->public)
			continue;
		c->id = m->conf->id;
		c->name = m->conf->name;
		c->group = m->conf->group;
		c->state = state_of(m);
		c->uptime_24h = percent(m->uptime[HISTORY_24H]);
		c->uptime_7d = percent(m->uptime[HISTORY_7D]);
		c->uptime_30d = percent(m->uptime[HISTORY_30D]);
		c->uptime_90d = percent(m->uptime[HISTORY_90D]);
		c->latency_ms = m->last.t_ms > 0 && m->status != STATUS_MAINTENANCE
		                        ? (double)m->last.latency_ns / 1e6
		                        : -1;
		fill_history(c, m, s->wall_ms);
		n++;
	}
	b->v.components = b->comps;
	b->v.ncomponents = n;
}

/* The public component named or identified by WHO, or NULL. */
static struct status_component *component(struct status_built *b, const char *who)
{
	size_t i;

	for (i = 0; i < b->v.ncomponents; i++)
		if (strcmp(b->comps[i].id, who) == 0 || strcmp(b->comps[i].name, who) == 0)
			return &b->comps[i];
	return NULL;
}

/* The display names of the public components among NAMES[N] (ids or names); *OUT_N how many. */
static const char *const *public_names(struct status_built *b, const char *const *names, size_t n,
                                       size_t *out_n)
{
	const char **v = own(b, xcalloc(n ? n : 1, sizeof(*v)));
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		const struct status_component *c = component(b, names[i]);

		if (c != NULL)
			v[k++] = c->name;
	}
	*out_n = k;
	return v;
}

struct inc_read {
	struct status_built *b;
	int64_t since;
	bool history; /* the second read: open ones are taken already */
};

/* Updates being read: the incident's own array while the view fills it. */
struct upd_read {
	struct status_built *b;
	struct status_update *up;
	size_t n;
};

static int take_update(void *arg, const struct store_incident_update_row *u)
{
	struct upd_read *rd = arg;

	if (rd->n < UPDATES_MAX) /* the row's strings die with the statement: copies */
		rd->up[rd->n++] = (struct status_update){ u->t, own_str(rd->b, u->status),
			                                  own_str(rd->b, u->message) };
	return 0;
}

/*
 * The updates of incident IN (newest first, strings owned by B). Vigil's own
 * updates carry a monitor's raw error: they are reworded from their status.
 */
static void updates(struct status_built *b, struct status_incident *in, struct store_reader *r,
                    bool automatic)
{
	struct upd_read rd = { b, own(b, xcalloc(UPDATES_MAX, sizeof(*rd.up))), 0 };
	struct status_update *up = rd.up;
	const char *who = in->ncomponents ? in->components[0] : "The service";
	size_t i;

	(void)store_incident_updates(r, in->id, take_update, &rd);
	in->updates = up;
	in->nupdates = rd.n;
	for (i = 0; automatic && i < in->nupdates; i++) /* Vigil's own: not the raw error */
		up[i].message =
		        own(b, strcmp(up[i].status, "resolved") == 0
		                       ? xasprintf("%s is operational again.", who)
		                       : xasprintf("We are investigating a problem with %s.", who));
	for (i = 0; i < in->nupdates / 2; i++) { /* newest first */
		struct status_update t = up[i];

		up[i] = up[in->nupdates - 1 - i];
		up[in->nupdates - 1 - i] = t;
	}
}

static int take_incident(void *arg, const struct store_incident_row *row)
{
	struct inc_read *rd = arg;
	struct status_built *b = rd->b;
	json_t *list = json_loads(row->monitors ? row->monitors : "[]", 0, NULL);
	const char *names[64];
	size_t i, n = 0;
	struct status_incident *in;

	if (row->resolved != 0 && row->started < rd->since)
		goto done; /* older history */
	if (rd->history && row->resolved == 0)
		goto done; /* taken by the first read */
	if (row->automatic && row->impact != NULL && strcmp(row->impact, "none") == 0)
		goto done; /* withdrawn: Vigil's own network failed, not the monitor */
	for (i = 0; i < json_array_size(list) && n < 64; i++)
		if (json_string_value(json_array_get(list, i)) != NULL)
			names[n++] = json_string_value(json_array_get(list, i));
	b->inc = xgrow(b->inc, &b->inc_cap, b->ninc + 1, sizeof(*b->inc));
	in = &b->inc[b->ninc];
	memset(in, 0, sizeof(*in));
	in->components = public_names(b, names, n, &in->ncomponents);
	if (row->automatic && in->ncomponents == 0)
		goto done; /* Vigil's own incident about a monitor that is not public */
	b->automatic = xgrow(b->automatic, &b->auto_cap, b->ninc + 1, sizeof(*b->automatic));
	b->automatic[b->ninc++] = row->automatic;
	in->id = row->id;
	in->title = own_str(b, row->title);
	in->impact = own_str(b, row->impact);
	in->status = own_str(b, row->status);
	in->started_ms = row->started;
	in->resolved_ms = row->resolved;
done:
	json_decref(list);
	return 0;
}

/* The day (index into days[]) of T, or -1 outside the 90 days. */
static int day_index(int64_t t, int64_t now)
{
	int64_t d = t / MS_PER_DAY - (now / MS_PER_DAY - (STATUS_DAYS - 1));

	return d >= 0 && d < STATUS_DAYS ? (int)d : -1;
}

/* Incident I before J: newest start first, then highest id. */
static bool newer(const struct status_incident *i, const struct status_incident *j)
{
	return i->started_ms != j->started_ms ? i->started_ms > j->started_ms : i->id > j->id;
}

/* B's incidents (and their automatic flags) newest first: the two reads interleaved. */
static void sort_incidents(struct status_built *b)
{
	size_t i, j;

	for (i = 1; i < b->ninc; i++) { /* insertion: two sorted runs, a few hundred at most */
		struct status_incident in = b->inc[i];
		bool a = b->automatic[i];

		for (j = i; j > 0 && newer(&in, &b->inc[j - 1]); j--) {
			b->inc[j] = b->inc[j - 1];
			b->automatic[j] = b->automatic[j - 1];
		}
		b->inc[j] = in;
		b->automatic[j] = a;
	}
}

/*
 * Every open incident (OPEN_MAX at most), whatever its age, then the
 * newest INCIDENTS_MAX of the last 14 days: an old open incident stays on
 * the page however many came after it.
 */
static void incidents(struct status_built *b, const struct snapshot *s, struct store_reader *r)
{
	struct inc_read rd = { b, s->wall_ms - STATUS_HISTORY * MS_PER_DAY, false };
	size_t i, j;

	if (r == NULL)
		return;
	(void)store_incidents_query(r, true, 0, OPEN_MAX, take_incident, &rd);
	rd.history = true;
	(void)store_incidents_query(r, false, 0, INCIDENTS_MAX, take_incident, &rd);
	sort_incidents(b);
	for (i = 0; i < b->ninc; i++) {
		struct status_incident *in = &b->inc[i];
		int d = day_index(in->started_ms, s->wall_ms);

		updates(b, in, r, b->automatic[i]);
		for (j = 0; d >= 0 && j < in->ncomponents; j++) {
			struct status_component *c = component(b, in->components[j]);

			if (c != NULL)
				c->days[d].incidents++;
		}
	}
	b->v.incidents = b->inc;
	b->v.nincidents = b->ninc;
}

static void add_window(struct status_built *b, const char *name, int64_t start, int64_t end,
                       const char *const *mons, size_t n, int64_t now)
{
	struct status_maintenance *w;
	size_t k;
	const char *const *names = public_names(b, mons, n, &k);

	if (end <= now || start > now + SOON_MS || (n > 0 && k == 0))
		return; /* over, far ahead, or about monitors that are not public */
	b->maint = xgrow(b->maint, &b->maint_cap, b->nmaint + 1, sizeof(*b->maint));
	w = &b->maint[b->nmaint++];
	w->name = own_str(b, name);
	w->start_ms = start;
	w->end_ms = end;
	w->active = start <= now && now < end;
	w->components = names;
	w->ncomponents = k;
}

static void maintenance(struct status_built *b, const struct snapshot *s)
{
	const struct conf_maintenance *c = s->config->maintenance.v;
	int64_t now = s->wall_ms, start, end;
	size_t i;

	for (i = 0; i < s->config->maintenance.n; i++)
		if (conf_maintenance_occurrence(&c[i], now, &start, &end) == 0)
			add_window(b, c[i].name, start, end, (const char *const *)c[i].monitors.v,
			           c[i].monitors.n, now);
	for (i = 0; i < s->nwindows; i++) {
		const struct snapshot_window *w = &s->windows[i];
		char copy[sizeof(w->monitors)], *save = NULL, *tok;
		const char *mons[64];
		size_t n = 0;

		memcpy(copy, w->monitors, sizeof(copy));
		for (tok = strtok_r(copy, ",", &save); tok && n < 64;
		     tok = strtok_r(NULL, ",", &save))
			mons[n++] = tok;
		if (w->cron[0] != '\0' && w->occ_start < 0)
			continue; /* a recurring window that never fires again */
		add_window(b, w->name, w->cron[0] ? w->occ_start : w->start,
		           w->cron[0] ? w->occ_end : w->start + w->duration, mons, n, now);
	}
	b->v.maintenance = b->maint;
	b->v.nmaintenance = b->nmaint;
}

struct status_view *status_view_build(const struct snapshot *s, struct store_reader *r)
{
	const struct conf_status_page *p = &s->config->status_page;
	struct status_built *b = xcalloc(1, sizeof(*b));
	enum status_state *states;
	size_t i;

	b->v.now_ms = s->wall_ms;
	b->v.title = p->title;
	b->v.description = p->description;
	b->v.url = p->url;
	b->v.has_logo = p->logo_data != NULL;
	b->v.refresh_ms = p->refresh;
	b->v.layout = (enum status_layout)p->layout;
	b->v.theme =
	        (struct status_theme){ p->theme.primary, p->theme.operational, p->theme.degraded,
		                       p->theme.outage,  p->theme.maintenance, p->theme.mode };
	components(b, s);
	incidents(b, s, r);
	maintenance(b, s);
	states = xcalloc(b->v.ncomponents ? b->v.ncomponents : 1, sizeof(*states));
	for (i = 0; i < b->v.ncomponents; i++)
		states[i] = b->comps[i].state;
	b->v.banner = status_banner_of(states, b->v.ncomponents);
	free(states);
	return &b->v;
}

void status_view_free(struct status_view *v)
{
	struct status_built *b = (struct status_built *)v;
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->nowned; i++)
		free(b->owned[i]);
	free(b->owned);
	free(b->inc);
	free(b->automatic);
	free(b->maint);
	free(b);
}
