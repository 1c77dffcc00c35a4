/*
 * matrix: Client-Server API, PUT /_matrix/client/v3/rooms/{roomId}/send/
 * m.room.message/{txnId} with the access token as a bearer token. The txnId
 * is the notification's idempotency key, so the homeserver shows a message
 * retried after a lost answer once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/channel.h"
#include "conf/conf.h"
#include "util/buf.h"
#include "util/xmalloc.h"

/* An escaped title, detail and footer fit: each byte grows to six at most. */
#define MATRIX_HTML_MAX 16384

static json_t *render(const struct render_input *in, const struct channel_text *t)
{
	char text[2048];
	struct buf b;
	json_t *doc;

	(void)in;
	snprintf(text, sizeof(text), "%s\n%s\n%s", t->title, t->detail, t->footer);
	buf_init(&b, MATRIX_HTML_MAX);
	(void)!buf_printf(&b, "<strong><font data-mx-color=\"%s\">",
	                  t->resolved ? "#2e7d32" : "#c62828");
	channel_html(&b, t->title, true);
	(void)!buf_puts(&b, "</font></strong><br>");
	channel_html(&b, t->detail, true);
	(void)!buf_puts(&b, "<br><em>");
	channel_html(&b, t->footer, true);
	(void)!buf_puts(&b, "</em>");
	/* m.mentions, even empty, keeps an "@room" in a probe's message from pinging everyone */
	doc = json_pack("{s:s,s:s,s:s,s:s,s:{}}", "msgtype", "m.text", "body", text, "format",
	                "org.matrix.custom.html", "formatted_body", b.data ? b.data : "",
	                "m.mentions");
	buf_free(&b);
	return doc;
}

/* S with every byte but the URI unreserved ones percent-encoded (a path segment). */
static char *path_segment(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = xmalloc(strlen(s) * 3 + 1), *o = out;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
			*o++ = (char)ch;
		} else {
			*o++ = '%';
			*o++ = hex[ch >> 4];
			*o++ = hex[ch & 15];
		}
	}
	*o = '\0';
	return out;
}

static int prepare(const struct conf_channel *c, const struct outbox_msg *m,
                   struct channel_request *req)
{
	char *room = path_segment(c->to), *txn = path_segment(m->idem_key);
	size_t len = strlen(c->url);
	char *line;

	channel_prepare_default(c, m, req);
	req->method = "PUT";
	while (len > 0 && c->url[len - 1] == '/') /* "https://matrix.example.org/" too */
		len--;
	free(req->url);
	req->url = xasprintf("%.*s/_matrix/client/v3/rooms/%s/send/m.room.message/%s", (int)len,
	                     c->url, room, txn);
	line = xasprintf("Authorization: Bearer %s", c->token);
	req->headers = curl_slist_append(req->headers, line);
	free(line);
	free(room);
	free(txn);
	return 0;
}

const struct channel_kind channel_matrix = { "matrix", "application/json", render, NULL, prepare };
