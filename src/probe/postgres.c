/* The postgres probe: libpq's non-blocking connect and query, driven by the loop. */
#include <arpa/inet.h>
#include <errno.h>
#include <libpq-fe.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/monitors.h"
#include "probe/probe.h"
#include "probe/targets.h"
#include "util/buf.h"
#include "util/secret.h"
#include "util/time.h"
#include "util/url.h"
#include "util/xmalloc.h"

#define PG_DEFAULT_PORT "5432"
#define PG_ADDRS_MAX    4    /* addresses of a host name handed to libpq, tried in order */
#define PG_EXPECT_MAX   4096 /* bytes of `expect` */

struct pg_conf {
	char *url;
	char *query;
	char *expect;
	/* derived from url */
	char **keys, **vals; /* the connection parameters that are set */
	size_t nkeys;
	const char *host, *hostaddr, *port; /* in vals, or NULL */
	bool local;                         /* a Unix socket */
};

struct pg_poll {
	uv_poll_t h;
	struct pg_run *p;
};

struct pg_run {
	struct probe_run *run;
	const struct pg_conf *conf;
	PGconn *conn;
	struct pg_poll *poll; /* watching PQsocket(conn), or NULL */
	int poll_fd;
	int nclosing; /* poll handles whose close callback is pending */
	uv_getaddrinfo_t gai;
	bool resolving, ended, connecting, flushing, have_row;
	ConnStatusType status; /* libpq's before the poll that failed */
	int64_t connected_ns, query_ns;
	int64_t rows;
};

static const char *const pg_placeholders[] = { "CONNECTED", "RESULT", "RESPONSE_TIME",
	                                       "ROWS",      "BODY",   NULL };

/* ---- ending ---- */

static void pg_release(struct pg_run *p)
{
	struct probe_run *run = p->run;

	free(p);
	run->priv = NULL;
	probe_run_finish(run);
}

static void maybe_release(struct pg_run *p)
{
	if (p->ended && !p->resolving && p->nclosing == 0)
		pg_release(p);
}

static void poll_closed(uv_handle_t *h)
{
	struct pg_poll *pp = h->data;
	struct pg_run *p = pp->p;

	free(pp);
	p->nclosing--;
	maybe_release(p);
}

static void close_poll(struct pg_run *p)
{
	if (p->poll == NULL)
		return;
	p->nclosing++;
	uv_close((uv_handle_t *)&p->poll->h, poll_closed);
	p->poll = NULL;
}

/* Ends the run once: the outcome must already be set. */
static void pg_end(struct pg_run *p)
{
	if (p->ended)
		return;
	p->ended = true;
	p->run->result.latency_ns = time_mono_ns() - p->run->start_ns;
	if (p->resolving)
		uv_cancel((uv_req_t *)&p->gai); /* its callback releases the run */
	close_poll(p);                          /* stops watching before the socket closes */
	if (p->conn != NULL)
		PQfinish(p->conn);
	p->conn = NULL;
	maybe_release(p);
}

