/* libmicrohttpd glue: the listening socket, the access handler, responses. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conf/yaml.h"
#include "engine/snapshot.h"
#include "store/store.h"
#include "util/log.h"
#include "util/secret.h"
#include "util/time.h"
#include "util/url.h"
#include "util/xmalloc.h"
#include "web/reqlog.h"
#include "web/security.h"
#include "web/web_int.h"

#define LISTEN_BACKLOG 1024

/* Per-connection request state, from the first call of the handler to completion. */
struct mhd_ctx {
	struct web_request req;
	struct MHD_Connection *conn;
	struct buf body;
	bool responded;
	struct web_call *call; /* deferred: suspended until the engine answers */
	size_t header_bytes;
	char peer[INET6_ADDRSTRLEN];   /* the socket's address */
	char client[INET6_ADDRSTRLEN]; /* the client's, through trusted proxies */
};

struct web *web_new(const struct web_options *opt)
{
	struct web *w = xcalloc(1, sizeof(*w));
	const struct conf_server *s = opt->server;

	w->box = opt->box;
	w->store = opt->store;
	w->engine = opt->engine;
	w->routes = web_routes;
	w->nroutes = web_nroutes;
	w->started_ns = time_mono_ns();
	w->listen_fd = -1;
	w->guard = guard_new(opt->store);
	w->reqlog = reqlog_new(opt->store);
	pthread_mutex_init(&w->calls_lock, NULL);
	w->addr = s->addr;
	w->threads = (int)s->threads;
	w->connection_timeout_s = (unsigned)((s->connection_timeout + 999) / 1000);
	w->max_connections = (unsigned)s->max_connections;
	w->max_connections_per_ip = (unsigned)s->max_connections_per_ip;
	w->connection_memory = (size_t)s->connection_memory;
	if (s->tls.cert != NULL) {
		struct conf_diag d = { 0 };
		size_t len;

		w->tls_cert_pem = conf_read_file(s->tls.cert, &len, &d);
		w->tls_key_pem = conf_read_file(s->tls.key, &len, &d);
		conf_diag_free(&d);
	}
	web_stats_init(&w->stats, w->routes, w->nroutes);
	return w;
}

static const char *mhd_header(void *cls, const char *name)
{
	return MHD_lookup_connection_value(cls, MHD_HEADER_KIND, name);
}

static const char *mhd_query(void *cls, const char *name)
{
	return MHD_lookup_connection_value(cls, MHD_GET_ARGUMENT_KIND, name);
}

static void client_address(struct MHD_Connection *c, char *out, size_t len)
{
	const union MHD_ConnectionInfo *ci =
	        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(out, len, "unknown");
	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
		          (socklen_t)len);
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		          out, (socklen_t)len);
}

/* Header facts gathered on the first call, for the smuggling and size checks. */
struct header_scan {
	int content_length, transfer_encoding;
	size_t bytes;
};

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
	struct header_scan *h = cls;

	h->bytes += strlen(key) + (value ? strlen(value) : 0) + 4;
	if (strcasecmp(key, "Content-Length") == 0)
		h->content_length++;
	else if (strcasecmp(key, "Transfer-Encoding") == 0)
		h->transfer_encoding++;
	(void)kind;
	return MHD_YES;
}

static void add_headers(struct MHD_Response *r, const struct mhd_ctx *c,
                        const struct web_reply *rep)
{
	char rt[32], ra[16];

	snprintf(rt, sizeof(rt), "%.3fms", (double)(time_mono_ns() - c->req.start_ns) / 1e6);
	MHD_add_response_header(r, "X-Response-Time", rt);
	if (rep->content_type != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, rep->content_type);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	if (rep->content_type != NULL && strncmp(rep->content_type, "text/html", 9) == 0) {
		MHD_add_response_header(r, "Content-Security-Policy", WEB_CSP_HTML);
		MHD_add_response_header(r, "X-Frame-Options", "DENY");
	} else if (rep->content_type != NULL && strncmp(rep->content_type, "image/svg", 9) == 0) {
		MHD_add_response_header(r, "Content-Security-Policy", WEB_CSP_SVG);
	}
	if (rep->cache_control != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, rep->cache_control);
	if (rep->etag[0])
		MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, rep->etag);
	if (rep->allow[0])
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, rep->allow);
	if (rep->retry_after > 0) {
		snprintf(ra, sizeof(ra), "%d", rep->retry_after);
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, ra);
	}
	if (rep->www_authenticate)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		                        "Bearer realm=\"vigil\"");
}

