/* A test message on one channel, sent at once and blocking (the notify CLI verb). */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/channel.h"
#include "conf/conf.h"
#include "util/buf.h"
#include "util/time.h"

static size_t keep(char *data, size_t size, size_t n, void *arg)
{
	(void)!buf_append(arg, data, size * n); /* a capped buffer: the rest is dropped */
	return size * n;
}

int alert_channel_test(const struct conf_channel *c, long *status, char *answer, size_t size)
{
	int64_t now = time_wall_ms();
	struct outbox_msg m = { .kind = "trigger", .created = now };
	struct render_input in = {
		.alert_id = 0,
		.kind = "trigger",
		.idem_key = m.idem_key,
		.monitor_id = "vigil-test",
		.monitor_name = "Vigil test message",
		.rule = "test",
		.severity = "info",
		.status = "test",
		.previous = "test",
		.reason = "test",
		.message = "a test message from vigil notify test; nothing is wrong",
		.started = now,
		.t_ms = now,
	};
	struct channel_request req = { 0 };
	struct channel_upload up;
	char err[CURL_ERROR_SIZE] = "";
	struct buf body;
	CURL *easy;
	CURLcode rc;
	bool ok;

	*status = 0;
	answer[0] = '\0';
	/* a key of its own: a receiver that drops repeated keys (matrix's txnId) shows every test */
	snprintf(m.idem_key, sizeof(m.idem_key), "vigil-test-%lld", (long long)now);
	m.body = render_body(c, &in);
	easy = curl_easy_init();
	if (m.body == NULL || easy == NULL || channel_kinds[c->type]->prepare(c, &m, &req) < 0) {
		snprintf(answer, size, "cannot build the request");
		free(m.body);
		curl_easy_cleanup(easy);
		channel_request_free(&req);
		return -1;
	}
	buf_init(&body, size - 1);
	channel_easy_setup(easy, &req, req.body ? req.body : m.body, &up);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, (long)c->timeout);
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, keep);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, &body);
	rc = curl_easy_perform(easy);
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, status);
	if (rc != CURLE_OK)
		snprintf(answer, size, "%s", err[0] ? err : curl_easy_strerror(rc));
	else
		snprintf(answer, size, "%s", body.data ? body.data : "");
	ok = channel_accepted(&req, rc, *status);
	buf_free(&body);
	curl_easy_cleanup(easy);
	channel_request_free(&req);
	free(m.body);
	return ok ? 0 : -1;
}