static void fail(struct pg_run *p, enum probe_outcome o, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Sets the outcome and message (as probe_result_set) and ends the run. */
static void fail(struct pg_run *p, enum probe_outcome o, const char *fmt, ...)
{
	struct probe_result *r = &p->run->result;
	va_list ap;

	r->outcome = o;
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
	pg_end(p);
}

/* ---- libpq's messages ---- */

/* Finds the SQLSTATE of a verbose libpq message ("FATAL:  28P01: ..."). */
static bool find_sqlstate(const char *msg, char out[6])
{
	const char *s;
	int i;

	for (s = strstr(msg, ":  "); s != NULL; s = strstr(s + 1, ":  ")) {
		for (i = 0; i < 5; i++)
			if (!((s[3 + i] >= '0' && s[3 + i] <= '9') ||
			      (s[3 + i] >= 'A' && s[3 + i] <= 'Z')))
				break;
		if (i == 5 && s[8] == ':') {
			memcpy(out, s + 3, 5);
			out[5] = '\0';
			return true;
		}
	}
	return false;
}

/* Copies MSG into OUT on one line: no LOCATION lines, single spaces. */
static void clean_message(const char *msg, char *out, size_t size)
{
	size_t n = 0;
	bool space = false;

	while (*msg && n + 1 < size) {
		if (strncmp(msg, "LOCATION:", 9) == 0) {
			msg += strcspn(msg, "\n");
			continue;
		}
		if (*msg == ' ' || *msg == '\t' || *msg == '\n' || *msg == '\r') {
			space = n > 0;
			msg++;
			continue;
		}
		if (space && n + 2 < size)
			out[n++] = ' ';
		space = false;
		out[n++] = (unsigned char)*msg < 0x20 ? '?' : *msg;
		msg++;
	}
	out[n] = '\0';
}

static bool mentions_errno(const char *msg, int err)
{
	return strstr(msg, strerror(err)) != NULL;
}

/* The outcome of a failed connection, from libpq's message and how far it got. */
static enum probe_outcome connect_outcome(const struct pg_run *p, const char *msg)
{
	char state[6];

	if (find_sqlstate(msg, state))
		return strncmp(state, "28", 2) == 0 ? PROBE_AUTH_FAILED : PROBE_CONNECT_FAILED;
	if (strstr(msg, "fe_sendauth") != NULL || strstr(msg, "SCRAM") != NULL)
		return PROBE_AUTH_FAILED; /* no password given, or the server's proof is wrong */
	if (mentions_errno(msg, ECONNREFUSED))
		return PROBE_CONNECT_REFUSED;
	if (mentions_errno(msg, ECONNRESET) || strstr(msg, "closed the connection") != NULL)
		return PROBE_CONNECTION_RESET;
	if (mentions_errno(msg, ETIMEDOUT))
		return PROBE_TIMEOUT;
	if (strstr(msg, "invalid") != NULL || strstr(msg, "unexpected") != NULL ||
	    strstr(msg, "received") != NULL)
		return PROBE_PROTOCOL_ERROR; /* it does not speak PostgreSQL's protocol */
	if (strstr(msg, "SSL") != NULL)
		return PROBE_TLS_ERROR;
	return p->status == CONNECTION_STARTED || p->status == CONNECTION_NEEDED
	               ? PROBE_CONNECT_FAILED
	               : PROBE_PROTOCOL_ERROR;
}

static void fail_connect(struct pg_run *p)
{
	const char *msg = p->conn ? PQerrorMessage(p->conn) : "out of memory";
	char clean[PROBE_MESSAGE_MAX];

	clean_message(msg, clean, sizeof(clean));
	fail(p, connect_outcome(p, msg), "%s", clean[0] ? clean : "the connection failed");
}

/* ---- the query ---- */

static void ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static void format_version(int v, char *out, size_t size)
{
	if (v >= 100000)
		snprintf(out, size, "%d.%d", v / 10000, v % 10000);
	else
		snprintf(out, size, "%d.%d.%d", v / 10000, v / 100 % 100, v % 100);
}

static void succeed(struct pg_run *p)
{
	struct probe_result *r = &p->run->result;
	double ms = (double)p->connected_ns / 1e6;
	char ver[32];

	format_version(PQserverVersion(p->conn), ver, sizeof(ver));
	if (p->conf->query == NULL)
		probe_result_set(r, PROBE_OK, "PostgreSQL %s, connected in %.1f ms", ver, ms);
	else
		probe_result_set(r, PROBE_OK,
		                 "PostgreSQL %s, connected in %.1f ms, query in %.1f ms", ver, ms,
		                 (double)p->query_ns / 1e6);
	pg_end(p);
}

/*
 * Keeps row ROW of RES: [BODY] is the row, columns joined by '|'; [RESULT]
 * (the first column) goes into the result's second text slot, tagged 'V'
 * for a value or 'N' for NULL.
 */
static void keep_row(struct pg_run *p, const PGresult *res, int row)
{
	struct probe_result *r = &p->run->result;
	int i, n = PQnfields(res);

	p->have_row = true;
	buf_reset(&r->body);
	buf_reset(&r->headers);
	for (i = 0; i < n; i++) {
		const char *v = PQgetvalue(res, row, i);
		size_t len = (size_t)PQgetlength(res, row, i);

		if (i > 0 && buf_putc(&r->body, '|') < 0)
			break;
		buf_append_some(&r->body, v, len);
	}
	if (n == 0)
		return;
	if (PQgetisnull(res, row, 0)) {
		(void)!buf_putc(&r->headers, 'N');
		return;
	}
	(void)!buf_putc(&r->headers, 'V');
	buf_append_some(&r->headers, PQgetvalue(res, row, 0), (size_t)PQgetlength(res, row, 0));
}

static void query_error(struct pg_run *p, const PGresult *res)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	char clean[PROBE_MESSAGE_MAX];

	if (primary != NULL)
		clean_message(primary, clean, sizeof(clean));
	else
		clean_message(PQresultErrorMessage(res), clean, sizeof(clean));
	probe_result_set(&p->run->result, PROBE_QUERY_FAILED, "query failed: %s%s%s",
	                 state ? state : "", state ? ": " : "", clean);
	pg_end(p);
}

