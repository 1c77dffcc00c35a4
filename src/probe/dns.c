/* The dns probe: one query per run through c-ares on the loop (a uv_poll per socket, one timer). */
#include <ares.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/monitors.h"
#include "probe/dns_answer.h"
#include "probe/probe.h"
#include "probe/targets.h"
#include "util/time.h"
#include "util/xmalloc.h"

#define DNS_TRIES        2   /* sends of one query while the server stays silent (c-ares) */
#define DNS_MAX_ATTEMPTS 3   /* queries of one run while the answer is SERVFAIL */
#define DNS_BACKOFF_MS   100 /* wait before repeating after SERVFAIL, doubled each time */
#define DNS_CLASS_IN     1
#define SERVER_TEXT_MAX  (INET6_ADDRSTRLEN + 9) /* "[addr]:port" */

struct dns_conf {
	char *query;
	int record; /* enum dns_record */
	char *server;
	struct conf_strlist expect;
	/* derived */
	struct sockaddr_storage addr; /* the server; AF_UNSPEC: the system's resolvers */
};

/* A socket c-ares asked us to watch. */
struct dns_poll {
	uv_poll_t poll;
	struct dns_run *d;
	ares_socket_t fd;
	struct dns_poll *next;
};

struct dns_run {
	struct probe_run *run;
	const struct dns_conf *conf;
	ares_channel channel;  /* NULL once destroyed */
	uv_timer_t timer;      /* c-ares timeouts, or the wait before repeating after SERVFAIL */
	struct dns_poll *poll; /* the sockets watched */
	int handles;           /* uv handles not closed yet */
	int attempts;          /* queries sent */
	int last_rcode;        /* of the last answer; -1 before one */
	int64_t try_ms;        /* c-ares' wait for an answer to one send */
	char server[SERVER_TEXT_MAX];
	bool in_ares;          /* inside a c-ares call: tear down once it returns */
	bool backoff;          /* the timer waits to repeat the query */
	bool rcode_conditions; /* conditions judge the rcode: no failure of ours for it */
	bool ended;
};

static const char *const dns_placeholders[] = { "DNS_RCODE", "BODY", "RESPONSE_TIME", "IP", NULL };

/* ---- configuration ---- */

/* "host", "host:port", "[v6]:port" or a bare IPv6 address; 53 when no port is given. */
static int server_parse(const char *s, struct sockaddr_storage *ss, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN + 16];
	const char *port = NULL, *end;
	size_t hl;
	long p = 53;
	char *pe = NULL;

	if (*s == '[') {
		end = strchr(s, ']');
		if (end == NULL || (end[1] != '\0' && end[1] != ':')) {
			snprintf(err, errlen, "\"%s\" is malformed: expected \"[address]:port\"",
			         s);
			return -1;
		}
		hl = (size_t)(end - s - 1);
		s++;
		port = end[1] == ':' ? end + 2 : NULL;
	} else if ((end = strchr(s, ':')) != NULL && strchr(end + 1, ':') == NULL) {
		hl = (size_t)(end - s);
		port = end + 1;
	} else {
		hl = strlen(s);
	}
	if (port != NULL) {
		p = isdigit((unsigned char)*port) ? strtol(port, &pe, 10) : 0;
		if (p < 1 || p > 65535 || *pe != '\0') {
			snprintf(err, errlen, "the port \"%s\" is not a number from 1 to 65535",
			         port);
			return -1;
		}
	}
	if (hl > 0 && hl < sizeof(host)) {
		memcpy(host, s, hl);
		host[hl] = '\0';
		if (uv_ip4_addr(host, (int)p, (struct sockaddr_in *)ss) == 0 ||
		    uv_ip6_addr(host, (int)p, (struct sockaddr_in6 *)ss) == 0)
			return 0;
	}
	snprintf(err, errlen,
	         "\"%.*s\" is not an IP address (give the DNS server by address, as in "
	         "\"9.9.9.9\", \"192.0.2.53:5353\" or \"[2001:db8::53]:53\")",
	         (int)(hl < 64 ? hl : 64), s);
	return -1;
}

