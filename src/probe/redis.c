/* The redis probe: AUTH, SELECT, PING and INFO through hiredis' async API on the loop. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/adapters/libuv.h>

#include "conf/monitors.h"
#include "probe/probe.h"
#include "probe/redis_info.h"
#include "probe/targets.h"
#include "util/secret.h"
#include "util/time.h"
#include "util/url.h"
#include "util/xmalloc.h"

#define REDIS_BUFFER_MAX (1024 * 1024) /* bytes the reader may hold for one reply */
#define REDIS_INFO_KEEP  (64 * 1024)   /* bytes of INFO kept for [INFO] conditions */

struct redis_conf {
	char *url;
	struct redis_url u; /* derived from url */
};

/* The commands of one check, sent one after the other. */
enum redis_step { STEP_AUTH, STEP_SELECT, STEP_PING, STEP_INFO, STEP_DONE };

static const char *const step_names[] = { "AUTH", "SELECT", "PING", "INFO", "" };

struct redis_run {
	struct probe_run *run;
	const struct redis_conf *conf;
	redisAsyncContext *ac; /* NULL once hiredis has let go of it */
	uv_getaddrinfo_t gai;
	uv_check_t guard;              /* caps the bytes the reader buffers */
	redisReplyObjectFunctions fns; /* the reader's, refusing array replies */
	enum redis_step step;
	int nclosing; /* handles whose close callback is pending */
	bool resolving, ended, guard_open;
	bool dying;      /* hiredis is freeing the context itself */
	int64_t sent_ns; /* when the current command was queued */
};

static const char *const redis_placeholders[] = { "CONNECTED", "RESPONSE_TIME", "INFO", "BODY",
	                                          NULL };

static void redis_release(struct redis_run *t)
{
	struct probe_run *run = t->run;

	free(t);
	run->priv = NULL;
	probe_run_finish(run);
}

/* Finishes once nothing of the run is left: no lookup, context or handle. */
static void maybe_release(struct redis_run *t)
{
	if (t->ended && !t->resolving && t->ac == NULL && t->nclosing == 0)
		redis_release(t);
}

static void guard_closed(uv_handle_t *h)
{
	struct redis_run *t = h->data;

	t->nclosing--;
	maybe_release(t);
}

static void poll_closed(uv_handle_t *h)
{
	struct redis_run *t = h->data;

	free((char *)h - offsetof(redisLibuvEvents, handle));
	t->nclosing--;
	maybe_release(t);
}

/*
 * The adapter's own hooks are replaced (its struct and attach are kept): its
 * poll callback drops errors, so a refused connect (EPOLLERR, reported by
 * libuv as UV_EBADF) would hang until the timeout, and its close callback
 * frees the handle without telling anyone, while the run must outlive it.
 */
static void on_poll(uv_poll_t *h, int status, int events)
{
	redisLibuvEvents *p = h->data;

	if (status < 0) /* let hiredis find the socket's error by reading it */
		events = UV_READABLE | UV_WRITABLE;
	if (p->context != NULL && (events & UV_READABLE))
		redisAsyncHandleRead(p->context);
	if (p->context != NULL && (events & UV_WRITABLE))
		redisAsyncHandleWrite(p->context);
}

static void ev_update(redisLibuvEvents *p, int add, int del)
{
	p->events = (p->events | add) & ~del;
	if (p->events)
		uv_poll_start(&p->handle, p->events, on_poll);
	else
		uv_poll_stop(&p->handle);
}

static void ev_add_read(void *privdata)
{
	ev_update(privdata, UV_READABLE, 0);
}

static void ev_del_read(void *privdata)
{
	ev_update(privdata, 0, UV_READABLE);
}

static void ev_add_write(void *privdata)
{
	ev_update(privdata, UV_WRITABLE, 0);
}

static void ev_del_write(void *privdata)
{
	ev_update(privdata, 0, UV_WRITABLE);
}