/* Takes one result of the query; returns true when the run ended. */
static bool take_result(struct pg_run *p, const PGresult *res)
{
	switch (PQresultStatus(res)) {
	case PGRES_SINGLE_TUPLE:
	case PGRES_TUPLES_OK:
		if (PQntuples(res) > 0 && !p->have_row)
			keep_row(p, res, 0);
		p->rows += PQntuples(res);
		return false;
	case PGRES_COMMAND_OK:
	case PGRES_EMPTY_QUERY:
		return false;
	case PGRES_COPY_IN:
	case PGRES_COPY_OUT:
	case PGRES_COPY_BOTH:
		fail(p, PROBE_QUERY_FAILED, "%s", "query failed: COPY is not supported in a check");
		return true;
	default:
		query_error(p, res);
		return true;
	}
}

static void query_done(struct pg_run *p)
{
	struct probe_result *r = &p->run->result;

	p->query_ns = time_mono_ns() - p->query_ns;
	probe_result_value(r, "query_time_ms", (double)p->query_ns / 1e6);
	probe_result_value(r, "rows", (double)p->rows);
	succeed(p);
}

/* Reads every result libpq has whole; returns true when the run ended. */
static bool drain(struct pg_run *p)
{
	PGresult *res;
	bool ended;

	while (!PQisBusy(p->conn)) {
		res = PQgetResult(p->conn);
		if (res == NULL) {
			query_done(p);
			return true;
		}
		ended = take_result(p, res);
		PQclear(res);
		if (ended)
			return true;
	}
	return false;
}

/* ---- the loop side ---- */

static void on_poll(uv_poll_t *h, int status, int events);

/* Watches libpq's socket for EVENTS; the socket may differ from the last one. */
static void watch(struct pg_run *p, int events)
{
	int fd = PQsocket(p->conn), r;

	if (fd < 0) {
		fail(p, PROBE_INTERNAL_ERROR, "%s", "libpq has no socket");
		return;
	}
	if (p->poll != NULL && p->poll_fd != fd)
		close_poll(p);
	if (p->poll == NULL) {
		p->poll = xcalloc(1, sizeof(*p->poll));
		p->poll->p = p;
		p->poll->h.data = p->poll;
		r = uv_poll_init(p->run->env->loop, &p->poll->h, fd);
		if (r < 0) {
			free(p->poll);
			p->poll = NULL;
			fail(p, PROBE_INTERNAL_ERROR, "cannot watch the socket: %s",
			     uv_strerror(r));
			return;
		}
		p->poll_fd = fd;
	}
	r = uv_poll_start(&p->poll->h, events, on_poll);
	if (r < 0)
		fail(p, PROBE_INTERNAL_ERROR, "cannot watch the socket: %s", uv_strerror(r));
}