struct query_walk {
	char *out;
	size_t len, size;
	bool more; /* a parameter was written: the next one starts with & */
	const struct conf_strlist *secrets;
};

static bool secret_param(const char *key, const struct conf_strlist *extra)
{
	size_t i;

	for (i = 0; url_secret_params[i] != NULL; i++)
		if (strcasecmp(key, url_secret_params[i]) == 0)
			return true;
	for (i = 0; i < extra->n; i++)
		if (strcasecmp(key, extra->v[i]) == 0)
			return true;
	return false;
}

/* Appends S (N bytes) to the walk's buffer, cutting at its end. */
static void put(struct query_walk *q, const char *s, size_t n)
{
	if (q->len + 1 >= q->size)
		return;
	if (n > q->size - q->len - 1)
		n = q->size - q->len - 1;
	memcpy(q->out + q->len, s, n);
	q->len += n;
	q->out[q->len] = '\0';
}

static enum MHD_Result add_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
	struct query_walk *q = cls;
	const char *shown;

	(void)kind;
	put(q, q->more ? "&" : "?", 1);
	q->more = true;
	put(q, key, strlen(key));
	if (value != NULL) {
		shown = secret_param(key, q->secrets) ? SECRET_MASK : value;
		put(q, "=", 1);
		put(q, shown, strlen(shown));
	}
	return MHD_YES;
}

/* The request's path and query as the log keeps them: secret values hidden, bounded. */
static void logged_path(const struct mhd_ctx *c, const struct conf_security *sec, char *out,
                        size_t size)
{
	struct query_walk q = { out, 0, size, false, &sec->secret_params };
	const char *path = c->req.path ? c->req.path : "";

	static const char push[] = "/api/v1/push/"; /* the next segment is a credential */
	const char *rest;

	out[0] = '\0';
	if (strncmp(path, push, sizeof(push) - 1) == 0) {
		rest = strchr(path + sizeof(push) - 1, '/');
		put(&q, push, sizeof(push) - 1);
		put(&q, "<secret>", 8);
		if (rest != NULL)
			put(&q, rest, strlen(rest));
	} else {
		put(&q, path, strlen(path));
	}
	MHD_get_connection_values(c->conn, MHD_GET_ARGUMENT_KIND, add_query, &q);
}

/* What every request leaves behind: counters, its violation if any, a request log row. */
static void after_request(struct web *w, struct mhd_ctx *c, const struct web_reply *rep,
                          int64_t duration_ns)
{
	const struct vigil_config *cfg = c->req.snap ? c->req.snap->config : NULL;
	const char *route =
	        rep->route_index < w->nroutes ? w->routes[rep->route_index].pattern : "unmatched";
	struct store_request r;

	web_stats_record(&w->stats, rep->route_index, rep->status, duration_ns);
	if (cfg == NULL)
		return;
	if (rep->violation > 0)
		guard_violation(w->guard, cfg, c->client, (enum violation)(rep->violation - 1),
		                route, rep->body && rep->len < 400 ? rep->body : NULL);
	else if (rep->status == 400 || rep->status == 413 || rep->status == 431)
		guard_violation(w->guard, cfg, c->client, VIOLATION_BAD_INPUT, route,
		                rep->body && rep->len < 400 ? rep->body : NULL);
	if (!cfg->security.request_log.enabled)
		return;
	memset(&r, 0, sizeof(r));
	r.t = time_wall_ms() - duration_ns / NS_PER_MS;
	r.duration_us = duration_ns / 1000;
	r.bytes_in = (int64_t)(c->header_bytes + c->body.len);
	r.bytes_out = (int64_t)rep->len;
	r.status = rep->status;
	r.count = 1;
	snprintf(r.method, sizeof(r.method), "%s", c->req.method ? c->req.method : "");
	snprintf(r.route, sizeof(r.route), "%s", route);
	snprintf(r.client, sizeof(r.client), "%s", c->client);
	logged_path(c, &cfg->security, r.path, sizeof(r.path));
	reqlog_add(w->reqlog, &cfg->security.request_log, &r);
}

/* Queues REP on the connection and counts it. Frees what REP owns. */
static enum MHD_Result send_reply(struct web *w, struct mhd_ctx *c, struct web_reply *rep)
{
	struct MHD_Response *r;
	enum MHD_Result ok;