/* Whether Q can be asked: labels of 1..63 bytes, 253 in all, no spaces or control bytes. */
static int query_check(const char *q, char *err, size_t errlen)
{
	size_t len = strlen(q), label = 0, i;

	if (len == 0) {
		snprintf(err, errlen, "is empty");
		return -1;
	}
	if (strcmp(q, ".") == 0)
		return 0; /* the root */
	if (len - (q[len - 1] == '.') > 253) {
		snprintf(err, errlen, "is longer than 253 characters");
		return -1;
	}
	for (i = 0; i <= len; i++) {
		if (q[i] == '.' || q[i] == '\0') {
			if (label == 0 && !(q[i] == '\0' && i > 0)) {
				snprintf(err, errlen, "\"%s\" has an empty label", q);
				return -1;
			}
			if (label > 63) {
				snprintf(err, errlen,
				         "\"%s\" has a label longer than 63 characters", q);
				return -1;
			}
			label = 0;
		} else if ((unsigned char)q[i] <= ' ' || q[i] == 0x7f) {
			snprintf(err, errlen, "\"%s\" contains a space or control character", q);
			return -1;
		} else {
			label++;
		}
	}
	return 0;
}

static void dns_finish(struct conf_ctx *ctx, yaml_node_t *node, void *obj)
{
	struct dns_conf *c = obj;
	char err[256];
	size_t i;

	c->addr.ss_family = AF_UNSPEC;
	if (c->query != NULL && query_check(c->query, err, sizeof(err)) < 0)
		conf_error_key(ctx, node, "query", "%s", err);
	if (c->server != NULL && server_parse(c->server, &c->addr, err, sizeof(err)) < 0) {
		conf_error_key(ctx, node, "server", "%s", err);
		c->addr.ss_family = AF_UNSPEC;
	}
	for (i = 0; i < c->expect.n; i++)
		if (dns_expect_check(c->record, c->expect.v[i], err, sizeof(err)) < 0)
			conf_error_key(ctx, node, "expect", "%s", err);
}

static const struct conf_key dns_keys[] = {
	{ .name = "query",
	  .type = CONF_STRING,
	  .offset = offsetof(struct dns_conf, query),
	  .flags = CONF_REQUIRED,
	  .help = "the name to look up, e.g. www.example.com" },
	{ .name = "record",
	  .type = CONF_ENUM,
	  .offset = offsetof(struct dns_conf, record),
	  .names = dns_record_names,
	  .help = "record type to ask for: A (default), AAAA, CNAME, MX, TXT, NS or SOA" },
	{ .name = "server",
	  .type = CONF_STRING,
	  .offset = offsetof(struct dns_conf, server),
	  .help = "DNS server address, \"192.0.2.53\", \"192.0.2.53:5353\" or "
	          "\"[2001:db8::53]:53\"; "
	          "default: the system's resolvers (/etc/resolv.conf)" },
	{ .name = "expect",
	  .type = CONF_STRLIST,
	  .offset = offsetof(struct dns_conf, expect),
	  .help = "values that must all be among the answers: addresses, names, \"10 "
	          "mx.example.com\", "
	          "TXT text, or the SOA's primary server" },
	{ 0 },
};

static const struct conf_spec dns_spec = {
	.name = "dns",
	.size = sizeof(struct dns_conf),
	.keys = dns_keys,
	.finish = dns_finish,
};

/* ---- ending a run ---- */

static void dns_release(struct dns_run *d)
{
	struct probe_run *run = d->run;

	free(d);
	run->priv = NULL;
	probe_run_finish(run);
}

static void on_timer_closed(uv_handle_t *h)
{
	struct dns_run *d = h->data;

	if (--d->handles == 0)
		dns_release(d);
}

static void on_poll_closed(uv_handle_t *h)
{
	struct dns_poll *p = h->data;
	struct dns_run *d = p->d;

	free(p);
	if (--d->handles == 0)
		dns_release(d);
}

/* Stops watching P's socket now (c-ares closes it next) and frees P later. */
static void poll_close(struct dns_poll *p)
{
	uv_close((uv_handle_t *)&p->poll, on_poll_closed);
}

