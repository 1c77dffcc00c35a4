/*
 * Notification channel types: each renders its service's documented payload
 * (stored in the outbox when the alert changes) and prepares the request at
 * send time, when the secrets (URL tokens, keys) are added: the outbox never
 * holds them.
 */
#ifndef VIGIL_ALERT_CHANNEL_H
#define VIGIL_ALERT_CHANNEL_H

#include <curl/curl.h>
#include <jansson.h>

#include "alert/alert_int.h"

struct buf;
struct conf_channel;

/* What a delivery sends: built by prepare, freed by channel_request_free. */
struct channel_request {
	char *url;
	const char *method;
	struct curl_slist *headers;
	char *body; /* NULL: the stored body as it is */
	/* e-mail: sent with SMTP, not HTTP */
	bool smtp;
	char *mail_from;
	struct curl_slist *rcpt;
	const char *username, *password;
	bool starttls;
};

/* Text shared by the chat-like channels. */
struct channel_text {
	char title[512];   /* "[critical] API is down" */
	char detail[1024]; /* what happened, one paragraph */
	char footer[256];  /* alert number and time */
	bool resolved;
	const char *started, *at; /* RFC 3339 */
};

struct channel_kind {
	const char *name;
	const char *content_type;
	/* The body of the message for IN (T: the common text). */
	json_t *(*render)(const struct render_input *in, const struct channel_text *t);
	/* Bodies that are not JSON (ntfy): the text itself; NULL otherwise. */
	char *(*render_text)(const struct conf_channel *c, const struct render_input *in,
	                     const struct channel_text *t);
	/* URL, method, headers and, when secrets go in it, the body. Returns 0 or -1. */
	int (*prepare)(const struct conf_channel *c, const struct outbox_msg *m,
	               struct channel_request *req);
};

extern const struct channel_kind *const channel_kinds[];

/* Appends S to B with HTML's special characters escaped (and line breaks as <br> when BREAKS). */
void channel_html(struct buf *b, const char *s, bool breaks);

/* A request to C's URL with CONTENT_TYPE and the idempotency key (the common case). */
int channel_prepare_default(const struct conf_channel *c, const struct outbox_msg *m,
                            struct channel_request *req);
void channel_request_free(struct channel_request *req);

/* What libcurl reads an e-mail from. */
struct channel_upload {
	const char *data;
	size_t len, off;
};
/* Sets EASY up for REQ with BODY (UP: the e-mail's reader state). */
void channel_easy_setup(CURL *easy, const struct channel_request *req, const char *body,
                        struct channel_upload *up);
/* Whether an attempt's outcome is worth another: HTTP 408/425/429/5xx, SMTP 4xx, no answer. */
bool channel_retryable(const struct channel_request *req, CURLcode rc, long status);
/* Whether it was accepted: HTTP 2xx, SMTP accepted. */
bool channel_accepted(const struct channel_request *req, CURLcode rc, long status);
/* The body of M with FIELD set to VALUE (JSON objects only); NULL on failure. */
char *channel_body_with(const struct outbox_msg *m, const char *field, json_t *value);

extern const struct channel_kind channel_webhook, channel_slack, channel_discord, channel_teams,
        channel_mattermost, channel_googlechat, channel_ntfy, channel_gotify, channel_pushover,
        channel_telegram, channel_pagerduty, channel_opsgenie, channel_alertmanager, channel_email,
        channel_matrix;

#endif