static void send_query(struct pg_run *p)
{
	char clean[PROBE_MESSAGE_MAX];

	p->query_ns = time_mono_ns();
	if (PQsetnonblocking(p->conn, 1) != 0 || !PQsendQuery(p->conn, p->conf->query)) {
		clean_message(PQerrorMessage(p->conn), clean, sizeof(clean));
		fail(p, PROBE_QUERY_FAILED, "query failed: %s", clean);
		return;
	}
	(void)PQsetSingleRowMode(p->conn); /* rows one by one: memory stays bounded */
	p->flushing = true;
	if (!drain(p))
		watch(p, UV_READABLE | UV_WRITABLE);
}

static void query_io(struct pg_run *p, int events)
{
	char clean[PROBE_MESSAGE_MAX];
	int f;

	if ((events & UV_READABLE) && !PQconsumeInput(p->conn)) {
		clean_message(PQerrorMessage(p->conn), clean, sizeof(clean));
		fail(p, PROBE_CONNECTION_RESET, "%s", clean);
		return;
	}
	if (p->flushing) {
		f = PQflush(p->conn);
		if (f < 0) {
			clean_message(PQerrorMessage(p->conn), clean, sizeof(clean));
			fail(p, PROBE_CONNECTION_RESET, "%s", clean);
			return;
		}
		p->flushing = f == 1;
	}
	if (!drain(p))
		watch(p, UV_READABLE | (p->flushing ? UV_WRITABLE : 0));
}

static void connected(struct pg_run *p)
{
	struct probe_result *r = &p->run->result;
	const char *addr = PQhostaddr(p->conn);

	p->connecting = false;
	r->connected = true;
	p->connected_ns = time_mono_ns() - p->run->start_ns - (r->t_resolve > 0 ? r->t_resolve : 0);
	r->t_connect = p->connected_ns;
	if (addr != NULL && *addr)
		snprintf(r->ip, sizeof(r->ip), "%s", addr);
	probe_result_value(r, "connect_time_ms", (double)p->connected_ns / 1e6);
	probe_result_value(r, "server_version", PQserverVersion(p->conn));
	if (p->conf->query == NULL)
		succeed(p);
	else
		send_query(p);
}

static void connect_step(struct pg_run *p)
{
	p->status = PQstatus(p->conn);
	switch (PQconnectPoll(p->conn)) {
	case PGRES_POLLING_READING:
		watch(p, UV_READABLE);
		break;
	case PGRES_POLLING_WRITING:
		watch(p, UV_WRITABLE);
		break;
	case PGRES_POLLING_OK:
		connected(p);
		break;
	default:
		fail_connect(p);
		break;
	}
}

/* libpq is only ever called with the handle stopped: it may close the socket. */
static void on_poll(uv_poll_t *h, int status, int events)
{
	struct pg_poll *pp = h->data;
	struct pg_run *p = pp->p;

	if (p->ended || pp != p->poll)
		return;
	uv_poll_stop(h);
	if (status < 0) /* an error on the socket: libpq finds which when it uses it */
		events = UV_READABLE | UV_WRITABLE;
	if (p->connecting)
		connect_step(p);
	else
		query_io(p, events);
}

/* ---- starting ---- */

static void add_param(const char **keys, const char **vals, size_t *n, const char *k, const char *v)
{
	keys[*n] = k;
	vals[*n] = v;
	(*n)++;
}

static bool has_key(const struct pg_conf *c, const char *k)
{
	size_t i;

	for (i = 0; i < c->nkeys; i++)
		if (strcmp(c->keys[i], k) == 0)
			return true;
	return false;
}

/*
 * Starts libpq on the NADDR addresses ADDRS (comma-separated, numeric: libpq
 * then never resolves a name itself), or on the configured socket.
 */
