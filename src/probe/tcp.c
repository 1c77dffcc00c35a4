/* The tcp probe: connect, optionally send, optionally expect text in the first bytes. */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/monitors.h"
#include "probe/probe.h"
#include "probe/targets.h"
#include "util/time.h"
#include "util/xmalloc.h"

#define TCP_READ_MAX 4096 /* bytes read while looking for `expect` */

struct tcp_conf {
	char *host;
	int64_t port;
	char *send;
	char *expect;
};

struct tcp_run {
	struct probe_run *run;
	const struct tcp_conf *conf;
	uv_getaddrinfo_t gai;
	uv_tcp_t tcp;
	uv_connect_t connect;
	uv_write_t write;
	uv_buf_t wbuf;
	bool resolving, tcp_open, ended;
	char readbuf[TCP_READ_MAX];
	size_t nread;
};

static const char *const tcp_placeholders[] = { "CONNECTED", "RESPONSE_TIME", "IP", "BODY", NULL };

static void tcp_release(struct tcp_run *t)
{
	struct probe_run *run = t->run;

	free(t);
	run->priv = NULL;
	probe_run_finish(run);
}

static void tcp_closed(uv_handle_t *h)
{
	tcp_release(h->data);
}

/* Ends the run once: the outcome must already be set. Waits for pending requests. */
static void tcp_end(struct tcp_run *t)
{
	if (t->ended)
		return;
	t->ended = true;
	t->run->result.latency_ns = time_mono_ns() - t->run->start_ns;
	if (t->resolving) {
		uv_cancel((uv_req_t *)&t->gai); /* its callback ends the run */
		return;
	}
	if (t->tcp_open) {
		uv_close((uv_handle_t *)&t->tcp, tcp_closed);
		return;
	}
	tcp_release(t);
}

static void fail_uv(struct tcp_run *t, int err, const char *doing)
{
	probe_result_set(&t->run->result, probe_outcome_of_uv(err), "%s: %s", doing,
	                 uv_strerror(err));
	tcp_end(t);
}

static void succeed(struct tcp_run *t, const char *how)
{
	probe_result_set(&t->run->result, PROBE_OK, "%s", how);
	tcp_end(t);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
	struct tcp_run *t = h->data;

	(void)suggested;
	*b = uv_buf_init(t->readbuf + t->nread, (unsigned)(TCP_READ_MAX - t->nread));
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct tcp_run *t = s->data;
	struct probe_result *r = &t->run->result;

	(void)b;
	if (t->ended)
		return;
	if (n > 0) {
		t->nread += (size_t)n;
		buf_reset(&r->body);
		(void)!buf_append(&r->body, t->readbuf, t->nread);
		if (memmem(t->readbuf, t->nread, t->conf->expect, strlen(t->conf->expect)) !=
		    NULL) {
			succeed(t, "connected; the expected text arrived");
			return;
		}
		if (t->nread < TCP_READ_MAX)
			return;
	} else if (n == 0 || n == UV_ENOBUFS) {
		return;
	} else if (n != UV_EOF) {
		fail_uv(t, (int)n, "reading");
		return;
	}
	probe_result_set(r, PROBE_UNEXPECTED_RESPONSE, "\"%.40s\" not found in the first %zu bytes",
	                 t->conf->expect, t->nread);
	tcp_end(t);
}

static void expect_or_succeed(struct tcp_run *t)
{
	int r;

	if (t->conf->expect == NULL) {
		succeed(t, t->conf->send ? "connected and sent" : "connected");
		return;
	}
	r = uv_read_start((uv_stream_t *)&t->tcp, on_alloc, on_read);
	if (r < 0)
		fail_uv(t, r, "reading");
}

static void on_write(uv_write_t *w, int status)
{
	struct tcp_run *t = w->data;

	if (t->ended)
		return;
	if (status < 0)
		fail_uv(t, status, "sending");
	else
		expect_or_succeed(t);
}

static void on_connect(uv_connect_t *c, int status)
{
	struct tcp_run *t = c->data;
	struct probe_result *r = &t->run->result;
	struct sockaddr_storage peer;
	int len = sizeof(peer), e;

	if (t->ended)
		return;
	if (status < 0) {
		fail_uv(t, status, "connecting");
		return;
	}
	r->connected = true;
	r->t_connect = time_mono_ns() - t->run->start_ns - (r->t_resolve > 0 ? r->t_resolve : 0);
	if (uv_tcp_getpeername(&t->tcp, (struct sockaddr *)&peer, &len) == 0)
		uv_ip_name((struct sockaddr *)&peer, r->ip, sizeof(r->ip));
	if (t->conf->send == NULL) {
		expect_or_succeed(t);
		return;
	}
	t->wbuf = uv_buf_init(t->conf->send, (unsigned)strlen(t->conf->send));
	t->write.data = t;
	e = uv_write(&t->write, (uv_stream_t *)&t->tcp, &t->wbuf, 1, on_write);
	if (e < 0)
		fail_uv(t, e, "sending");
}