	if (rep->owned != NULL) {
		r = MHD_create_response_from_buffer(rep->len, rep->owned, MHD_RESPMEM_MUST_FREE);
		if (r != NULL)
			rep->owned = NULL;
	} else {
		r = MHD_create_response_from_buffer(rep->len, (void *)(uintptr_t)rep->body,
		                                    MHD_RESPMEM_PERSISTENT);
	}
	free(rep->owned);
	if (r == NULL)
		return MHD_NO;
	add_headers(r, c, rep);
	after_request(w, c, rep, time_mono_ns() - c->req.start_ns);
	ok = MHD_queue_response(c->conn, (unsigned)rep->status, r);
	MHD_destroy_response(r);
	c->responded = true;
	return ok;
}

static enum MHD_Result send_error(struct web *w, struct mhd_ctx *c, int status, const char *code,
                                  const char *msg)
{
	struct web_reply rep = { 0 };

	reply_json_error(&rep, status, code, "%s", msg);
	rep.route_index = w->nroutes;
	return send_reply(w, c, &rep);
}

/* A refusal before routing (blocked, rate limited): not a violation by itself. */
static enum MHD_Result send_refusal(struct web *w, struct mhd_ctx *c, int status, const char *code,
                                    const char *msg, int retry_after)
{
	struct web_reply rep = { 0 };

	reply_json_error(&rep, status, code, "%s", msg);
	rep.route_index = w->nroutes;
	rep.retry_after = retry_after;
	return send_reply(w, c, &rep);
}

/* First call: set up the request and refuse what must not be read further. */
static enum MHD_Result request_begin(struct web *w, struct MHD_Connection *conn, const char *url,
                                     const char *method, void **con_cls)
{
	struct mhd_ctx *c = xcalloc(1, sizeof(*c));
	struct header_scan h = { 0 };
	const struct conf_server *srv;
	const char *cl;
	int retry;

	*con_cls = c;
	c->conn = conn;
	c->req.web = w;
	c->req.start_ns = time_mono_ns();
	c->req.snap = snapshot_box_acquire(w->box);
	c->req.method = method;
	c->req.path = url;
	c->req.header = mhd_header;
	c->req.query = mhd_query;
	c->req.cls = conn;
	client_address(conn, c->peer, sizeof(c->peer));
	snprintf(c->client, sizeof(c->client), "%s", c->peer);
	c->req.client = c->client;
	if (c->req.snap == NULL)
		return send_error(w, c, 503, "unavailable", "starting up");
	srv = &c->req.snap->config->server;
	buf_init(&c->body, (size_t)srv->max_body_size);
	guard_client(c->req.snap->config, c->peer, mhd_header(conn, "X-Forwarded-For"),
	             mhd_header(conn, "Forwarded"), c->client, sizeof(c->client));
	switch (guard_admit(w->guard, c->req.snap->config, c->client, url,
	                    strncmp(url, "/health", 7) == 0 || strcmp(url, "/metrics") == 0,
	                    mhd_header(conn, "Authorization") != NULL, &retry)) {
	case GUARD_BLOCKED:
		return send_refusal(w, c, 403, "blocked", "this address is blocked", retry);
	case GUARD_LIMITED:
		return send_refusal(w, c, 429, "rate_limited",
		                    "too many requests from this address", retry);
	default:
		break;
	}
	MHD_get_connection_values(conn, MHD_HEADER_KIND, scan_header, &h);
	c->header_bytes = h.bytes;
	if (h.bytes > (size_t)srv->max_header_size)
		return send_error(w, c, 431, "header_too_large",
		                  "the request headers are too large");
	if (h.content_length > 1 || (h.content_length && h.transfer_encoding))
		return send_error(w, c, 400, "bad_request",
		                  "conflicting Content-Length or Transfer-Encoding headers");
	cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL && strtoull(cl, NULL, 10) > (unsigned long long)srv->max_body_size)
		return send_error(w, c, 413, "payload_too_large", "the request body is too large");
	return MHD_YES;
}

/* Unlinks CALL from the server's list (calls_lock held). */
static void unlink_call(struct web *w, struct web_call *call)
{
	if (call->prev != NULL)
		call->prev->next = call->next;
	else if (w->calls == call)
		w->calls = call->next;
	if (call->next != NULL)
		call->next->prev = call->prev;
	call->prev = call->next = NULL;
}

/* The engine answered CMD (any thread): wake the connection if it is still there. */
static void call_answered(struct engine_cmd *cmd)
{
	struct web_call *call = cmd->arg;
	struct web *w = call->web;

	pthread_mutex_lock(&w->calls_lock);
	if (!call->answered && call->ctx != NULL) {
		call->answered = true;
		MHD_resume_connection(((struct mhd_ctx *)call->ctx)->conn);
	}
	call->answered = true;
	pthread_mutex_unlock(&w->calls_lock);
	web_call_unref(call); /* the engine's reference */
}