static void pg_connect(struct pg_run *p, const char *addrs, int naddr)
{
	const struct pg_conf *c = p->conf;
	const char **keys = xcalloc(
	        c->nkeys + 6,
	        sizeof(*keys)); /* + host hostaddr passfile gssencmode fallback_application_name NULL */
	const char **vals = xcalloc(c->nkeys + 6, sizeof(*vals));
	struct buf hosts;
	size_t i, n = 0;
	int k;

	buf_init(&hosts, 0);
	for (i = 0; i < c->nkeys; i++)
		if (naddr == 0 ||
		    (strcmp(c->keys[i], "host") != 0 && strcmp(c->keys[i], "hostaddr") != 0))
			add_param(keys, vals, &n, c->keys[i], c->vals[i]);
	if (naddr > 0) {
		for (k = 0; c->host != NULL && k < naddr; k++)
			(void)!buf_printf(&hosts, "%s%s", k ? "," : "", c->host);
		if (c->host != NULL)
			add_param(keys, vals, &n, "host", hosts.data);
		add_param(keys, vals, &n, "hostaddr", addrs);
	}
	if (p->run->mon->targets != NULL) /* made through the API: only the URL's password */
		add_param(keys, vals, &n, "passfile", "/dev/null");
	if (!has_key(c, "gssencmode"))
		add_param(keys, vals, &n, "gssencmode", "disable");
	if (!has_key(c, "fallback_application_name"))
		add_param(keys, vals, &n, "fallback_application_name", "vigil");
	p->conn = PQconnectStartParams(keys, vals, 0);
	free(keys);
	free(vals);
	buf_free(&hosts);
	if (p->conn == NULL) {
		fail(p, PROBE_INTERNAL_ERROR, "%s", "libpq: out of memory");
		return;
	}
	PQsetErrorVerbosity(p->conn, PQERRORS_VERBOSE); /* SQLSTATE codes in messages */
	PQsetNoticeProcessor(p->conn, ignore_notice, NULL);
	p->connecting = true;
	p->status = PQstatus(p->conn);
	if (p->status == CONNECTION_BAD)
		fail_connect(p);
	else
		watch(p, UV_WRITABLE);
}

/* The addresses of a host name that the monitor may connect to. */
struct pg_addrs {
	char ip[PG_ADDRS_MAX][INET6_ADDRSTRLEN];
	int n;
	char why[256]; /* why the first refused one was refused */
};

static void add_allowed(struct pg_run *p, const struct sockaddr *sa, struct pg_addrs *a)
{
	char ip[INET6_ADDRSTRLEN] = "", why[256];
	int i;

	if (!targets_allow(p->run->mon->targets, p->conf->host, sa, why, sizeof(why))) {
		if (a->why[0] == '\0')
			snprintf(a->why, sizeof(a->why), "%s", why);
		return;
	}
	if (uv_ip_name(sa, ip, sizeof(ip)) != 0)
		return;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->ip[i], ip) == 0)
			return;
	snprintf(a->ip[a->n++], sizeof(a->ip[0]), "%s", ip);
}

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
	struct pg_run *p = req->data;
	struct addrinfo *ai;
	struct pg_addrs a = { .n = 0 };
	struct buf list;
	int i;

	p->resolving = false;
	if (p->ended || status < 0 || res == NULL) {
		if (!p->ended)
			probe_result_set(&p->run->result, PROBE_DNS_FAILED, "cannot resolve %s: %s",
			                 p->conf->host, uv_strerror(status));
		uv_freeaddrinfo(res);
		if (p->ended)
			maybe_release(p);
		else
			pg_end(p);
		return;
	}
	p->run->result.t_resolve = time_mono_ns() - p->run->start_ns;
	for (ai = res; ai != NULL && a.n < PG_ADDRS_MAX; ai = ai->ai_next)
		add_allowed(p, ai->ai_addr, &a);
	uv_freeaddrinfo(res);
	if (a.n == 0) {
		fail(p, PROBE_TARGET_FORBIDDEN, "%s",
		     a.why[0] ? a.why : "no address to connect to");
		return;
	}
	buf_init(&list, 0);
	for (i = 0; i < a.n; i++)
		(void)!buf_printf(&list, "%s%s", i ? "," : "", a.ip[i]);
	pg_connect(p, list.data, a.n);
	buf_free(&list);
}