/* Destroys the channel (pending queries end with ARES_EDESTRUCTION), then closes the handles. */
static void dns_teardown(struct dns_run *d)
{
	struct dns_poll *p;
	ares_channel ch = d->channel;

	d->channel = NULL;
	if (ch != NULL)
		ares_destroy(ch); /* tells on_sock_state to let go of each socket */
	while ((p = d->poll) != NULL) {
		d->poll = p->next;
		poll_close(p);
	}
	uv_close((uv_handle_t *)&d->timer, on_timer_closed);
}

/* Ends the run once, with the outcome already set; inside c-ares, after it returns. */
static void dns_end(struct dns_run *d)
{
	if (d->ended)
		return;
	d->ended = true;
	d->run->result.latency_ns = time_mono_ns() - d->run->start_ns;
	if (!d->in_ares)
		dns_teardown(d);
}

static void dns_fail(struct dns_run *d, enum probe_outcome o, const char *what, int status)
{
	probe_result_set(&d->run->result, o, "%s: %s", what, ares_strerror(status));
	dns_end(d);
}

/* ---- driving c-ares from the loop ---- */

static void on_timer(uv_timer_t *t);

/* After any c-ares call: tear down when the run ended, else wait for its next timeout. */
static void dns_after_ares(struct dns_run *d)
{
	struct timeval tv, *tp;

	if (d->ended) {
		dns_teardown(d);
		return;
	}
	if (d->backoff)
		return;
	tp = ares_timeout(d->channel, NULL, &tv);
	if (tp == NULL)
		uv_timer_stop(&d->timer);
	else
		uv_timer_start(&d->timer, on_timer,
		               (uint64_t)tp->tv_sec * 1000 + ((uint64_t)tp->tv_usec + 999) / 1000,
		               0);
}

static void dns_process(struct dns_run *d, ares_socket_t rfd, ares_socket_t wfd)
{
	d->in_ares = true;
	ares_process_fd(d->channel, rfd, wfd);
	d->in_ares = false;
	dns_after_ares(d);
}

static void on_poll(uv_poll_t *h, int status, int events)
{
	struct dns_poll *p = h->data;
	ares_socket_t rfd = ARES_SOCKET_BAD, wfd = ARES_SOCKET_BAD;

	if (p->d->ended)
		return;
	if (status < 0 || (events & UV_READABLE))
		rfd = p->fd;
	if (status < 0 || (events & UV_WRITABLE))
		wfd = p->fd;
	dns_process(p->d, rfd, wfd);
}

static struct dns_poll *poll_open(struct dns_run *d, ares_socket_t fd)
{
	struct dns_poll *p = xcalloc(1, sizeof(*p));
	int e = uv_poll_init_socket(d->run->env->loop, &p->poll, fd);

	if (e < 0) {
		free(p);
		probe_result_set(&d->run->result, PROBE_INTERNAL_ERROR,
		                 "cannot watch the DNS socket: %s", uv_strerror(e));
		dns_end(d);
		return NULL;
	}
	p->poll.data = p;
	p->d = d;
	p->fd = fd;
	p->next = d->poll;
	d->poll = p;
	d->handles++;
	return p;
}

/* c-ares' ARES_OPT_SOCK_STATE_CB: watch FD for what it wants, or let go of it. */
static void on_sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct dns_run *d = data;
	struct dns_poll **pp = &d->poll, *p;
	int e;

	while (*pp != NULL && (*pp)->fd != fd)
		pp = &(*pp)->next;
	p = *pp;
	if (!readable && !writable) {
		if (p != NULL) { /* before c-ares closes FD: the loop never sees it reused */
			*pp = p->next;
			poll_close(p);
		}
		return;
	}
	if (d->ended || (p == NULL && (p = poll_open(d, fd)) == NULL))
		return;
	e = uv_poll_start(&p->poll, (readable ? UV_READABLE : 0) | (writable ? UV_WRITABLE : 0),
	                  on_poll);
	if (e < 0) {
		probe_result_set(&d->run->result, PROBE_INTERNAL_ERROR,
		                 "cannot watch the DNS socket: %s", uv_strerror(e));
		dns_end(d);
	}
}

