/*
 * email: SMTP through libcurl (smtp:// with STARTTLS, or smtps://), a
 * multipart/alternative message with a text and an HTML part. The login
 * and password are added at send time; the stored message holds neither.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/channel.h"
#include "conf/conf.h"
#include "util/buf.h"
#include "util/time.h"
#include "util/xmalloc.h"

/* Header values keep to one line. */
static void one_line(struct buf *b, const char *s)
{
	for (; *s; s++)
		(void)!buf_putc(b, *s == '\r' || *s == '\n' ? ' ' : *s);
}

static char *render_text(const struct conf_channel *c, const struct render_input *in,
                         const struct channel_text *t)
{
	char boundary[64], date[64];
	struct buf b;
	time_t now = (time_t)(in->t_ms / 1000);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	snprintf(boundary, sizeof(boundary), "vigil-%lld-%s", (long long)in->alert_id,
	         in->idem_key ? in->idem_key : "x");
	buf_init(&b, 0);
	(void)!buf_puts(&b, "From: ");
	one_line(&b, c->from ? c->from : "");
	(void)!buf_puts(&b, "\r\nTo: ");
	one_line(&b, c->to ? c->to : "");
	(void)!buf_puts(&b, "\r\nSubject: ");
	one_line(&b, t->title);
	(void)!buf_printf(&b,
	                  "\r\nDate: %s\r\nMessage-ID: <%s@vigil>\r\n"
	                  "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; "
	                  "boundary=\"%s\"\r\n\r\n--%s\r\n"
	                  "Content-Type: text/plain; charset=utf-8\r\n\r\n",
	                  date, in->idem_key ? in->idem_key : "vigil", boundary, boundary);
	(void)!buf_printf(&b, "%s\r\n\r\n%s\r\n\r\n%s\r\n\r\n--%s\r\n", t->title, t->detail,
	                  t->footer, boundary);
	(void)!buf_puts(&b, "Content-Type: text/html; charset=utf-8\r\n\r\n"
	                    "<html><body><h2 style=\"color:");
	(void)!buf_puts(&b, t->resolved ? "#2e7d32" : "#c62828");
	(void)!buf_puts(&b, "\">");
	channel_html(&b, t->title, false);
	(void)!buf_puts(&b, "</h2><p>");
	channel_html(&b, t->detail, false);
	(void)!buf_puts(&b, "</p><p style=\"color:#666\">");
	channel_html(&b, t->footer, false);
	(void)!buf_printf(&b, "</p></body></html>\r\n--%s--\r\n", boundary);
	return buf_steal(&b);
}

/* The bare address of "Name <addr>" or "addr", as the SMTP envelope wants it ("<addr>"). */
static char *envelope(const char *s)
{
	const char *lt = strchr(s, '<'), *gt = lt ? strchr(lt, '>') : NULL;

	while (*s == ' ')
		s++;
	if (lt != NULL && gt != NULL)
		return xasprintf("%.*s", (int)(gt - lt + 1), lt);
	return xasprintf("<%.*s>", (int)strcspn(s, " "), s);
}

static int prepare(const struct conf_channel *c, const struct outbox_msg *m,
                   struct channel_request *req)
{
	char *list = xstrdup(c->to), *save = NULL, *addr, *env;

	(void)m;
	req->smtp = true;
	req->url = xstrdup(c->url);
	req->mail_from = envelope(c->from);
	for (addr = strtok_r(list, ",", &save); addr != NULL; addr = strtok_r(NULL, ",", &save)) {
		while (*addr == ' ')
			addr++;
		if (*addr == '\0')
			continue;
		env = envelope(addr);
		req->rcpt = curl_slist_append(req->rcpt, env);
		free(env);
	}
	free(list);
	req->username = c->username;
	req->password = c->password;
	req->starttls = c->starttls;
	return req->rcpt ? 0 : -1;
}

const struct channel_kind channel_email = { "email", "message/rfc822", NULL, render_text, prepare };
