/* webhook: everything Vigil knows as JSON, stable field names; custom method and headers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/channel.h"
#include "conf/conf.h"
#include "util/template.h"
#include "util/xmalloc.h"

static json_t *render(const struct render_input *in, const struct channel_text *t)
{
	json_t *doc = json_pack(
	        "{s:s,s:s,s:s,s:{s:I,s:s,s:s,s:s,s:s,s:o},s:{s:s,s:s},s:s,s:s,s:s,s:s,s:s,s:I}",
	        "version", "1", "idempotency_key", in->idem_key, "kind", in->kind, "alert", "id",
	        (json_int_t)in->alert_id, "rule", in->rule, "severity", in->severity, "state",
	        t->resolved ? "resolved" : "firing", "started", t->started, "resolved",
	        t->resolved ? json_string(t->at) : json_null(), "monitor", "id", in->monitor_id,
	        "name", in->monitor_name, "status", in->status, "previous_status", in->previous,
	        "reason", in->reason, "message", in->message, "time", t->at, "duration_seconds",
	        (json_int_t)((in->t_ms - in->started) / 1000));

	if (doc != NULL && in->metric != NULL)
		json_object_set_new(doc, "metric",
		                    json_pack("{s:s,s:f,s:s,s:f}", "name", in->metric, "value",
		                              in->value, "op", in->op, "threshold", in->threshold));
	return doc;
}

/* A template of the channel's own: data-only substitution of the alert's fields. */
static char *render_template(const struct conf_channel *c, const struct render_input *in,
                             const struct channel_text *t)
{
	char id[24], duration[24], value[32] = "null", threshold[32] = "null";
	const struct tmpl_field f[] = {
		{ "kind", in->kind },
		{ "alert_id", id },
		{ "rule", in->rule },
		{ "severity", in->severity },
		{ "state", t->resolved ? "resolved" : "firing" },
		{ "monitor", in->monitor_name },
		{ "monitor_id", in->monitor_id },
		{ "status", in->status },
		{ "previous", in->previous },
		{ "reason", in->reason },
		{ "message", in->message },
		{ "since", t->started },
		{ "at", t->at },
		{ "duration", duration },
		{ "title", t->title },
		{ "detail", t->detail },
		{ "metric", in->metric },
		{ "value", value },
		{ "threshold", threshold },
		{ "idempotency_key", in->idem_key },
	};

	if (c->template == NULL)
		return NULL; /* Vigil's own JSON */
	snprintf(id, sizeof(id), "%lld", (long long)in->alert_id);
	snprintf(duration, sizeof(duration), "%lld", (long long)((in->t_ms - in->started) / 1000));
	if (in->metric != NULL && isfinite(in->value)) /* JSON has no nan nor inf */
		snprintf(value, sizeof(value), "%.17g", in->value);
	if (in->metric != NULL && isfinite(in->threshold))
		snprintf(threshold, sizeof(threshold), "%.17g", in->threshold);
	return template_render(c->template, strlen(c->template), f, sizeof(f) / sizeof(f[0]),
	                       TMPL_JSON);
}

static int prepare(const struct conf_channel *c, const struct outbox_msg *m,
                   struct channel_request *req)
{
	size_t i;

	channel_prepare_default(c, m, req);
	if (c->method != NULL)
		req->method = c->method;
	for (i = 0; i < c->headers.n; i++) {
		char *h = xasprintf("%s: %s", c->headers.keys[i], c->headers.values[i]);

		req->headers = curl_slist_append(req->headers, h);
		free(h);
	}
	return 0;
}

const struct channel_kind channel_webhook = { "webhook", "application/json", render,
	                                      render_template, prepare };