/* hiredis calls this while freeing the context, before it closes the socket. */
static void ev_cleanup(void *privdata)
{
	redisLibuvEvents *p = privdata;
	redisAsyncContext *ac = p->context;
	struct redis_run *t = ac->data;

	memset(&ac->ev, 0, sizeof(ac->ev)); /* no hook runs after this */
	p->context = NULL;                  /* on_poll checks it */
	p->handle.data = t;
	t->ac = NULL;
	t->dying = true;
	t->nclosing++;
	uv_close((uv_handle_t *)&p->handle, poll_closed);
}

/* Ends the run once: the outcome must already be set. */
static void redis_end(struct redis_run *t)
{
	if (t->ended)
		return;
	t->ended = true;
	t->run->result.latency_ns = time_mono_ns() - t->run->start_ns;
	if (t->resolving)
		uv_cancel((uv_req_t *)&t->gai); /* its callback releases the run */
	if (t->guard_open) {
		t->guard_open = false;
		t->nclosing++;
		uv_close((uv_handle_t *)&t->guard, guard_closed);
	}
	if (t->ac != NULL && !t->dying)
		redisAsyncFree(t->ac); /* at once, or after the reply callback we are in */
	maybe_release(t);
}

static bool errstr_is(const char *errstr, int err)
{
	return strcmp(errstr, strerror(err)) == 0;
}

static enum probe_outcome io_outcome(const char *errstr)
{
	if (errstr_is(errstr, ECONNREFUSED))
		return PROBE_CONNECT_REFUSED;
	if (errstr_is(errstr, ECONNRESET) || errstr_is(errstr, EPIPE))
		return PROBE_CONNECTION_RESET;
	if (errstr_is(errstr, ETIMEDOUT))
		return PROBE_TIMEOUT;
	return PROBE_CONNECT_FAILED;
}

/* Fails the run with the error hiredis recorded in C. */
static void fail_ctx(struct redis_run *t, const redisContext *c, const char *doing)
{
	struct probe_result *r = &t->run->result;

	switch (c->err) {
	case REDIS_ERR_IO:
		probe_result_set(r, io_outcome(c->errstr), "%s: %s", doing, c->errstr);
		break;
	case REDIS_ERR_EOF:
		probe_result_set(r, PROBE_CONNECTION_RESET, "%s: the server closed the connection",
		                 doing);
		break;
	case REDIS_ERR_OOM: /* the reader refused an array: no command of ours gets one */
		probe_result_set(r, PROBE_PROTOCOL_ERROR,
		                 "%s: the server answered with an array, not a Redis reply to %s",
		                 doing, step_names[t->step]);
		break;
	case REDIS_ERR_OTHER: /* an error reply nobody asked for ("max clients reached") */
		probe_result_set(r, PROBE_QUERY_FAILED, "%s: %s", doing, c->errstr);
		break;
	default:
		probe_result_set(r, PROBE_PROTOCOL_ERROR, "%s: %s", doing,
		                 c->err ? c->errstr : "the connection was lost");
		break;
	}
	redis_end(t);
}

/* The reader must never build an array: none of our commands answers one. */
static void *refuse_array(const redisReadTask *task, int elements)
{
	(void)task;
	(void)elements;
	return NULL;
}

static void on_guard(uv_check_t *h)
{
	struct redis_run *t = h->data;

	if (t->ended || t->ac == NULL || t->ac->c.reader == NULL ||
	    t->ac->c.reader->len <= REDIS_BUFFER_MAX)
		return;
	probe_result_set(&t->run->result, PROBE_BODY_TOO_LARGE, "the reply to %s passed %d KiB",
	                 step_names[t->step], REDIS_BUFFER_MAX / 1024);
	redis_end(t);
}

static void on_reply(redisAsyncContext *ac, void *reply, void *privdata);

static void send_step(struct redis_run *t)
{
	const struct redis_url *u = &t->conf->u;
	int rc;

	t->sent_ns = time_mono_ns();
	if (t->step == STEP_AUTH && u->user != NULL)
		rc = redisAsyncCommand(t->ac, on_reply, t, "AUTH %s %s", u->user, u->password);
	else if (t->step == STEP_AUTH)
		rc = redisAsyncCommand(t->ac, on_reply, t, "AUTH %s", u->password);
	else if (t->step == STEP_SELECT)
		rc = redisAsyncCommand(t->ac, on_reply, t, "SELECT %lld", (long long)u->db);
	else
		rc = redisAsyncCommand(t->ac, on_reply, t, "%s", step_names[t->step]);
	if (rc != REDIS_OK) {
		probe_result_set(&t->run->result, PROBE_INTERNAL_ERROR, "cannot send %s: %s",
		                 step_names[t->step], t->ac->c.err ? t->ac->c.errstr : "refused");
		redis_end(t);
	}
}