static void connect_to(struct tcp_run *t, const struct sockaddr *addr)
{
	int r = uv_tcp_init(t->run->env->loop, &t->tcp);

	if (r < 0) {
		fail_uv(t, r, "creating a socket");
		return;
	}
	t->tcp.data = t;
	t->tcp_open = true;
	t->connect.data = t;
	r = uv_tcp_connect(&t->connect, &t->tcp, addr, on_connect);
	if (r < 0)
		fail_uv(t, r, "connecting");
}

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
	struct tcp_run *t = req->data;
	char why[256];

	t->resolving = false;
	if (t->ended) { /* cancelled or timed out meanwhile */
		uv_freeaddrinfo(res);
		t->ended = false;
		tcp_end(t);
		return;
	}
	t->run->result.t_resolve = time_mono_ns() - t->run->start_ns;
	if (status < 0 || res == NULL) {
		probe_result_set(&t->run->result, PROBE_DNS_FAILED, "cannot resolve %s: %s",
		                 t->conf->host, uv_strerror(status));
		uv_freeaddrinfo(res);
		tcp_end(t);
		return;
	}
	if (!targets_allow(t->run->mon->targets, t->conf->host, res->ai_addr, why, sizeof(why))) {
		probe_result_set(&t->run->result, PROBE_TARGET_FORBIDDEN, "%s", why);
		uv_freeaddrinfo(res);
		tcp_end(t);
		return;
	}
	connect_to(t, res->ai_addr);
	uv_freeaddrinfo(res);
}

static int tcp_start(struct probe_run *run)
{
	struct tcp_run *t = xcalloc(1, sizeof(*t));
	const struct tcp_conf *c = run->mon->probe_conf;
	struct sockaddr_storage ss;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	char port[8], why[256];
	int r;

	t->run = run;
	t->conf = c;
	run->priv = t;
	snprintf(port, sizeof(port), "%d", (int)c->port);
	if (uv_ip4_addr(c->host, (int)c->port, (struct sockaddr_in *)&ss) == 0 ||
	    uv_ip6_addr(c->host, (int)c->port, (struct sockaddr_in6 *)&ss) == 0) {
		if (!targets_allow(run->mon->targets, NULL, (struct sockaddr *)&ss, why,
		                   sizeof(why))) {
			free(t);
			run->priv = NULL;
			probe_result_set(&run->result, PROBE_TARGET_FORBIDDEN, "%s", why);
			return -1;
		}
		connect_to(t, (struct sockaddr *)&ss);
		return 0;
	}
	t->gai.data = t;
	r = uv_getaddrinfo(run->env->loop, &t->gai, on_resolved, c->host, port, &hints);
	if (r < 0) {
		free(t);
		run->priv = NULL;
		probe_result_set(&run->result, PROBE_INTERNAL_ERROR, "cannot resolve: %s",
		                 uv_strerror(r));
		return -1;
	}
	t->resolving = true;
	return 0;
}

static void tcp_cancel(struct probe_run *run)
{
	struct tcp_run *t = run->priv;

	if (t != NULL && !t->ended)
		tcp_end(t);
}

static int tcp_get(const struct probe_result *r, const char *name, const char *key,
                   struct cond_value *out)
{
	(void)key;
	if (strcmp(name, "CONNECTED") == 0)
		*out = (struct cond_value){ COND_BOOL, r->connected, NULL, 0 };
	else if (strcmp(name, "RESPONSE_TIME") == 0)
		*out = (struct cond_value){ COND_DURATION, (double)r->latency_ns / 1e6, NULL, 0 };
	else if (strcmp(name, "IP") == 0)
		*out = (struct cond_value){ COND_STRING, 0, r->ip, strlen(r->ip) };
	else if (strcmp(name, "BODY") == 0)
		*out = (struct cond_value){ COND_STRING, 0, r->body.data ? r->body.data : "",
			                    r->body.len };
	else
		return -1;
	return 0;
}

static void tcp_finish(struct conf_ctx *ctx, yaml_node_t *node, void *obj)
{
	struct tcp_conf *c = obj;

	if (c->expect != NULL && *c->expect == '\0')
		conf_error_key(ctx, node, "expect", "is empty");
	if (c->expect != NULL && strlen(c->expect) > TCP_READ_MAX / 2)
		conf_error_key(ctx, node, "expect", "longer than %d bytes", TCP_READ_MAX / 2);
}

static const struct conf_key tcp_keys[] = {
	{ .name = "host",
	  .type = CONF_STRING,
	  .offset = offsetof(struct tcp_conf, host),
	  .flags = CONF_REQUIRED,
	  .help = "host name or address to connect to" },
	{ .name = "port",
	  .type = CONF_INT,
	  .offset = offsetof(struct tcp_conf, port),
	  .flags = CONF_REQUIRED,
	  .min = 1,
	  .max = 65535,
	  .help = "TCP port" },
	{ .name = "send",
	  .type = CONF_STRING,
	  .offset = offsetof(struct tcp_conf, send),
	  .help = "text to send once connected" },
	{ .name = "expect",
	  .type = CONF_STRING,
	  .offset = offsetof(struct tcp_conf, expect),
	  .help = "text that must appear in the first 4KiB read" },
	{ 0 },
};

static const struct conf_spec tcp_spec = {
	.name = "tcp",
	.size = sizeof(struct tcp_conf),
	.keys = tcp_keys,
	.finish = tcp_finish,
};

const struct probe_type probe_tcp = {
	.network = true,
	.name = "tcp",
	.spec = &tcp_spec,
	.placeholders = tcp_placeholders,
	.start = tcp_start,
	.cancel = tcp_cancel,
	.get = tcp_get,
};
