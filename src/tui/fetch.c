/* `vigil top`'s reads and writes through the daemon's API, and the list it derives. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui/tui_int.h"
#include "util/time.h"
#include "util/xmalloc.h"

#define SEEDS_PER_REFRESH 4 /* sparklines filled from stored results per refresh */

void top_notice(struct top *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->notice, sizeof(t->notice), fmt, ap);
	va_end(ap);
	t->notice_until = time_mono_ns() + 5 * NS_PER_SEC;
}

/* The message of REP without the daemon's URL in front (the title shows it). */
static const char *short_msg(const struct top *t, const struct client_reply *rep)
{
	const char *url = client_url(t->client), *m = rep->msg;
	size_t len = strlen(url);

	if (strncmp(m, "cannot connect to ", 18) == 0)
		m += 18;
	if (strncmp(m, url, len) == 0) {
		const char *colon = strstr(m + len, ": ");

		if (colon != NULL)
			return colon + 2;
	}
	return m;
}

static void set_error(struct top *t, const struct client_reply *rep, const char *what)
{
	const char *kind;

	switch (rep->err) {
	case CLIENT_ECONNECT:
	case CLIENT_ETIMEOUT:
		kind = "daemon unreachable";
		break;
	case CLIENT_EAUTH:
		kind = "token refused";
		break;
	default:
		kind = "bad answer";
		break;
	}
	t->error_kind = rep->err;
	snprintf(t->error, sizeof(t->error), "%s%s%s: %s", kind, what ? " " : "", what ? what : "",
	         short_msg(t, rep));
}

/* GET PATH into *OUT; -1 after setting the error. */
static int get(struct top *t, const char *path, json_t **out)
{
	struct client_reply rep;

	if (client_get(t->client, path, &rep) < 0) {
		set_error(t, &rep, NULL);
		client_reply_free(&rep);
		return -1;
	}
	*out = rep.json;
	return 0;
}

static void stamp(struct top *t)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(t->updated, sizeof(t->updated), "%H:%M:%S", &tm);
	t->error[0] = '\0';
	t->error_kind = CLIENT_OK;
	t->have_data = true;
}

/* Fills a few sparklines that were never filled from the stored results. */
static void seed_sparks(struct top *t)
{
	char path[500], id[400];
	size_t i, done = 0;
	json_t *doc;

	for (i = 0; i < t->model.nmon && done < SEEDS_PER_REFRESH; i++) {
		struct model_monitor *mm = &t->model.mon[i];

		if (mm->seeded)
			continue;
		done++;
		if (client_escape(mm->id, id, sizeof(id)) < 0)
			continue;
		snprintf(path, sizeof(path), "/api/v1/monitors/%s/results?limit=%d", id,
		         MODEL_SPARK);
		if (get(t, path, &doc) < 0)
			return;
		model_seed_spark(mm, doc);
		json_decref(doc);
	}
}

static void fetch_list(struct top *t)
{
	char err[200];
	json_t *doc;

	if (get(t, "/api/v1/monitors", &doc) < 0)
		return;
	if (model_set_monitors(&t->model, doc, err, sizeof(err)) < 0) {
		snprintf(t->error, sizeof(t->error), "bad answer: /api/v1/monitors: %s", err);
		t->error_kind = CLIENT_EJSON;
		json_decref(doc);
		return;
	}
	json_decref(doc);
	/* the host and the alerts are extras: a daemon without them is fine */
	t->model.host.have = false;
	if (get(t, "/api/v1/host", &doc) == 0) {
		model_set_host(&t->model.host, doc, err, sizeof(err));
		json_decref(doc);
	}
	if (get(t, "/api/v1/alerts?state=firing&limit=200", &doc) == 0) {
		model_set_alerts(&t->model, doc, err, sizeof(err));
		json_decref(doc);
	}
	stamp(t);
	seed_sparks(t);
	top_reindex(t);
}

static void fetch_detail(struct top *t)
{
	char id[400], path[500], err[200];
	json_t *mon = NULL, *res = NULL, *ev = NULL;

	if (client_escape(t->detail_id, id, sizeof(id)) < 0)
		return;
	snprintf(path, sizeof(path), "/api/v1/monitors/%s", id);
	if (get(t, path, &mon) < 0)
		return;
	snprintf(path, sizeof(path), "/api/v1/monitors/%s/results?limit=%d", id, MODEL_RESULTS);
	if (get(t, path, &res) == 0) {
		snprintf(path, sizeof(path), "/api/v1/monitors/%s/events?limit=%d", id,
		         MODEL_EVENTS);
		if (get(t, path, &ev) == 0) {
			if (model_set_detail(t->detail, mon, res, ev, err, sizeof(err)) < 0)
				snprintf(t->error, sizeof(t->error), "bad answer: %s", err);
			else
				stamp(t);
		}
	}
	json_decref(mon);
	json_decref(res);
	json_decref(ev);
}

void top_fetch(struct top *t)
{
	if (t->view == VIEW_DETAIL || (t->view == VIEW_HELP && t->back == VIEW_DETAIL))
		fetch_detail(t);
	else
		fetch_list(t);
}

void top_ack(struct top *t, int64_t id)
{
	struct client_reply rep;
	char path[80];

	snprintf(path, sizeof(path), "/api/v1/alerts/%lld/ack", (long long)id);
	if (client_post(t->client, path, "{}", &rep) < 0)
		top_notice(t, "cannot acknowledge alert %lld: %s", (long long)id,
		           short_msg(t, &rep));
	else
		top_notice(t, "alert %lld acknowledged", (long long)id);
	client_reply_free(&rep);
	t->next_fetch = 0; /* show it at once */
}

void top_reindex(struct top *t)
{
	size_t i;

	if (t->idx_cap < t->model.nmon + 1) {
		t->idx_cap = t->model.nmon + 1;
		t->idx = xrealloc(t->idx, t->idx_cap * sizeof(*t->idx));
	}
	t->nidx = model_view(&t->model, t->sort, t->editing ? t->edit : t->filter, t->idx,
	                     t->idx_cap);
	t->sel = 0;
	for (i = 0; i < t->nidx; i++)
		if (strcmp(t->model.mon[t->idx[i]].id, t->sel_id) == 0)
			t->sel = i;
	if (t->nidx > 0)
		snprintf(t->sel_id, sizeof(t->sel_id), "%s", t->model.mon[t->idx[t->sel]].id);
	if (t->alert_sel >= t->model.nalerts)
		t->alert_sel = t->model.nalerts ? t->model.nalerts - 1 : 0;
}