/*
 * Suspends the connection and hands CALL's command to the engine; MHD calls
 * the handler again once it is resumed. Suspending comes first: a resume
 * that overtook the suspend would be lost.
 */
static enum MHD_Result defer(struct web *w, struct mhd_ctx *c, struct web_call *call)
{
	call->cmd.done = call_answered;
	call->cmd.arg = call;
	c->call = call;
	pthread_mutex_lock(&w->calls_lock);
	call->ctx = c;
	call->next = w->calls;
	if (w->calls != NULL)
		w->calls->prev = call;
	w->calls = call;
	MHD_suspend_connection(c->conn);
	pthread_mutex_unlock(&w->calls_lock);
	if (w->engine == NULL || engine_submit(w->engine, &call->cmd) < 0) {
		call->cmd.status = 503;
		snprintf(call->cmd.code, sizeof(call->cmd.code), "unavailable");
		snprintf(call->cmd.message, sizeof(call->cmd.message), "Vigil is shutting down");
		call_answered(&call->cmd);
	}
	return MHD_YES;
}

/* Drops the connection's hold on its call (finished, or the connection is gone). */
static void release_call(struct web *w, struct mhd_ctx *c)
{
	struct web_call *call = c->call;

	pthread_mutex_lock(&w->calls_lock);
	call->ctx = NULL;
	unlink_call(w, call);
	pthread_mutex_unlock(&w->calls_lock);
	c->call = NULL;
	web_call_unref(call);
}

/* The connection is back: answer from the command's outcome and a fresh snapshot. */
static enum MHD_Result finish_call(struct web *w, struct mhd_ctx *c)
{
	struct web_call *call = c->call;
	struct web_reply rep = { 0 };
	struct snapshot *fresh;
	bool answered, stopping;

	pthread_mutex_lock(&w->calls_lock);
	answered = call->answered;
	stopping = call->stopping;
	pthread_mutex_unlock(&w->calls_lock);
	if (!answered)
		return MHD_YES; /* not for us yet */
	rep.route_index = (size_t)(c->req.route - w->routes);
	if (stopping) {
		reply_json_error(&rep, 503, "unavailable", "Vigil is shutting down");
	} else {
		fresh = snapshot_box_acquire(w->box);
		if (fresh != NULL) {
			snapshot_unref(c->req.snap);
			c->req.snap = fresh;
		}
		call->finish(&c->req, &rep, &call->cmd);
	}
	release_call(w, c);
	return send_reply(w, c, &rep);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
	struct web *w = cls;
	struct mhd_ctx *c = *con_cls;
	struct web_reply rep = { 0 };

	(void)version;
	if (c == NULL)
		return request_begin(w, conn, url, method, con_cls);
	if (c->responded) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size != 0) {
		if (buf_append(&c->body, upload_data, *upload_size) < 0) {
			*upload_size = 0;
			return send_error(w, c, 413, "payload_too_large",
			                  "the request body is too large");
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (c->call != NULL)
		return finish_call(w, c);
	c->req.body = c->body.data ? c->body.data : "";
	c->req.body_len = c->body.len;
	web_dispatch(&c->req, &rep);
	if (rep.call != NULL)
		return defer(w, c, rep.call);
	return send_reply(w, c, &rep);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct mhd_ctx *c = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (c == NULL)
		return;
	if (c->call != NULL)
		release_call(c->req.web, c);
	buf_free(&c->body);
	snapshot_unref(c->req.snap);
	free(c);
	*con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t len;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	len = strlen(msg);
	while (len > 0 && msg[len - 1] == '\n')
		msg[--len] = '\0';
	log_debug("web: %s", msg);
}

/* Creates, binds and listens on the configured address. */
static int open_listener(struct web *w, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
		                  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *res = NULL, *ai;
	char port[8];
	int fd = -1, one = 1, zero = 0, r, saved = 0;
	const char *host = w->addr.host[0] ? w->addr.host : NULL;

	snprintf(port, sizeof(port), "%d", w->addr.port);
	hints.ai_family = host ? AF_UNSPEC : AF_INET6;
	r = getaddrinfo(host, port, &hints, &res);
	if (r != 0 && host == NULL) {
		hints.ai_family = AF_INET; /* no IPv6 on this host */
		r = getaddrinfo(host, port, &hints, &res);
	}
	if (r != 0) {
		snprintf(err, errlen, "server.listen %s:%s: %s", host ? host : "*", port,
		         gai_strerror(r));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (ai->ai_family == AF_INET6 && host == NULL)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, LISTEN_BACKLOG) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(err, errlen, "server.listen %s:%s: cannot listen: %s", host ? host : "*",
		         port, strerror(saved));
		return -1;
	}
	w->listen_fd = fd;
	return 0;
}