/* ---- the query and its answer ---- */

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen);

static void dns_send(struct dns_run *d)
{
	const struct dns_conf *c = d->conf;
	unsigned char *q = NULL;
	int qlen = 0, e;

	e = ares_create_query(c->query, DNS_CLASS_IN, dns_record_qtype(c->record), 0, 1, &q, &qlen,
	                      0);
	if (e != ARES_SUCCESS) {
		dns_fail(d, PROBE_INTERNAL_ERROR, "cannot encode the query", e);
		return;
	}
	d->attempts++;
	d->in_ares = true;
	ares_send(d->channel, q, qlen, on_answer, d);
	d->in_ares = false;
	ares_free_string(q);
	dns_after_ares(d);
}

static void on_timer(uv_timer_t *t)
{
	struct dns_run *d = t->data;

	if (d->ended)
		return;
	if (d->backoff) {
		d->backoff = false;
		dns_send(d);
		return;
	}
	dns_process(d, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
}

static int64_t elapsed_ms(const struct dns_run *d)
{
	return (time_mono_ns() - d->run->start_ns) / 1000000;
}

/* After SERVFAIL: waits and asks again when another attempt still fits in the timeout. */
static bool dns_retry(struct dns_run *d)
{
	int64_t wait = (int64_t)DNS_BACKOFF_MS << (d->attempts - 1),
	        cap = d->run->mon->timeout / 10;

	if (wait > cap)
		wait = cap > 0 ? cap : 1;
	if (d->attempts >= DNS_MAX_ATTEMPTS ||
	    elapsed_ms(d) + wait + d->try_ms > d->run->mon->timeout)
		return false;
	d->backoff = true;
	uv_timer_start(&d->timer, on_timer, (uint64_t)wait, 0);
	return true;
}

static void fail_status(struct dns_run *d, int status, int timeouts)
{
	struct probe_result *r = &d->run->result;

	switch (status) {
	case ARES_ETIMEOUT:
		probe_result_set(r, PROBE_TIMEOUT,
		                 "the DNS server %s did not answer (%d sends in %lld ms)",
		                 d->server, timeouts, (long long)elapsed_ms(d));
		break;
	case ARES_ECONNREFUSED:
		probe_result_set(r, PROBE_CONNECT_REFUSED,
		                 "the DNS server %s refused the query (nothing listens there)",
		                 d->server);
		break;
	case ARES_EBADRESP:
		probe_result_set(r, PROBE_PROTOCOL_ERROR, "malformed answer from %s", d->server);
		break;
	case ARES_ENOMEM:
		probe_result_set(r, PROBE_INTERNAL_ERROR, "out of memory");
		break;
	default:
		probe_result_set(r, PROBE_DNS_FAILED, "query to %s failed: %s", d->server,
		                 ares_strerror(status));
		break;
	}
	dns_end(d);
}

/* Keeps what conditions and the API see of answer A. */
static void answer_keep(struct dns_run *d, const struct dns_answer *a)
{
	struct probe_result *r = &d->run->result;
	char rc[16];

	probe_result_value(r, "lookup_time_ms", (double)(time_mono_ns() - d->run->start_ns) / 1e6);
	probe_result_value(r, "answers", (double)a->total);
	buf_reset(&r->body);
	dns_answer_format(a, &r->body);
	buf_reset(&r->headers); /* the response header, for [DNS_RCODE] and [IP] */
	(void)!buf_printf(&r->headers, "rcode: %s\nrecord: %s\n",
	                  dns_rcode_str(a->rcode, rc, sizeof(rc)),
	                  dns_record_names[d->conf->record]);
}

/* The outcome of answer A when the server answered with its rcode. */
static void answer_verdict(struct dns_run *d, const struct dns_answer *a)
{
	struct probe_result *r = &d->run->result;
	const char *type = dns_record_names[d->conf->record], *q = d->conf->query;
	char rc[16], list[PROBE_MESSAGE_MAX];
	const char *rcode = dns_rcode_str(a->rcode, rc, sizeof(rc));

	if (a->rcode == DNS_RCODE_NOERROR && a->total > 0) {
		dns_answer_list(a, list, sizeof(list) / 2);
		probe_result_set(r, PROBE_OK, "%zu %s record%s for %s: %s", a->total, type,
		                 a->total == 1 ? "" : "s", q, list);
	} else if (a->rcode == DNS_RCODE_NOERROR) {
		probe_result_set(r, PROBE_OK, "NOERROR but no %s records for %s (NODATA)", type, q);
	} else if (d->rcode_conditions) {
		probe_result_set(r, PROBE_OK, "%s for %s %s from %s", rcode, q, type, d->server);
	} else if (a->rcode == DNS_RCODE_NXDOMAIN) {
		probe_result_set(r, PROBE_DNS_NXDOMAIN,
		                 "NXDOMAIN: %s does not exist (answer from %s)", q, d->server);
	} else {
		probe_result_set(r, PROBE_DNS_ERROR, "%s from %s for %s %s (%d quer%s)", rcode,
		                 d->server, q, type, d->attempts, d->attempts == 1 ? "y" : "ies");
	}
}

/* `expect`: every value must be among the records; else the run fails naming both. */
static void answer_expect(struct dns_run *d, const struct dns_answer *a)
{
	const struct dns_conf *c = d->conf;
	struct probe_result *r = &d->run->result;
	const char *missing = dns_answer_missing(a, c->record, c->expect.v, c->expect.n);
	char got[PROBE_MESSAGE_MAX / 2], rc[16];

	if (missing == NULL)
		return;
	if (a->total > 0)
		dns_answer_list(a, got, sizeof(got));
	else
		snprintf(got, sizeof(got), "no %s records (%s)", dns_record_names[c->record],
		         dns_rcode_str(a->rcode, rc, sizeof(rc)));
	probe_result_set(r, PROBE_CONDITION_FAILED, "expected %s \"%.60s\" for %s, got: %s",
	                 dns_record_names[c->record], missing, c->query, got);
}

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct dns_run *d = arg;
	struct dns_answer a;
	char err[128];

	if (d->ended || status == ARES_EDESTRUCTION || status == ARES_ECANCELLED)
		return;
	if (status != ARES_SUCCESS) {
		fail_status(d, status, timeouts);
		return;
	}
	if (dns_answer_parse(abuf, alen > 0 ? (size_t)alen : 0, d->conf->record, &a, err,
	                     sizeof(err)) < 0) {
		dns_answer_free(&a);
		probe_result_set(&d->run->result, PROBE_PROTOCOL_ERROR,
		                 "malformed answer from %s: %s", d->server, err);
		dns_end(d);
		return;
	}
	d->last_rcode = a.rcode;
	if (a.rcode == DNS_RCODE_SERVFAIL && dns_retry(d)) {
		dns_answer_free(&a);
		return;
	}
	answer_keep(d, &a);
	answer_verdict(d, &a);
	if (d->run->result.outcome == PROBE_OK && d->conf->expect.n > 0)
		answer_expect(d, &a);
	dns_answer_free(&a);
	dns_end(d);
}

