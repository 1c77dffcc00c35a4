/*
 * Message bodies, rendered once when the alert changes and stored with the
 * notification. Data only: values are placed into each service's documented
 * JSON, never interpreted. Also the request plumbing shared by channels.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/channel.h"
#include "conf/conf.h"
#include "util/time.h"
#include "util/xmalloc.h"

const struct channel_kind *const channel_kinds[CHANNEL_TYPES] = {
	[CHANNEL_WEBHOOK] = &channel_webhook,
	[CHANNEL_SLACK] = &channel_slack,
	[CHANNEL_DISCORD] = &channel_discord,
	[CHANNEL_TEAMS] = &channel_teams,
	[CHANNEL_MATTERMOST] = &channel_mattermost,
	[CHANNEL_GOOGLECHAT] = &channel_googlechat,
	[CHANNEL_NTFY] = &channel_ntfy,
	[CHANNEL_GOTIFY] = &channel_gotify,
	[CHANNEL_PUSHOVER] = &channel_pushover,
	[CHANNEL_TELEGRAM] = &channel_telegram,
	[CHANNEL_PAGERDUTY] = &channel_pagerduty,
	[CHANNEL_OPSGENIE] = &channel_opsgenie,
	[CHANNEL_ALERTMANAGER] = &channel_alertmanager,
};

static void text_for(const struct render_input *in, struct channel_text *t)
{
	const char *again = strcmp(in->kind, "repeat") == 0     ? "Still firing: "
	                    : strcmp(in->kind, "escalate") == 0 ? "Escalated: "
	                                                        : "";
	size_t len;

	t->resolved = strcmp(in->kind, "resolve") == 0;
	if (in->metric != NULL) {
		snprintf(t->title, sizeof(t->title), "[%s] %s %s: %s", in->severity, in->rule,
		         t->resolved ? "resolved" : "fires", in->message);
		snprintf(t->detail, sizeof(t->detail), "%s = %g (%s %g) since %s", in->metric,
		         in->value, in->op, in->threshold, t->started);
	} else {
		snprintf(t->title, sizeof(t->title), "[%s] %s is %s", in->severity,
		         in->monitor_name, in->status);
		if (t->resolved)
			snprintf(t->detail, sizeof(t->detail),
			         "%s is %s again after %lld s (since %s)", in->monitor_name,
			         in->status, (long long)((in->t_ms - in->started) / 1000),
			         t->started);
		else
			snprintf(t->detail, sizeof(t->detail), "%s went %s -> %s: %s: %s",
			         in->monitor_name, in->previous, in->status, in->reason,
			         in->message);
	}
	if (*again) { /* reminders and escalations say so first */
		len = strlen(again);
		memmove(t->title + len, t->title, sizeof(t->title) - len - 1);
		t->title[sizeof(t->title) - 1] = '\0';
		memcpy(t->title, again, len);
	}
	snprintf(t->footer, sizeof(t->footer), "alert #%lld · %s · Vigil", (long long)in->alert_id,
	         t->at);
}

char *render_body(int type, const struct render_input *in)
{
	const struct channel_kind *k =
	        type >= 0 && type < CHANNEL_TYPES ? channel_kinds[type] : NULL;
	char started[TIME_RFC3339_LEN], at[TIME_RFC3339_LEN];
	struct channel_text t = { .started = started, .at = at };
	json_t *doc;
	char *text;

	if (k == NULL)
		return NULL;
	time_format_rfc3339(in->started, started, sizeof(started));
	time_format_rfc3339(in->t_ms, at, sizeof(at));
	text_for(in, &t);
	if (k->render_text != NULL)
		return k->render_text(in, &t);
	doc = k->render(in, &t);
	text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	return text;
}

int channel_prepare_default(const struct conf_channel *c, const struct outbox_msg *m,
                            struct channel_request *req)
{
	const struct channel_kind *k = channel_kinds[c->type];
	char line[200];

	req->url = xstrdup(c->url);
	req->method = "POST";
	snprintf(line, sizeof(line), "Content-Type: %s", k->content_type);
	req->headers = curl_slist_append(req->headers, line);
	snprintf(line, sizeof(line), "Idempotency-Key: %s", m->idem_key);
	req->headers = curl_slist_append(req->headers, line);
	return 0;
}

void channel_request_free(struct channel_request *req)
{
	free(req->url);
	free(req->body);
	curl_slist_free_all(req->headers);
	memset(req, 0, sizeof(*req));
}

char *channel_body_with(const struct outbox_msg *m, const char *field, json_t *value)
{
	json_t *doc = json_loads(m->body, 0, NULL);
	char *text;

	if (!json_is_object(doc)) {
		json_decref(doc);
		json_decref(value);
		return NULL;
	}
	json_object_set_new(doc, field, value);
	text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	return text;
}