/* A numeric hostaddr, or a host that is an address: no lookup. */
static bool numeric_target(const struct pg_conf *c, struct sockaddr_storage *ss, const char **ip)
{
	int port = (int)strtol(c->port ? c->port : PG_DEFAULT_PORT, NULL, 10);

	*ip = c->hostaddr ? c->hostaddr : c->host;
	return uv_ip4_addr(*ip, port, (struct sockaddr_in *)ss) == 0 ||
	       uv_ip6_addr(*ip, port, (struct sockaddr_in6 *)ss) == 0;
}

static int pg_start(struct probe_run *run)
{
	struct pg_run *p = xcalloc(1, sizeof(*p));
	const struct pg_conf *c = run->mon->probe_conf;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct sockaddr_storage ss;
	const char *ip;
	char why[256];
	int r;

	p->run = run;
	p->conf = c;
	run->priv = p;
	if (c->local) {
		if (run->mon->targets != NULL)
			fail(p, PROBE_TARGET_FORBIDDEN, "%s",
			     "a Unix socket is not allowed for monitors made through the API");
		else
			pg_connect(p, NULL, 0);
		return 0;
	}
	if (numeric_target(c, &ss, &ip)) {
		if (!targets_allow(run->mon->targets, NULL, (struct sockaddr *)&ss, why,
		                   sizeof(why)))
			fail(p, PROBE_TARGET_FORBIDDEN, "%s", why);
		else
			pg_connect(p, ip, 1);
		return 0;
	}
	p->gai.data = p;
	r = uv_getaddrinfo(run->env->loop, &p->gai, on_resolved, c->host,
	                   c->port ? c->port : PG_DEFAULT_PORT, &hints);
	if (r < 0) {
		free(p);
		run->priv = NULL;
		probe_result_set(&run->result, PROBE_INTERNAL_ERROR, "cannot resolve: %s",
		                 uv_strerror(r));
		return -1;
	}
	p->resolving = true;
	return 0;
}

static void pg_cancel(struct probe_run *run)
{
	struct pg_run *p = run->priv;

	if (p != NULL && !p->ended)
		pg_end(p);
}

static int pg_get(const struct probe_result *r, const char *name, const char *key,
                  struct cond_value *out)
{
	double rows;

	(void)key;
	if (strcmp(name, "CONNECTED") == 0)
		*out = (struct cond_value){ COND_BOOL, r->connected, NULL, 0 };
	else if (strcmp(name, "RESPONSE_TIME") == 0)
		*out = (struct cond_value){ COND_DURATION, (double)r->latency_ns / 1e6, NULL, 0 };
	else if (strcmp(name, "ROWS") == 0 && probe_result_get_value(r, "rows", &rows) == 0)
		*out = (struct cond_value){ COND_NUMBER, rows, NULL, 0 };
	else if (strcmp(name, "RESULT") == 0 && r->headers.len > 0 && r->headers.data[0] == 'N')
		*out = (struct cond_value){ COND_NULL, 0, NULL, 0 };
	else if (strcmp(name, "RESULT") == 0 && r->headers.len > 0)
		*out = (struct cond_value){ COND_STRING, 0, r->headers.data + 1,
			                    r->headers.len - 1 };
	else if (strcmp(name, "BODY") == 0)
		*out = (struct cond_value){ COND_STRING, 0, r->body.data ? r->body.data : "",
			                    r->body.len };
	else
		return -1;
	return 0;
}