static void succeed(struct redis_run *t)
{
	struct probe_result *r = &t->run->result;
	const char *ver = "?", *role = "?";
	size_t vl = 1, rl = 1;
	double ping = 0;

	(void)redis_info_get(r->headers.data, r->headers.len, "redis_version", &ver, &vl);
	(void)redis_info_get(r->headers.data, r->headers.len, "role", &role, &rl);
	(void)probe_result_get_value(r, "ping_ms", &ping);
	probe_result_set(r, PROBE_OK, "Redis %.*s (%.*s), PONG in %.2f ms",
	                 (int)(vl > 20 ? 20 : vl), ver, (int)(rl > 20 ? 20 : rl), role, ping);
	redis_end(t);
}

/* Moves to the next command the URL asks for, or ends. */
static void next_step(struct redis_run *t)
{
	const struct redis_url *u = &t->conf->u;

	do {
		t->step++;
	} while ((t->step == STEP_AUTH && u->password == NULL) ||
	         (t->step == STEP_SELECT && u->db == 0));
	if (t->step == STEP_DONE)
		succeed(t);
	else
		send_step(t);
}

static void first_step(struct redis_run *t)
{
	t->step = STEP_AUTH;
	if (t->conf->u.password != NULL)
		send_step(t);
	else
		next_step(t); /* moves past AUTH */
}

static bool starts_with(const redisReply *rep, const char *word)
{
	size_t n = strlen(word);

	return rep->len >= n && strncmp(rep->str, word, n) == 0;
}

static void reply_error(struct redis_run *t, const redisReply *rep)
{
	int len = rep->len > 160 ? 160 : (int)rep->len;

	if (t->step == STEP_AUTH || starts_with(rep, "NOAUTH") || starts_with(rep, "WRONGPASS"))
		probe_result_set(&t->run->result, PROBE_AUTH_FAILED, "authentication failed: %.*s",
		                 len, rep->str);
	else
		probe_result_set(&t->run->result, PROBE_QUERY_FAILED, "%s failed: %.*s",
		                 step_names[t->step], len, rep->str);
	redis_end(t);
}

static void got_ping(struct redis_run *t, const redisReply *rep)
{
	struct probe_result *r = &t->run->result;

	if ((rep->type != REDIS_REPLY_STATUS && rep->type != REDIS_REPLY_STRING) || rep->len != 4 ||
	    memcmp(rep->str, "PONG", 4) != 0) {
		probe_result_set(r, PROBE_UNEXPECTED_RESPONSE, "PING was not answered PONG");
		redis_end(t);
		return;
	}
	probe_result_value(r, "ping_ms", (double)(time_mono_ns() - t->sent_ns) / 1e6);
	buf_reset(&r->body);
	(void)!buf_append(&r->body, rep->str, rep->len);
	next_step(t);
}

static void got_info(struct redis_run *t, const redisReply *rep)
{
	struct probe_result *r = &t->run->result;
	double v;

	if (rep->type != REDIS_REPLY_STRING) {
		probe_result_set(r, PROBE_UNEXPECTED_RESPONSE, "INFO did not answer a bulk string");
		redis_end(t);
		return;
	}
	/* INFO goes where http keeps headers: the result's other text slot. */
	buf_free(&r->headers);
	buf_init(&r->headers, REDIS_INFO_KEEP);
	buf_append_some(&r->headers, rep->str, rep->len);
	if (redis_info_number(r->headers.data, r->headers.len, "used_memory", &v))
		probe_result_value(r, "used_memory", v);
	if (redis_info_number(r->headers.data, r->headers.len, "connected_clients", &v))
		probe_result_value(r, "connected_clients", v);
	next_step(t);
}