/* ---- starting ---- */

/* "addr:port" or "[addr]:port" of SA. */
static void server_text(const struct sockaddr *sa, char *out, size_t size)
{
	char ip[INET6_ADDRSTRLEN] = "?";
	int port;

	uv_ip_name(sa, ip, sizeof(ip));
	if (sa->sa_family == AF_INET6) {
		port = ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
		snprintf(out, size, "[%s]:%d", ip, port);
	} else {
		port = ntohs(((const struct sockaddr_in *)sa)->sin_port);
		snprintf(out, size, "%s:%d", ip, port);
	}
}

static void node_to_sockaddr(const struct ares_addr_port_node *n, struct sockaddr_storage *ss)
{
	int port = n->udp_port ? n->udp_port : 53;

	memset(ss, 0, sizeof(*ss));
	if (n->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		memcpy(&s6->sin6_addr, &n->addr.addr6, sizeof(s6->sin6_addr));
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		memcpy(&s4->sin_addr, &n->addr.addr4, sizeof(s4->sin_addr));
	}
}

/* Every server the channel will ask must pass the SSRF guard; the first is named in results. */
static int servers_check(struct dns_run *d)
{
	struct ares_addr_port_node *list = NULL, *n;
	struct sockaddr_storage ss;
	struct probe_result *r = &d->run->result;
	char why[256];
	int e = ares_get_servers_ports(d->channel, &list), ok = 0;

	if (e != ARES_SUCCESS || list == NULL) {
		probe_result_set(r, PROBE_DNS_FAILED,
		                 "no DNS server to ask (none in /etc/resolv.conf)");
		ares_free_data(list);
		return -1;
	}
	for (n = list; n != NULL && ok == 0; n = n->next) {
		node_to_sockaddr(n, &ss);
		if (n == list) {
			uv_ip_name((struct sockaddr *)&ss, r->ip, sizeof(r->ip));
			server_text((struct sockaddr *)&ss, d->server, sizeof(d->server));
		}
		if (!targets_allow(d->run->mon->targets, NULL, (struct sockaddr *)&ss, why,
		                   sizeof(why))) {
			probe_result_set(r, PROBE_TARGET_FORBIDDEN, "DNS server: %s", why);
			ok = -1;
		}
	}
	ares_free_data(list);
	return ok;
}

