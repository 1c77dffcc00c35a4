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
#include "util/buf.h"
#include "util/time.h"
#include "util/tz.h"
#include "util/utf8.h"
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
	[CHANNEL_EMAIL] = &channel_email,
	[CHANNEL_MATRIX] = &channel_matrix,
};

#define SUMMARY_MAX 300 /* bytes of a grouped message's line */

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

/* MS as RFC 3339 in zone TZ, with its offset ("2026-11-30T01:46:10.000+01:00"); UTC: "Z". */
static void format_time(int64_t ms, const struct tz *tz, char *out, size_t size)
{
	int32_t off = tz ? tz_offset(tz, ms / 1000, NULL) : 0;
	char buf[TIME_RFC3339_LEN];
	int32_t a = off < 0 ? -off : off;

	if (off == 0 && (tz == NULL || strcmp(tz_name(tz), "UTC") == 0 ||
	                 strcmp(tz_name(tz), "Etc/UTC") == 0)) {
		time_format_rfc3339(ms, out, size);
		return;
	}
	time_format_rfc3339(ms + (int64_t)off * 1000, buf, sizeof(buf));
	buf[strlen(buf) - 1] = '\0'; /* the Z */
	snprintf(out, size, "%s%c%02d:%02d", buf, off < 0 ? '-' : '+', (int)(a / 3600),
	         (int)(a % 3600 / 60));
}

char *render_body(const struct conf_channel *c, const struct render_input *in)
{
	const struct channel_kind *k =
	        c->type >= 0 && c->type < CHANNEL_TYPES ? channel_kinds[c->type] : NULL;
	char started[TIME_RFC3339_LEN], at[TIME_RFC3339_LEN];
	struct channel_text t = { .started = started, .at = at };
	json_t *doc;
	char *text;

	if (k == NULL)
		return NULL;
	format_time(in->started, in->tz, started, sizeof(started));
	format_time(in->t_ms, in->tz, at, sizeof(at));
	text_for(in, &t);
	if (k->render_text != NULL && (text = k->render_text(c, in, &t)) != NULL)
		return text;
	if (k->render == NULL)
		return NULL;
	doc = k->render(in, &t);
	text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	return text;
}

char *render_summary(const struct render_input *in)
{
	char started[TIME_RFC3339_LEN] = "", at[TIME_RFC3339_LEN] = "", *line;
	struct channel_text t = { .started = started, .at = at };

	text_for(in, &t);
	if (in->metric == NULL && strcmp(in->kind, "trigger") == 0)
		line = xasprintf("%s: %s: %s", t.title, in->reason, in->message);
	else if (in->metric == NULL && t.resolved)
		line = xasprintf("%s again after %lld s", t.title,
		                 (long long)((in->t_ms - in->started) / 1000));
	else
		line = xstrdup(t.title);
	if (strlen(line) > SUMMARY_MAX) {
		line[SUMMARY_MAX] = '\0';
		utf8_scrub(line); /* a cut in the middle of a character */
	}
	return line;
}

static int severity_rank(const char *name)
{
	int i;

	for (i = 0; alert_severity_names[i] != NULL; i++)
		if (strcmp(alert_severity_names[i], name) == 0)
			return i;
	return -1;
}

/* Vigil's own webhook JSON for a group: the members' own bodies, in order. */
static char *group_webhook(struct outbox_msg *const *m, size_t n, const char *key, const char *at)
{
	json_t *list = json_array(), *doc;
	char *text;
	size_t i;

	for (i = 0; i < n; i++) {
		json_t *one = json_loads(m[i]->body, 0, NULL);

		json_array_append_new(list, one ? one : json_string(m[i]->summary));
	}
	doc = json_pack("{s:s,s:s,s:s,s:I,s:s,s:o}", "version", "1", "idempotency_key", key, "kind",
	                "group", "count", (json_int_t)n, "time", at, "alerts", list);
	text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	return text;
}

/* The common text of a group: a count in the title, one line per message. */
static void group_text(struct outbox_msg *const *m, size_t n, const char *severity,
                       struct channel_text *t)
{
	size_t i, resolved = 0, len = 0, shown = 0;

	for (i = 0; i < n; i++)
		resolved += strcmp(m[i]->kind, "resolve") == 0;
	t->resolved = resolved == n;
	if (resolved == 0)
		snprintf(t->title, sizeof(t->title), "[%s] %zu alerts firing", severity, n);
	else if (resolved == n)
		snprintf(t->title, sizeof(t->title), "[%s] %zu alerts resolved", severity, n);
	else
		snprintf(t->title, sizeof(t->title), "[%s] %zu alerts: %zu firing, %zu resolved",
		         severity, n, n - resolved, resolved);
	t->detail[0] = '\0';
	for (i = 0; i < n; i++) {
		size_t need = strlen(m[i]->summary) + 4;

		if (len + need + 40 >= sizeof(t->detail))
			break;
		len += (size_t)snprintf(t->detail + len, sizeof(t->detail) - len, "%s• %s",
		                        i ? "\n" : "", m[i]->summary);
		shown++;
	}
	if (shown < n)
		snprintf(t->detail + len, sizeof(t->detail) - len, "\n… and %zu more", n - shown);
	snprintf(t->footer, sizeof(t->footer), "%zu alerts · %s · Vigil", n, t->at);
}