/* Makes room for the connection limit plus the store, logs and probes. */
static void raise_nofile(unsigned need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= need + 512)
		return;
	rl.rlim_cur = need + 512 < rl.rlim_max ? need + 512 : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		log_warn("web: cannot raise the open file limit to %llu",
		         (unsigned long long)rl.rlim_cur);
}

/* Fills OPTS (at least 16 entries) with the daemon's options. */
static void mhd_options(struct web *w, struct MHD_OptionItem *opts)
{
	size_t n = 0;

#define OPT(o, v, p) opts[n++] = (struct MHD_OptionItem){ (o), (intptr_t)(v), (p) }
	OPT(MHD_OPTION_LISTEN_SOCKET, w->listen_fd, NULL);
	if (w->threads > 1)
		OPT(MHD_OPTION_THREAD_POOL_SIZE, w->threads, NULL);
	OPT(MHD_OPTION_CONNECTION_TIMEOUT, w->connection_timeout_s, NULL);
	OPT(MHD_OPTION_CONNECTION_LIMIT, w->max_connections, NULL);
	OPT(MHD_OPTION_PER_IP_CONNECTION_LIMIT, w->max_connections_per_ip, NULL);
	OPT(MHD_OPTION_CONNECTION_MEMORY_LIMIT, w->connection_memory, NULL);
	OPT(MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, w);
	OPT(MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log, w);
	OPT(MHD_OPTION_STRICT_FOR_CLIENT, 1, NULL);
	OPT(MHD_OPTION_SIGPIPE_HANDLED_BY_APP, 1, NULL);
	if (w->tls_cert_pem != NULL) {
		OPT(MHD_OPTION_HTTPS_MEM_CERT, 0, w->tls_cert_pem);
		OPT(MHD_OPTION_HTTPS_MEM_KEY, 0, w->tls_key_pem);
	}
	OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
}

int web_listen(struct web *w, char *err, size_t errlen)
{
	unsigned flags =
	        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	struct MHD_OptionItem opts[16];

	if (w->tls_cert_pem != NULL) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			snprintf(err, errlen, "server.tls: this libmicrohttpd has no TLS support");
			return -1;
		}
		flags |= MHD_USE_TLS;
	}
	raise_nofile(w->max_connections);
	if (open_listener(w, err, errlen) < 0)
		return -1;
	guard_load(w->guard);
	mhd_options(w, opts);
	w->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, w, MHD_OPTION_ARRAY, opts,
	                          MHD_OPTION_END);
	if (w->mhd == NULL) {
		snprintf(err, errlen, "server.listen %s:%d: cannot start the HTTP server%s",
		         w->addr.host[0] ? w->addr.host : "*", w->addr.port,
		         w->tls_cert_pem ? " (check server.tls cert and key)" : "");
		close(w->listen_fd);
		w->listen_fd = -1;
		return -1;
	}
	return 0;
}

/*
 * Resumes every suspended connection with a 503: MHD refuses to stop with
 * suspended connections. The engine's answers, when they come, find no
 * connection and only drop their reference.
 */
static void resume_all(struct web *w)
{
	struct web_call *call;

	pthread_mutex_lock(&w->calls_lock);
	for (call = w->calls; call != NULL; call = call->next) {
		if (call->answered || call->ctx == NULL)
			continue;
		call->answered = true;
		call->stopping = true;
		MHD_resume_connection(((struct mhd_ctx *)call->ctx)->conn);
	}
	pthread_mutex_unlock(&w->calls_lock);
}

double web_violations_1h(void *web)
{
	return (double)guard_violations_last_hour(((struct web *)web)->guard);
}

void web_tick(struct web *w)
{
	reqlog_flush(w->reqlog);
}

void web_stop(struct web *w)
{
	if (w->mhd != NULL) {
		resume_all(w);
		MHD_stop_daemon(w->mhd); /* closes the listening socket too */
		w->mhd = NULL;
		w->listen_fd = -1;
		reqlog_flush(w->reqlog); /* the last requests, while the store is open */
	}
}

void web_free(struct web *w)
{
	if (w == NULL)
		return;
	web_stop(w);
	web_stats_free(&w->stats);
	guard_free(w->guard);
	reqlog_free(w->reqlog);
	pthread_mutex_destroy(&w->calls_lock);
	free(w->tls_cert_pem);
	free(w->tls_key_pem);
	free(w);
}
