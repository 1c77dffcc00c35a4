/*
 * alertmanager: POST /api/v2/alerts of a Prometheus Alertmanager, so teams
 * that route with it keep doing so. A resolve sends the same labels with
 * endsAt set.
 */
#include <stdio.h>
#include <stdlib.h>

#include "alert/channel.h"
#include "conf/conf.h"
#include "util/xmalloc.h"

static json_t *render(const struct render_input *in, const struct channel_text *t)
{
	json_t *alert = json_pack("{s:{s:s,s:s,s:s,s:s},s:{s:s,s:s},s:s}", "labels", "alertname",
	                          in->metric ? in->rule : "VigilMonitorDown", "monitor",
	                          in->monitor_id[0] ? in->monitor_id : in->rule, "severity",
	                          in->severity, "source", "vigil", "annotations", "summary",
	                          t->title, "description", t->detail, "startsAt", t->started);

	if (alert != NULL && t->resolved)
		json_object_set_new(alert, "endsAt", json_string(t->at));
	return json_pack("[o]", alert);
}

static int prepare(const struct conf_channel *c, const struct outbox_msg *m,
                   struct channel_request *req)
{
	channel_prepare_default(c, m, req);
	free(req->url);
	req->url = xasprintf("%s/api/v2/alerts", c->url);
	return 0;
}

const struct channel_kind channel_alertmanager = { "alertmanager", "application/json", render, NULL,
	                                           prepare };