char *render_group(const struct conf_channel *c, struct outbox_msg *const *m, size_t n,
                   const char *key, int64_t now, const struct tz *tz)
{
	const struct channel_kind *k = channel_kinds[c->type];
	char at[TIME_RFC3339_LEN], title[32];
	struct channel_text t = { .started = at, .at = at };
	struct render_input in = { 0 };
	const char *severity = m[0]->severity;
	json_t *doc;
	char *text;
	size_t i;

	format_time(now, tz, at, sizeof(at));
	if (c->type == CHANNEL_WEBHOOK)
		return group_webhook(m, n, key, at);
	for (i = 1; i < n; i++)
		if (severity_rank(m[i]->severity) > severity_rank(severity))
			severity = m[i]->severity;
	group_text(m, n, severity[0] ? severity : "info", &t);
	snprintf(title, sizeof(title), "%zu alerts", n);
	in.kind = t.resolved ? "resolve" : "trigger";
	in.alert_id = m[0]->alert;
	in.idem_key = key;
	in.monitor_id = "";
	in.monitor_name = title;
	in.rule = "group";
	in.severity = severity[0] ? severity : "info";
	in.status = t.resolved ? "resolved" : "firing";
	in.previous = "";
	in.reason = "group";
	in.message = t.detail;
	in.started = in.t_ms = now;
	in.tz = tz;
	if (k->render_text != NULL && (text = k->render_text(c, &in, &t)) != NULL)
		return text;
	doc = k->render ? k->render(&in, &t) : NULL;
	text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	return text;
}

bool channel_groupable(const struct conf_channel *c)
{
	if (!c->group || c->type == CHANNEL_PAGERDUTY || c->type == CHANNEL_OPSGENIE ||
	    c->type == CHANNEL_ALERTMANAGER)
		return false; /* each alert is its own incident there, or they group themselves */
	return !(c->type == CHANNEL_WEBHOOK && c->template != NULL);
}

int64_t channel_group_window(const struct conf_alerting *al, const struct conf_channel *c)
{
	return channel_groupable(c) ? al->group_window : 0;
}

void channel_html(struct buf *b, const char *s, bool breaks)
{
	for (; *s; s++) {
		const char *e = *s == '<'              ? "&lt;"
		                : *s == '>'            ? "&gt;"
		                : *s == '&'            ? "&amp;"
		                : *s == '"'            ? "&quot;"
		                : *s == '\''           ? "&#39;"
		                : *s == '\n' && breaks ? "<br>"
		                                       : NULL;

		(void)!(e ? buf_puts(b, e) : buf_putc(b, *s));
	}
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

static size_t read_upload(char *out, size_t size, size_t n, void *arg)
{
	struct channel_upload *up = arg;
	size_t room = size * n, left = up->len - up->off;

	if (room > left)
		room = left;
	memcpy(out, up->data + up->off, room);
	up->off += room;
	return room;
}

void channel_easy_setup(CURL *easy, const struct channel_request *req, const char *body,
                        struct channel_upload *up)
{
	curl_easy_setopt(easy, CURLOPT_URL, req->url);
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_USERAGENT, "Vigil");
	if (!req->smtp) {
		curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, req->method);
		curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
		curl_easy_setopt(easy, CURLOPT_HTTPHEADER, req->headers);
		return;
	}
	*up = (struct channel_upload){ body, strlen(body), 0 };
	curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(easy, CURLOPT_MAIL_FROM, req->mail_from);
	curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, req->rcpt);
	curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(easy, CURLOPT_READFUNCTION, read_upload);
	curl_easy_setopt(easy, CURLOPT_READDATA, up);
	curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, (curl_off_t)up->len);
	if (req->username != NULL)
		curl_easy_setopt(easy, CURLOPT_USERNAME, req->username);
	if (req->password != NULL)
		curl_easy_setopt(easy, CURLOPT_PASSWORD, req->password);
	if (req->starttls)
		curl_easy_setopt(easy, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
}

bool channel_accepted(const struct channel_request *req, CURLcode rc, long status)
{
	if (req->smtp)
		return rc == CURLE_OK;
	return rc == CURLE_OK && status >= 200 && status < 300;
}

bool channel_retryable(const struct channel_request *req, CURLcode rc, long status)
{
	if (req->smtp) /* SMTP 5xx is a refusal for good; 4xx, or no answer, is for later */
		return !(status >= 500 && status < 600);
	if (rc != CURLE_OK)
		return true; /* timeouts, refused and reset connections, DNS */
	return status == 408 || status == 425 || status == 429 || status >= 500;
}

void channel_request_free(struct channel_request *req)
{
	free(req->url);
	free(req->body);
	free(req->mail_from);
	curl_slist_free_all(req->rcpt);
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
