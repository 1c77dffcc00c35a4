/*
 * Message bodies per channel type, rendered once when the alert changes
 * and stored with the notification. Data only: values are placed into the
 * service's documented JSON, never interpreted.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "alert/alert_int.h"
#include "conf/conf.h"
#include "util/time.h"

/* Machine-readable, for any receiver: everything we know, stable field names. */
static json_t *webhook(const struct render_input *in, const char *started, const char *at)
{
	return json_pack(
	        "{s:s,s:s,s:s,s:{s:I,s:s,s:s,s:s,s:s,s:o},s:{s:s,s:s},s:s,s:s,s:s,"
	        "s:s,s:s,s:I}",
	        "version", "1", "idempotency_key", in->idem_key, "kind", in->kind, "alert", "id",
	        (json_int_t)in->alert_id, "rule", in->rule, "severity", in->severity, "state",
	        strcmp(in->kind, "resolve") == 0 ? "resolved" : "firing", "started", started,
	        "resolved", strcmp(in->kind, "resolve") == 0 ? json_string(at) : json_null(),
	        "monitor", "id", in->monitor_id, "name", in->monitor_name, "status", in->status,
	        "previous_status", in->previous, "reason", in->reason, "message", in->message,
	        "time", at, "duration_seconds", (json_int_t)((in->t_ms - in->started) / 1000));
}

/* Slack incoming webhook: text (notifications, fallbacks) plus blocks. */
static json_t *slack(const struct render_input *in, const char *started, const char *at)
{
	bool resolved = strcmp(in->kind, "resolve") == 0;
	char title[512], detail[1024], context[256];

	snprintf(title, sizeof(title), "%s [%s] %s is %s",
	         resolved ? ":large_green_circle:" : ":red_circle:", in->severity, in->monitor_name,
	         in->status);
	if (in->metric != NULL)
		snprintf(detail, sizeof(detail), "*%s*: `%s` = %g (%s %g) since %s", in->rule,
		         in->metric, in->value, in->op, in->threshold, started);
	else if (resolved)
		snprintf(detail, sizeof(detail), "*%s* is %s again after %lld s (down since %s)",
		         in->monitor_name, in->status, (long long)((in->t_ms - in->started) / 1000),
		         started);
	else
		snprintf(detail, sizeof(detail), "*%s* went %s → %s: `%s` %s", in->monitor_name,
		         in->previous, in->status, in->reason, in->message);
	snprintf(context, sizeof(context), "alert #%lld · %s · Vigil", (long long)in->alert_id, at);
	return json_pack("{s:s,s:[{s:s,s:{s:s,s:s}},{s:s,s:[{s:s,s:s}]}]}", "text", title, "blocks",
	                 "type", "section", "text", "type", "mrkdwn", "text", detail, "type",
	                 "context", "elements", "type", "mrkdwn", "text", context);
}

char *render_body(int type, const struct render_input *in)
{
	char started[TIME_RFC3339_LEN], at[TIME_RFC3339_LEN];
	json_t *doc;
	char *text;

	time_format_rfc3339(in->started, started, sizeof(started));
	time_format_rfc3339(in->t_ms, at, sizeof(at));
	doc = type == CHANNEL_SLACK ? slack(in, started, at) : webhook(in, started, at);
	if (doc != NULL && in->metric != NULL && type != CHANNEL_SLACK)
		json_object_set_new(doc, "metric",
		                    json_pack("{s:s,s:f,s:s,s:f}", "name", in->metric, "value",
		                              in->value, "op", in->op, "threshold", in->threshold));
	text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	return text;
}