/* `expect`: the first value of the first row must be this text. */
static void pg_judge(const struct monitor_conf *mon, struct probe_result *r)
{
	const struct pg_conf *c = mon->probe_conf;
	struct cond_value v;

	if (c->expect == NULL)
		return;
	if (pg_get(r, "RESULT", NULL, &v) < 0)
		probe_result_set(r, PROBE_CONDITION_FAILED,
		                 "the query returned no row (expected \"%.60s\")", c->expect);
	else if (v.type == COND_NULL)
		probe_result_set(r, PROBE_CONDITION_FAILED,
		                 "the query returned NULL, expected \"%.60s\"", c->expect);
	else if (v.len != strlen(c->expect) || memcmp(v.str, c->expect, v.len) != 0)
		probe_result_set(r, PROBE_CONDITION_FAILED,
		                 "the query returned \"%.*s\", expected \"%.60s\"",
		                 (int)(v.len > 60 ? 60 : v.len), v.str, c->expect);
}

/* ---- configuration ---- */

/* conninfo keywords naming files of this host: not for monitors made through the API */
static const char *const file_keys[] = { "service", "servicefile", "passfile",
	                                 "sslcert", "sslkey",      "sslrootcert",
	                                 "sslcrl",  "sslcrldir",   NULL };

static bool listed(const char *k, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(k, *list) == 0)
			return true;
	return false;
}

/* libpq's parse error with every quoted part masked: it may quote a password. */
static void parse_error(struct conf_ctx *ctx, yaml_node_t *node, const char *err)
{
	char out[256];
	size_t n = 0;
	bool quoted = false;

	for (; err != NULL && *err && *err != '\n' && n + 4 < sizeof(out); err++) {
		if (*err == '"') {
			quoted = !quoted;
			out[n++] = '"';
			if (quoted)
				out[n++] = '.', out[n++] = '.', out[n++] = '.';
		} else if (!quoted) {
			out[n++] = *err;
		}
	}
	out[n] = '\0';
	conf_error_key(ctx, node, "url", "not a libpq connection string or postgres:// URI: %s",
	               out);
}

static void take_param(struct conf_ctx *ctx, yaml_node_t *node, struct pg_conf *c,
                       const PQconninfoOption *o, size_t *cap)
{
	if (ctx->untrusted && listed(o->keyword, file_keys)) {
		conf_error_key(
		        ctx, node, "url",
		        "%s= names a file of this host: not allowed in monitors made through "
		        "the API",
		        o->keyword);
		return;
	}
	if (strcmp(o->keyword, "password") == 0 && ctx->secrets != NULL)
		secret_set_add(ctx->secrets, o->val);
	c->keys = xgrow(c->keys, cap, c->nkeys + 1, sizeof(*c->keys));
	c->vals = xrealloc(c->vals, *cap * sizeof(*c->vals));
	c->keys[c->nkeys] = xstrdup(o->keyword);
	c->vals[c->nkeys] = xstrdup(o->val);
	if (strcmp(o->keyword, "host") == 0 && *o->val)
		c->host = c->vals[c->nkeys];
	else if (strcmp(o->keyword, "hostaddr") == 0 && *o->val)
		c->hostaddr = c->vals[c->nkeys];
	else if (strcmp(o->keyword, "port") == 0 && *o->val)
		c->port = c->vals[c->nkeys];
	c->nkeys++;
}

static bool valid_port(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *s && *end == '\0' && v >= 1 && v <= 65535;
}

static bool numeric_address(const char *s)
{
	unsigned char a[16];

	return uv_inet_pton(AF_INET, s, a) == 0 || uv_inet_pton(AF_INET6, s, a) == 0;
}