static int set_server(struct dns_run *d)
{
	const struct sockaddr_storage *ss = &d->conf->addr;
	struct ares_addr_port_node n = { 0 };

	n.family = ss->ss_family;
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

		memcpy(&n.addr.addr6, &s6->sin6_addr, sizeof(s6->sin6_addr));
		n.udp_port = n.tcp_port = ntohs(s6->sin6_port);
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		memcpy(&n.addr.addr4, &s4->sin_addr, sizeof(s4->sin_addr));
		n.udp_port = n.tcp_port = ntohs(s4->sin_port);
	}
	return ares_set_servers_ports(d->channel, &n);
}

/*
 * A channel of our own for this run: no search list, our sockets, our
 * timeouts. With a server configured every setting is given, so c-ares reads
 * no file (/etc/resolv.conf) at all.
 */
static int channel_open(struct dns_run *d)
{
	struct ares_options o = { 0 };
	char lookups[] = "b";
	int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_LOOKUPS |
	           ARES_OPT_SOCK_STATE_CB;
	int e;

	o.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH;
	o.timeout = (int)d->try_ms;
	o.tries = DNS_TRIES;
	o.lookups = lookups;
	o.sock_state_cb = on_sock_state;
	o.sock_state_cb_data = d;
	o.ndots = 1;
	if (d->conf->addr.ss_family != AF_UNSPEC) /* no servers, domains, sortlist yet */
		mask |= ARES_OPT_SERVERS | ARES_OPT_DOMAINS | ARES_OPT_SORTLIST | ARES_OPT_NDOTS;
	e = ares_init_options(&d->channel, &o, mask);
	if (e != ARES_SUCCESS) {
		d->channel = NULL;
		dns_fail(d, PROBE_INTERNAL_ERROR, "cannot set up the resolver", e);
		return -1;
	}
	if (d->conf->addr.ss_family != AF_UNSPEC && (e = set_server(d)) != ARES_SUCCESS) {
		dns_fail(d, PROBE_INTERNAL_ERROR, "cannot set the DNS server", e);
		return -1;
	}
	if (servers_check(d) < 0) {
		dns_end(d);
		return -1;
	}
	return 0;
}

/* Whether a condition of MON reads the rcode: then it, not us, judges NXDOMAIN and the like. */
static bool conditions_read_rcode(const struct monitor_conf *mon)
{
	size_t i;

	for (i = 0; i < mon->conditions.n; i++)
		if (strstr(mon->conditions.v[i], "[DNS_RCODE]") != NULL)
			return true;
	return false;
}