static void on_reply(redisAsyncContext *ac, void *reply, void *privdata)
{
	struct redis_run *t = privdata;
	const redisReply *rep = reply;

	if (t->ended)
		return;
	if (rep == NULL) { /* hiredis is tearing the connection down */
		t->dying = true;
		fail_ctx(t, &ac->c, step_names[t->step]);
		return;
	}
	if (rep->type == REDIS_REPLY_ERROR)
		reply_error(t, rep);
	else if (t->step == STEP_PING)
		got_ping(t, rep);
	else if (t->step == STEP_INFO)
		got_info(t, rep);
	else
		next_step(t);
}

/* Never frees the context: hiredis frees it itself after a failed connect. */
static void on_connect(const redisAsyncContext *ac, int status)
{
	struct redis_run *t = ac->data;
	struct probe_result *r = &t->run->result;

	if (status == REDIS_OK) {
		r->connected = true;
		r->t_connect =
		        time_mono_ns() - t->run->start_ns - (r->t_resolve > 0 ? r->t_resolve : 0);
		return;
	}
	t->dying = true;
	if (!t->ended)
		fail_ctx(t, &ac->c, "connecting");
}

/* Hooks the context to the loop; on failure frees it and ends the run. */
static int attach(struct redis_run *t, redisAsyncContext *ac)
{
	if (redisLibuvAttach(ac, t->run->env->loop) != REDIS_OK) {
		memset(&ac->ev, 0, sizeof(ac->ev));
		redisAsyncFree(ac);
		probe_result_set(&t->run->result, PROBE_INTERNAL_ERROR,
		                 "cannot watch the connection");
		redis_end(t);
		return -1;
	}
	t->ac = ac;
	ac->data = t;
	ac->ev.addRead = ev_add_read;
	ac->ev.delRead = ev_del_read;
	ac->ev.addWrite = ev_add_write;
	ac->ev.delWrite = ev_del_write;
	ac->ev.cleanup = ev_cleanup;
	t->fns = *ac->c.reader->fn;
	t->fns.createArray = refuse_array;
	ac->c.reader->fn = &t->fns;
	return 0;
}

static void connect_to(struct redis_run *t, const char *ip)
{
	redisAsyncContext *ac = redisAsyncConnect(ip, t->conf->u.port);

	snprintf(t->run->result.ip, sizeof(t->run->result.ip), "%s", ip);
	if (ac == NULL) {
		probe_result_set(&t->run->result, PROBE_INTERNAL_ERROR, "out of memory");
		redis_end(t);
		return;
	}
	if (ac->err) {
		probe_result_set(&t->run->result,
		                 ac->c.err == REDIS_ERR_IO ? io_outcome(ac->c.errstr)
		                                           : PROBE_CONNECT_FAILED,
		                 "connecting: %s", ac->c.errstr);
		redisAsyncFree(ac);
		redis_end(t);
		return;
	}
	/* hiredis opens it without close-on-exec: keep it out of the command probe's children */
	(void)fcntl(ac->c.fd, F_SETFD, FD_CLOEXEC);
	if (attach(t, ac) < 0)
		return;
	uv_check_init(t->run->env->loop, &t->guard);
	t->guard.data = t;
	uv_check_start(&t->guard, on_guard);
	t->guard_open = true;
	redisAsyncSetConnectCallback(ac, on_connect); /* also starts watching for the connect */
	first_step(t);
}

/* Checks SA against the monitor's targets and connects to it. */
static void connect_addr(struct redis_run *t, const struct sockaddr *sa, const char *host)
{
	char ip[INET6_ADDRSTRLEN] = "", why[256];

	if (!targets_allow(t->run->mon->targets, host, sa, why, sizeof(why))) {
		probe_result_set(&t->run->result, PROBE_TARGET_FORBIDDEN, "%s", why);
		redis_end(t);
		return;
	}
	uv_ip_name(sa, ip, sizeof(ip));
	connect_to(t, ip);
}

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
	struct redis_run *t = req->data;

	t->resolving = false;
	if (t->ended) { /* cancelled or timed out meanwhile */
		uv_freeaddrinfo(res);
		maybe_release(t);
		return;
	}
	t->run->result.t_resolve = time_mono_ns() - t->run->start_ns;
	if (status < 0 || res == NULL) {
		probe_result_set(&t->run->result, PROBE_DNS_FAILED, "cannot resolve %s: %s",
		                 t->conf->u.host, uv_strerror(status));
		uv_freeaddrinfo(res);
		redis_end(t);
		return;
	}
	connect_addr(t, res->ai_addr, t->conf->u.host);
	uv_freeaddrinfo(res);
}

