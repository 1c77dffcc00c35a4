/*
 * pagerduty: Events API v2. One dedup_key per alert, so the resolve closes
 * the incident the trigger opened; the routing key joins at send time.
 */
#include <stdio.h>
#include <string.h>

#include "alert/channel.h"
#include "conf/conf.h"

static json_t *render(const struct render_input *in, const struct channel_text *t)
{
	char dedup[64];

	snprintf(dedup, sizeof(dedup), "vigil-alert-%lld", (long long)in->alert_id);
	return json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s,s:s}},s:s}", "event_action",
	                 t->resolved ? "resolve" : "trigger", "dedup_key", dedup, "payload",
	                 "summary", t->title, "source", "vigil", "severity",
	                 strcmp(in->severity, "critical") == 0  ? "critical"
	                 : strcmp(in->severity, "warning") == 0 ? "warning"
	                                                        : "info",
	                 "timestamp", t->at, "custom_details", "detail", t->detail, "monitor",
	                 in->monitor_id, "rule", in->rule, "reason", in->reason, "client", "Vigil");
}

static int prepare(const struct conf_channel *c, const struct outbox_msg *m,
                   struct channel_request *req)
{
	channel_prepare_default(c, m, req);
	req->body = channel_body_with(m, "routing_key", json_string(c->token));
	return req->body ? 0 : -1;
}

const struct channel_kind channel_pagerduty = { "pagerduty", "application/json", render, NULL,
	                                        prepare };