/* Checks where the connection goes: one server, by address or name. */
static void check_target(struct conf_ctx *ctx, yaml_node_t *node, struct pg_conf *c)
{
	if ((c->host && strchr(c->host, ',')) || (c->hostaddr && strchr(c->hostaddr, ',')) ||
	    (c->port && strchr(c->port, ',')))
		conf_error_key(ctx, node, "url",
		               "several hosts are not supported: make one "
		               "monitor per server");
	else if (c->port != NULL && !valid_port(c->port))
		conf_error_key(ctx, node, "url", "port \"%.20s\" is not a number from 1 to 65535",
		               c->port);
	else if (c->hostaddr != NULL && !numeric_address(c->hostaddr))
		conf_error_key(ctx, node, "url", "hostaddr \"%.60s\" is not a numeric address",
		               c->hostaddr);
	else if (ctx->untrusted && c->host != NULL && c->hostaddr != NULL)
		conf_error_key(ctx, node, "url",
		               "give host or hostaddr, not both, in monitors made through the API "
		               "(the password file is looked up by host)");
	c->local =
	        c->hostaddr == NULL && (c->host == NULL || c->host[0] == '/' || c->host[0] == '@');
	if (c->local && ctx->untrusted)
		conf_error_key(
		        ctx, node, "url",
		        "a Unix socket is not allowed in monitors made through the API: give "
		        "a host");
}

static void pg_finish(struct conf_ctx *ctx, yaml_node_t *node, void *obj)
{
	struct pg_conf *c = obj;
	PQconninfoOption *opts, *o;
	char *err = NULL;
	size_t cap = 0;

	if (c->query != NULL && c->query[strspn(c->query, " \t\r\n;")] == '\0')
		conf_error_key(ctx, node, "query", "is empty");
	if (c->expect != NULL && c->query == NULL)
		conf_error_key(ctx, node, "expect",
		               "needs a query (it is compared with the query's first value)");
	if (c->expect != NULL && strlen(c->expect) > PG_EXPECT_MAX)
		conf_error_key(ctx, node, "expect", "longer than %d bytes", PG_EXPECT_MAX);
	if (c->url == NULL)
		return; /* reported as a missing required key */
	if (ctx->secrets != NULL && strstr(c->url, "://") != NULL)
		url_add_secrets(c->url, url_secret_params, ctx->secrets);
	opts = PQconninfoParse(c->url, &err);
	if (opts == NULL) {
		parse_error(ctx, node, err ? err : "out of memory");
		PQfreemem(err);
		return;
	}
	for (o = opts; o->keyword != NULL; o++)
		if (o->val != NULL)
			take_param(ctx, node, c, o, &cap);
	PQconninfoFree(opts);
	check_target(ctx, node, c);
}

static void pg_cleanup(void *obj)
{
	struct pg_conf *c = obj;
	size_t i;

	for (i = 0; i < c->nkeys; i++) {
		free(c->keys[i]);
		free(c->vals[i]);
	}
	free(c->keys);
	free(c->vals);
	c->keys = c->vals = NULL;
	c->nkeys = 0;
	c->host = c->hostaddr = c->port = NULL;
}

static const struct conf_key pg_keys[] = {
	{ .name = "url",
	  .type = CONF_SECRET,
	  .offset = offsetof(struct pg_conf, url),
	  .flags = CONF_REQUIRED,
	  .help = "libpq connection string (\"host=db port=5432 user=app dbname=app\") or "
	          "postgres:// URI; shown as <secret> since it may hold a password" },
	{ .name = "query",
	  .type = CONF_STRING,
	  .offset = offsetof(struct pg_conf, query),
	  .help = "SQL to run once connected, e.g. \"SELECT 1\" (default: only connect)" },
	{ .name = "expect",
	  .type = CONF_STRING,
	  .offset = offsetof(struct pg_conf, expect),
	  .help = "text the first column of the first row must equal" },
	{ 0 },
};

static const struct conf_spec pg_spec = {
	.name = "postgres",
	.size = sizeof(struct pg_conf),
	.keys = pg_keys,
	.finish = pg_finish,
	.cleanup = pg_cleanup,
};

const struct probe_type probe_postgres = {
	.network = true,
	.name = "postgres",
	.spec = &pg_spec,
	.placeholders = pg_placeholders,
	.start = pg_start,
	.cancel = pg_cancel,
	.get = pg_get,
	.judge = pg_judge,
};