static int redis_start(struct probe_run *run)
{
	struct redis_run *t = xcalloc(1, sizeof(*t));
	const struct redis_conf *c = run->mon->probe_conf;
	struct sockaddr_storage ss;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	char port[8];
	int r;

	t->run = run;
	t->conf = c;
	run->priv = t;
	if (uv_ip4_addr(c->u.host, c->u.port, (struct sockaddr_in *)&ss) == 0 ||
	    uv_ip6_addr(c->u.host, c->u.port, (struct sockaddr_in6 *)&ss) == 0) {
		connect_addr(t, (struct sockaddr *)&ss, NULL);
		return 0;
	}
	snprintf(port, sizeof(port), "%d", c->u.port);
	t->gai.data = t;
	r = uv_getaddrinfo(run->env->loop, &t->gai, on_resolved, c->u.host, port, &hints);
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

static void redis_cancel(struct probe_run *run)
{
	struct redis_run *t = run->priv;

	if (t != NULL && !t->ended)
		redis_end(t);
}

static int redis_get(const struct probe_result *r, const char *name, const char *key,
                     struct cond_value *out)
{
	const char *v;
	size_t vl;

	if (strcmp(name, "CONNECTED") == 0) {
		*out = (struct cond_value){ COND_BOOL, r->connected, NULL, 0 };
	} else if (strcmp(name, "RESPONSE_TIME") == 0) {
		*out = (struct cond_value){ COND_DURATION, (double)r->latency_ns / 1e6, NULL, 0 };
	} else if (strcmp(name, "BODY") == 0) {
		*out = (struct cond_value){ COND_STRING, 0, r->body.data ? r->body.data : "",
			                    r->body.len };
	} else if (strcmp(name, "INFO") == 0 && key != NULL &&
	           redis_info_get(r->headers.data, r->headers.len, key, &v, &vl)) {
		*out = (struct cond_value){ COND_STRING, 0, v, vl };
	} else {
		return -1;
	}
	return 0;
}

static void redis_finish(struct conf_ctx *ctx, yaml_node_t *node, void *obj)
{
	struct redis_conf *c = obj;
	char err[256];

	if (c->url == NULL)
		return; /* reported as a missing required key */
	if (redis_url_parse(c->url, &c->u, err, sizeof(err)) < 0) {
		conf_error_key(ctx, node, "url", "%s", err);
		return;
	}
	if (ctx->secrets == NULL)
		return;
	url_add_secrets(c->url, url_secret_params, ctx->secrets);
	if (c->u.password != NULL)
		secret_set_add(ctx->secrets, c->u.password);
}

static void redis_cleanup(void *obj)
{
	struct redis_conf *c = obj;

	redis_url_free(&c->u);
}

static const struct conf_key redis_keys[] = {
	{ .name = "url",
	  .type = CONF_STRING,
	  .offset = offsetof(struct redis_conf, url),
	  .flags = CONF_REQUIRED | CONF_URL,
	  .help = "redis://[[user]:password@]host[:port][/db] (no TLS); the password is a "
	          "secret" },
	{ 0 },
};

static const struct conf_spec redis_spec = {
	.name = "redis",
	.size = sizeof(struct redis_conf),
	.keys = redis_keys,
	.finish = redis_finish,
	.cleanup = redis_cleanup,
};

const struct probe_type probe_redis = {
	.network = true,
	.name = "redis",
	.spec = &redis_spec,
	.placeholders = redis_placeholders,
	.start = redis_start,
	.cancel = redis_cancel,
	.get = redis_get,
};