static int dns_start(struct probe_run *run)
{
	struct dns_run *d = xcalloc(1, sizeof(*d));
	const struct dns_conf *c = run->mon->probe_conf;

	d->run = run;
	d->conf = c;
	d->last_rcode = -1;
	/* c-ares doubles its wait at each send: all of them take 3/4 of the timeout */
	d->try_ms = run->mon->timeout * 3 / 4 / ((1 << DNS_TRIES) - 1);
	if (d->try_ms < 1)
		d->try_ms = 1;
	d->rcode_conditions = conditions_read_rcode(run->mon);
	snprintf(d->server, sizeof(d->server), "(system resolver)");
	run->priv = d;
	uv_timer_init(run->env->loop, &d->timer);
	d->timer.data = d;
	d->handles = 1;
	if (channel_open(d) == 0)
		dns_send(d);
	return 0; /* from here on every ending goes through dns_end */
}

static void dns_cancel(struct probe_run *run)
{
	struct dns_run *d = run->priv;

	if (d == NULL || d->ended)
		return;
	if (run->result.outcome == PROBE_TIMEOUT && d->last_rcode == DNS_RCODE_SERVFAIL)
		probe_result_set(&run->result, PROBE_TIMEOUT,
		                 "SERVFAIL from %s, then no answer within %lld ms", d->server,
		                 (long long)run->mon->timeout);
	else if (run->result.outcome == PROBE_TIMEOUT)
		probe_result_set(&run->result, PROBE_TIMEOUT,
		                 "the DNS server %s did not answer within %lld ms", d->server,
		                 (long long)run->mon->timeout);
	dns_end(d);
}

/* ---- verdict and placeholders ---- */

/* The value of line "NAME: value" of R's response header summary. */
static const char *header_value(const struct probe_result *r, const char *name, size_t *len)
{
	const char *p = r->headers.data, *end;
	size_t nl = strlen(name);

	while (p != NULL && *p != '\0') {
		end = strchr(p, '\n');
		if (end == NULL)
			end = p + strlen(p);
		if (strncmp(p, name, nl) == 0 && p[nl] == ':' && p[nl + 1] == ' ') {
			*len = (size_t)(end - p - (ptrdiff_t)nl - 2);
			return p + nl + 2;
		}
		p = *end ? end + 1 : end;
	}
	return NULL;
}

/* [IP]: the first answer, when the records are addresses. */
static int first_address(const struct probe_result *r, struct cond_value *out)
{
	size_t len = 0;
	const char *rec = header_value(r, "record", &len), *body = r->body.data, *nl;

	if (rec == NULL || body == NULL || *body == '\0' ||
	    !((len == 1 && *rec == 'A') || (len == 4 && strncmp(rec, "AAAA", 4) == 0)))
		return -1;
	nl = strchr(body, '\n');
	*out = (struct cond_value){ COND_STRING, 0, body, nl ? (size_t)(nl - body) : strlen(body) };
	return 0;
}

static int dns_get(const struct probe_result *r, const char *name, const char *key,
                   struct cond_value *out)
{
	const char *v;
	size_t len = 0;

	(void)key;
	if (strcmp(name, "DNS_RCODE") == 0) {
		if ((v = header_value(r, "rcode", &len)) == NULL)
			return -1;
		*out = (struct cond_value){ COND_STRING, 0, v, len };
	} else if (strcmp(name, "BODY") == 0) {
		*out = (struct cond_value){ COND_STRING, 0, r->body.data ? r->body.data : "",
			                    r->body.len };
	} else if (strcmp(name, "RESPONSE_TIME") == 0) {
		*out = (struct cond_value){ COND_DURATION, (double)r->latency_ns / 1e6, NULL, 0 };
	} else if (strcmp(name, "IP") == 0) {
		return first_address(r, out);
	} else {
		return -1;
	}
	return 0;
}

/* Without conditions an answer must hold records of the type asked for. */
static void dns_judge(const struct monitor_conf *mon, struct probe_result *r)
{
	double n = 0;

	if (mon->ncond > 0 || (probe_result_get_value(r, "answers", &n) == 0 && n > 0))
		return;
	r->outcome = PROBE_UNEXPECTED_RESPONSE; /* the message already says NODATA */
}

const struct probe_type probe_dns = {
	.network = true,
	.name = "dns",
	.spec = &dns_spec,
	.placeholders = dns_placeholders,
	.start = dns_start,
	.cancel = dns_cancel,
	.get = dns_get,
	.judge = dns_judge,
};
