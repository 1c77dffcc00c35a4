/*
 * The icmp probe: COUNT echo requests SPACING apart over an unprivileged ICMP
 * datagram socket (net.ipv4.ping_group_range) or, failing that, a raw one
 * (CAP_NET_RAW); replies are awaited until all are in or the monitor's
 * timeout. Packet loss and round-trip times are the result.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <netinet/icmp6.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conf/monitors.h"
#include "probe/icmp_packet.h"
#include "probe/probe.h"
#include "probe/targets.h"
#include "util/time.h"
#include "util/xmalloc.h"

#define ICMP_COUNT_MAX      100
#define ICMP_READS_PER_WAKE 64   /* packets read per wake-up: a flood cannot starve the loop */
#define ICMP_RESTARTS_MAX   1000 /* poll restarts after socket errors before giving up */
#define ICMP_RAW_FILTER     1    /* linux/icmp.h ICMP_FILTER: bitmask of types to block */

struct icmp_conf {
	char *host;
	int64_t count;
	int64_t spacing;
	int ip_version; /* index into ip_names */
	int family;     /* derived: AF_UNSPEC, AF_INET or AF_INET6 */
};

static const char *const ip_names[] = { "any", "4", "6", "0", NULL };

enum seq_state { SEQ_UNSENT, SEQ_PENDING, SEQ_REPLIED, SEQ_ERROR, SEQ_LOST };

struct icmp_run;

/* A resolution in flight: detached (run NULL) when the run ends first, it frees itself. */
struct icmp_gai {
	uv_getaddrinfo_t req;
	struct icmp_run *t;
};

struct icmp_run {
	struct probe_run *run;
	const struct icmp_conf *conf;
	struct icmp_gai *gai;
	uv_timer_t send_timer, deadline;
	uv_poll_t poll;
	int fd, open_handles, restarts;
	bool raw, ended, poll_open;
	int family;
	struct sockaddr_storage dst;
	socklen_t dstlen;
	uint16_t id, seq0;
	uint8_t cookie[ICMP_COOKIE_LEN];
	int nsent, nreplied, nerrors, nfinal;
	char error[160]; /* the first ICMP or sending error, in words */
	char note[96];   /* why a request was dropped before leaving */
	uint8_t state[ICMP_COUNT_MAX];
	int64_t sent_ns[ICMP_COUNT_MAX];
	double rtt_ms[ICMP_COUNT_MAX];
	uint8_t pkt[2048];
};

static const char *const icmp_placeholders[] = {
	"PACKET_LOSS", "RTT", "RTT_MIN", "RTT_MAX", "RESPONSE_TIME", "CONNECTED", "IP", NULL,
};

/* ---- ending ------------------------------------------------------------ */

static void icmp_release(struct icmp_run *t)
{
	struct probe_run *run = t->run;

	if (t->fd >= 0)
		close(t->fd);
	free(t);
	run->priv = NULL;
	probe_run_finish(run);
}

static void on_closed(uv_handle_t *h)
{
	struct icmp_run *t = h->data;

	if (--t->open_handles == 0)
		icmp_release(t);
}

/* Ends the run once (the outcome must be set): closes every handle, then finishes. */
static void icmp_end(struct icmp_run *t)
{
	if (t->ended)
		return;
	t->ended = true;
	if (t->gai != NULL) {
		t->gai->t = NULL; /* its callback frees it */
		uv_cancel((uv_req_t *)&t->gai->req);
		t->gai = NULL;
	}
	uv_close((uv_handle_t *)&t->send_timer, on_closed);
	uv_close((uv_handle_t *)&t->deadline, on_closed);
	if (t->poll_open)
		uv_close((uv_handle_t *)&t->poll, on_closed);
}

static void rtt_stats(const struct icmp_run *t, double *min, double *avg, double *max)
{
	double sum = 0;
	int i;

	*min = *max = -1;
	for (i = 0; i < t->nsent; i++) {
		if (t->state[i] != SEQ_REPLIED)
			continue;
		sum += t->rtt_ms[i];
		if (*min < 0 || t->rtt_ms[i] < *min)
			*min = t->rtt_ms[i];
		if (t->rtt_ms[i] > *max)
			*max = t->rtt_ms[i];
	}
	*avg = t->nreplied ? sum / t->nreplied : -1;
}

/* Puts the figures of what was sent and received so far into the result. */
static void set_values(struct icmp_run *t)
{
	struct probe_result *r = &t->run->result;
	double min, avg, max;

	if (t->nsent == 0)
		return;
	probe_result_value(r, "packets_sent", t->nsent);
	probe_result_value(r, "packets_received", t->nreplied);
	probe_result_value(r, "packet_loss", 100.0 * (t->nsent - t->nreplied) / t->nsent);
	r->connected = t->nreplied > 0;
	if (t->nreplied == 0)
		return;
	rtt_stats(t, &min, &avg, &max);
	probe_result_value(r, "rtt_min_ms", min);
	probe_result_value(r, "rtt_avg_ms", avg);
	probe_result_value(r, "rtt_max_ms", max);
	r->latency_ns = (int64_t)(avg * 1e6);
	if (r->latency_ns <= 0)
		r->latency_ns = 1; /* 0 would mean "not set" to probe_run_finish */
}

/* The verdict once every request is answered or the time is up. */
static void icmp_conclude(struct icmp_run *t)
{
	struct probe_result *r = &t->run->result;
	char unsent[64] = "";
	double min, avg, max;

	set_values(t);
	if (t->nsent < t->conf->count)
		snprintf(unsent, sizeof(unsent), " (%d of %d sent within the timeout)", t->nsent,
		         (int)t->conf->count);
	if (t->nreplied > 0) {
		rtt_stats(t, &min, &avg, &max);
		if (t->nreplied == t->nsent)
			probe_result_set(
			        r, PROBE_OK,
			        "%d/%d replies from %s, rtt min/avg/max %.3f/%.3f/%.3f ms%s",
			        t->nreplied, t->nsent, r->ip, min, avg, max, unsent);
		else
			probe_result_set(r, PROBE_OK,
			                 "%d/%d replies from %s (%.0f%% loss%s%s), rtt "
			                 "min/avg/max %.3f/%.3f/%.3f ms%s",
			                 t->nreplied, t->nsent, r->ip,
			                 100.0 * (t->nsent - t->nreplied) / t->nsent,
			                 t->error[0] ? ": " : "", t->error, min, avg, max, unsent);
	} else if (t->nerrors > 0) {
		probe_result_set(r, PROBE_CONNECT_FAILED, "%s: %s, %d/%d lost%s", r->ip, t->error,
		                 t->nsent, t->nsent, unsent);
	} else {
		probe_result_set(r, PROBE_PACKET_LOSS, "no reply from %s: %d/%d lost%s%s%s%s",
		                 r->ip, t->nsent, t->nsent, t->note[0] ? " (" : "", t->note,
		                 t->note[0] ? ")" : "", unsent);
	}
	r->latency_ns = t->nreplied ? r->latency_ns : time_mono_ns() - t->run->start_ns;
	icmp_end(t);
}

static void check_complete(struct icmp_run *t)
{
	if (!t->ended && t->nsent == t->conf->count && t->nfinal == t->nsent)
		icmp_conclude(t);
}

/* ---- replies and errors ------------------------------------------------ */

static bool same_addr(const struct icmp_run *t, int family, const void *addr)
{
	if (family != t->family)
		return false;
	if (family == AF_INET6)
		return memcmp(addr, &((const struct sockaddr_in6 *)&t->dst)->sin6_addr,
		              sizeof(struct in6_addr)) == 0;
	return memcmp(addr, &((const struct sockaddr_in *)&t->dst)->sin_addr,
	              sizeof(struct in_addr)) == 0;
}

static bool from_dst(const struct icmp_run *t, const struct sockaddr_storage *from)
{
	if (from->ss_family == AF_INET6)
		return same_addr(t, AF_INET6, &((const struct sockaddr_in6 *)from)->sin6_addr);
	return same_addr(t, from->ss_family, &((const struct sockaddr_in *)from)->sin_addr);
}

/*
 * The index of the request with sequence number SEQ still waiting for an
 * answer, or -1. LOST: also one dropped on the way out, which an ICMP error
 * (a firewall's reject) may explain.
 */
static int pending_index(const struct icmp_run *t, uint16_t seq, bool lost)
{
	int i = (uint16_t)(seq - t->seq0);

	if (i >= t->nsent)
		return -1;
	return t->state[i] == SEQ_PENDING || (lost && t->state[i] == SEQ_LOST) ? i : -1;
}

static void mark_error(struct icmp_run *t, int i, const char *what, const struct sockaddr *from)
{
	char addr[INET6_ADDRSTRLEN] = "";

	t->state[i] = SEQ_ERROR;
	t->nerrors++;
	t->nfinal++;
	if (t->error[0])
		return;
	if (from != NULL && (from->sa_family == AF_INET || from->sa_family == AF_INET6))
		uv_ip_name(from, addr, sizeof(addr));
	snprintf(t->error, sizeof(t->error), "%s%s%s", what, addr[0] ? " from " : "", addr);
}

static void handle_packet(struct icmp_run *t, size_t n, const struct sockaddr_storage *from)
{
	struct icmp_parsed p;
	int i;

	if (icmp_parse(t->pkt, n, t->family, t->raw && t->family == AF_INET, t->cookie, &p) < 0)
		return;
	if (p.kind == ICMP_KIND_REPLY) {
		/* datagram sockets: the kernel chose the id and routes replies by it */
		if (!p.cookie_ok || !from_dst(t, from) || (t->raw && p.id != t->id))
			return;
		if ((i = pending_index(t, p.seq, false)) < 0)
			return; /* a duplicate, or from an earlier run */
		t->state[i] = SEQ_REPLIED;
		t->rtt_ms[i] = (double)(time_mono_ns() - t->sent_ns[i]) / 1e6;
		t->nreplied++;
		t->nfinal++;
	} else if (p.kind == ICMP_KIND_ERROR && t->raw && p.id == t->id &&
	           same_addr(t, p.dst_family, &p.dst) && (i = pending_index(t, p.seq, true)) >= 0) {
		mark_error(t, i, icmp_error_str(t->family, p.type, p.code),
		           (const struct sockaddr *)from);
	}
}

static void read_packets(struct icmp_run *t)
{
	struct sockaddr_storage from;
	socklen_t fromlen;
	ssize_t n;
	int k;

	for (k = 0; k < ICMP_READS_PER_WAKE && !t->ended; k++) {
		fromlen = sizeof(from);
		memset(&from, 0, sizeof(from));
		n = recvfrom(t->fd, t->pkt, sizeof(t->pkt), MSG_DONTWAIT | MSG_TRUNC,
		             (struct sockaddr *)&from, &fromlen);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0 || (size_t)n > sizeof(t->pkt))
			continue; /* a pending socket error (its details come from the error
			             queue), or a packet too big to be a reply of ours */
		handle_packet(t, (size_t)n, &from);
	}
}

/* Datagram sockets: ICMP errors about our requests come through the error queue. */
static void handle_queued_error(struct icmp_run *t, size_t n, struct msghdr *msg)
{
	struct sock_extended_err *ee = NULL;
	struct cmsghdr *c;
	uint16_t seq;
	int i;

	for (c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c))
		if ((c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) ||
		    (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR))
			ee = (struct sock_extended_err *)CMSG_DATA(c);
	if (ee == NULL || icmp_request_seq(t->pkt, n, t->family, &seq) < 0 ||
	    (i = pending_index(t, seq, true)) < 0)
		return;
	if (ee->ee_origin == SO_EE_ORIGIN_ICMP || ee->ee_origin == SO_EE_ORIGIN_ICMP6)
		mark_error(t, i, icmp_error_str(t->family, ee->ee_type, ee->ee_code),
		           SO_EE_OFFENDER(ee));
	else
		mark_error(t, i, strerror((int)ee->ee_errno), NULL);
}

static void read_errors(struct icmp_run *t)
{
	union {
		char buf[512];
		struct cmsghdr align;
	} ctrl;
	struct sockaddr_storage to;
	struct iovec iov;
	struct msghdr msg;
	ssize_t n;
	int k, err;
	socklen_t len = sizeof(err);

	for (k = 0; k < ICMP_READS_PER_WAKE; k++) {
		iov = (struct iovec){ t->pkt, sizeof(t->pkt) };
		msg = (struct msghdr){ .msg_name = &to,
			               .msg_namelen = sizeof(to),
			               .msg_iov = &iov,
			               .msg_iovlen = 1,
			               .msg_control = ctrl.buf,
			               .msg_controllen = sizeof(ctrl.buf) };
		n = recvmsg(t->fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
		if (n < 0)
			break;
		handle_queued_error(t, (size_t)n, &msg);
	}
	(void)getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &len); /* clears a pending error */
}

static void on_poll(uv_poll_t *p, int status, int events)
{
	struct icmp_run *t = p->data;
	int r;

	(void)events;
	if (t->ended)
		return;
	if (!t->raw)
		read_errors(t);
	if (status < 0) {
		/* POLLERR alone: libuv stopped watching; the error is read, watch again */
		r = ++t->restarts > ICMP_RESTARTS_MAX
		            ? status
		            : uv_poll_start(p, UV_READABLE | UV_PRIORITIZED, on_poll);
		if (r < 0) {
			probe_result_set(&t->run->result, PROBE_INTERNAL_ERROR,
			                 "watching the ICMP socket: %s", uv_strerror(r));
			set_values(t);
			icmp_end(t);
			return;
		}
	}
	read_packets(t);
	check_complete(t);
}

/* ---- sending ------------------------------------------------------------ */

static void send_one(struct icmp_run *t, int i)
{
	uint8_t pkt[ICMP_ECHO_LEN];
	size_t n = icmp_echo_build(pkt, t->family, t->id, (uint16_t)(t->seq0 + i), t->cookie);
	int e;

	t->state[i] = SEQ_PENDING;
	t->sent_ns[i] = time_mono_ns();
	if (sendto(t->fd, pkt, n, 0, (struct sockaddr *)&t->dst, t->dstlen) == (ssize_t)n)
		return;
	e = errno;
	if (e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS || e == EPERM) {
		/*
		 * Dropped on the way out (a full queue, a local firewall rule): lost,
		 * unless an ICMP error (a reject rule's) explains it before the deadline.
		 */
		t->state[i] = SEQ_LOST;
		if (!t->note[0])
			snprintf(t->note, sizeof(t->note), "sending: %s", strerror(e));
		return;
	}
	snprintf(t->note, sizeof(t->note), "sending: %s", strerror(e));
	mark_error(t, i, t->note, NULL);
}

static void on_send(uv_timer_t *h)
{
	struct icmp_run *t = h->data;

	if (t->ended)
		return;
	send_one(t, t->nsent++);
	if (t->nsent == t->conf->count)
		uv_timer_stop(&t->send_timer);
	check_complete(t);
}

static void on_deadline(uv_timer_t *h)
{
	struct icmp_run *t = h->data;

	if (t->ended)
		return;
	if (t->nsent == 0) {
		probe_result_set(&t->run->result, PROBE_TIMEOUT, "%s %s within %lld ms",
		                 t->gai ? "cannot resolve" : "nothing sent to", t->conf->host,
		                 (long long)t->run->mon->timeout);
		icmp_end(t);
		return;
	}
	icmp_conclude(t);
}

/* ---- the socket ------------------------------------------------------- */

static void random_bytes(void *buf, size_t n, uint64_t salt)
{
	uint64_t x = (uint64_t)time_mono_ns() ^ salt;
	uint8_t *p = buf;
	size_t i;

	if (getrandom(buf, n, GRND_NONBLOCK) == (ssize_t)n)
		return;
	for (i = 0; i < n; i++) { /* no entropy yet: a cookie still tells runs apart */
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		p[i] = (uint8_t)(x >> 56);
	}
}

static void set_options(struct icmp_run *t)
{
	int one = 1;

	if (!t->raw) {
		if (t->family == AF_INET6)
			(void)setsockopt(t->fd, SOL_IPV6, IPV6_RECVERR, &one, sizeof(one));
		else
			(void)setsockopt(t->fd, SOL_IP, IP_RECVERR, &one, sizeof(one));
		/* errors then also raise POLLPRI, which libuv reports without stopping */
		(void)setsockopt(t->fd, SOL_SOCKET, SO_SELECT_ERR_QUEUE, &one, sizeof(one));
	} else if (t->family == AF_INET6) {
		struct icmp6_filter f;

		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP_V6_ECHO_REPLY, &f);
		ICMP6_FILTER_SETPASS(ICMP_V6_DEST_UNREACH, &f);
		ICMP6_FILTER_SETPASS(ICMP_V6_PACKET_TOO_BIG, &f);
		ICMP6_FILTER_SETPASS(ICMP_V6_TIME_EXCEEDED, &f);
		ICMP6_FILTER_SETPASS(ICMP_V6_PARAM_PROBLEM, &f);
		(void)setsockopt(t->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
	} else {
		uint32_t block = ~((1u << ICMP_V4_ECHO_REPLY) | (1u << ICMP_V4_DEST_UNREACH) |
		                   (1u << ICMP_V4_TIME_EXCEEDED) | (1u << ICMP_V4_PARAM_PROBLEM));

		(void)setsockopt(t->fd, SOL_RAW, ICMP_RAW_FILTER, &block, sizeof(block));
	}
}

/* Opens a datagram ICMP socket, else a raw one; -1 with the reason in the result. */
static int open_socket(struct icmp_run *t)
{
	struct probe_result *r = &t->run->result;
	int proto = t->family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, dgram_err;
	int flags = SOCK_NONBLOCK | SOCK_CLOEXEC;

	t->fd = socket(t->family, SOCK_DGRAM | flags, proto);
	if (t->fd >= 0)
		return 0;
	dgram_err = errno;
	t->fd = socket(t->family, SOCK_RAW | flags, proto);
	if (t->fd >= 0) {
		t->raw = true;
		return 0;
	}
	if ((errno == EPERM || errno == EACCES) && (dgram_err == EACCES || dgram_err == EPERM))
		probe_result_set(r, PROBE_NOT_PERMITTED,
		                 "no ICMP socket: gid %u is outside net.ipv4.ping_group_range and "
		                 "raw sockets need CAP_NET_RAW; allow it with sysctl "
		                 "net.ipv4.ping_group_range=\"0 2147483647\" or "
		                 "AmbientCapabilities=CAP_NET_RAW",
		                 (unsigned)getegid());
	else if (errno == EAFNOSUPPORT)
		probe_result_set(r, PROBE_CONNECT_FAILED, "%s: this host has no %s", r->ip,
		                 t->family == AF_INET6 ? "IPv6" : "IPv4");
	else
		probe_result_set(r, PROBE_INTERNAL_ERROR, "cannot open an ICMP socket: %s",
		                 strerror(errno));
	return -1;
}

/* Starts pinging SA: the guard, the socket, the poll handle and the send timer. */
static void icmp_begin(struct icmp_run *t, const struct sockaddr *sa)
{
	struct probe_result *r = &t->run->result;
	char why[256];
	int e;

	if (!targets_allow(t->run->mon->targets, t->conf->host, sa, why, sizeof(why))) {
		probe_result_set(r, PROBE_TARGET_FORBIDDEN, "%s", why);
		icmp_end(t);
		return;
	}
	t->family = sa->sa_family;
	t->dstlen = sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
	                                      : sizeof(struct sockaddr_in);
	memcpy(&t->dst, sa, t->dstlen);
	((struct sockaddr_in *)&t->dst)->sin_port = 0; /* the same offset in sockaddr_in6 */
	uv_ip_name(sa, r->ip, sizeof(r->ip));
	if (open_socket(t) < 0) {
		icmp_end(t);
		return;
	}
	set_options(t);
	e = uv_poll_init_socket(t->run->env->loop, &t->poll, t->fd);
	if (e == 0) {
		t->poll.data = t;
		t->poll_open = true;
		t->open_handles++;
		e = uv_poll_start(&t->poll, UV_READABLE | UV_PRIORITIZED, on_poll);
	}
	if (e < 0) {
		probe_result_set(r, PROBE_INTERNAL_ERROR, "watching the ICMP socket: %s",
		                 uv_strerror(e));
		icmp_end(t);
		return;
	}
	random_bytes(t->cookie, sizeof(t->cookie), (uintptr_t)t);
	random_bytes(&t->id, sizeof(t->id), (uintptr_t)t + 1);
	random_bytes(&t->seq0, sizeof(t->seq0), (uintptr_t)t + 2);
	uv_timer_start(&t->send_timer, on_send, 0, (uint64_t)t->conf->spacing);
}

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
	struct icmp_gai *g = req->data;
	struct icmp_run *t = g->t;

	free(g);
	if (t == NULL) { /* the run ended meanwhile */
		uv_freeaddrinfo(res);
		return;
	}
	t->gai = NULL;
	t->run->result.t_resolve = time_mono_ns() - t->run->start_ns;
	if (status < 0 || res == NULL) {
		probe_result_set(&t->run->result, PROBE_DNS_FAILED, "cannot resolve %s: %s",
		                 t->conf->host, uv_strerror(status));
		icmp_end(t);
	} else {
		icmp_begin(t, res->ai_addr);
	}
	uv_freeaddrinfo(res);
}

/* Parses a numeric address of the configured family into SS; returns 0 or -1. */
static int numeric_addr(const struct icmp_conf *c, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (c->family != AF_INET6 && uv_ip4_addr(c->host, 0, (struct sockaddr_in *)ss) == 0)
		return 0;
	if (c->family != AF_INET && uv_ip6_addr(c->host, 0, (struct sockaddr_in6 *)ss) == 0)
		return 0;
	return -1;
}

static int icmp_start(struct probe_run *run)
{
	struct icmp_run *t = xcalloc(1, sizeof(*t));
	const struct icmp_conf *c = run->mon->probe_conf;
	struct addrinfo hints = { .ai_family = c->family, .ai_socktype = SOCK_DGRAM };
	struct sockaddr_storage ss;
	int e;

	t->run = run;
	t->conf = c;
	t->fd = -1;
	run->priv = t;
	uv_timer_init(run->env->loop, &t->send_timer);
	uv_timer_init(run->env->loop, &t->deadline);
	t->send_timer.data = t->deadline.data = t;
	t->open_handles = 2;
	uv_timer_start(&t->deadline, on_deadline, (uint64_t)run->mon->timeout, 0);
	if (numeric_addr(c, &ss) == 0) {
		icmp_begin(t, (struct sockaddr *)&ss); /* ends asynchronously: handles are open */
		return 0;
	}
	t->gai = xcalloc(1, sizeof(*t->gai));
	t->gai->t = t;
	t->gai->req.data = t->gai;
	e = uv_getaddrinfo(run->env->loop, &t->gai->req, on_resolved, c->host, NULL, &hints);
	if (e < 0) {
		free(t->gai);
		t->gai = NULL;
		probe_result_set(&run->result, PROBE_INTERNAL_ERROR, "cannot resolve: %s",
		                 uv_strerror(e));
		icmp_end(t);
	}
	return 0;
}

static void icmp_cancel(struct probe_run *run)
{
	struct icmp_run *t = run->priv;

	if (t == NULL || t->ended)
		return;
	set_values(t);
	icmp_end(t);
}

/* ---- results and keys -------------------------------------------------- */

static int value_of(const struct probe_result *r, const char *name, enum cond_type type,
                    struct cond_value *out)
{
	double v;

	if (probe_result_get_value(r, name, &v) < 0)
		return -1;
	*out = (struct cond_value){ type, v, NULL, 0 };
	return 0;
}

static int icmp_get(const struct probe_result *r, const char *name, const char *key,
                    struct cond_value *out)
{
	(void)key;
	if (strcmp(name, "PACKET_LOSS") == 0)
		return value_of(r, "packet_loss", COND_NUMBER, out);
	if (strcmp(name, "RTT") == 0 || strcmp(name, "RESPONSE_TIME") == 0)
		return value_of(r, "rtt_avg_ms", COND_DURATION, out);
	if (strcmp(name, "RTT_MIN") == 0)
		return value_of(r, "rtt_min_ms", COND_DURATION, out);
	if (strcmp(name, "RTT_MAX") == 0)
		return value_of(r, "rtt_max_ms", COND_DURATION, out);
	if (strcmp(name, "CONNECTED") == 0)
		*out = (struct cond_value){ COND_BOOL, r->connected, NULL, 0 };
	else if (strcmp(name, "IP") == 0)
		*out = (struct cond_value){ COND_STRING, 0, r->ip, strlen(r->ip) };
	else
		return -1;
	return 0;
}

static void icmp_init(void *obj)
{
	struct icmp_conf *c = obj;

	memset(c, 0, sizeof(*c));
	c->count = 3;
	c->spacing = 200;
}

static void icmp_finish(struct conf_ctx *ctx, yaml_node_t *node, void *obj)
{
	struct icmp_conf *c = obj;
	unsigned char a[sizeof(struct in6_addr)];

	if (c->ip_version == 3)
		c->ip_version = 0; /* "0" is another name for any */
	c->family = c->ip_version == 1 ? AF_INET : c->ip_version == 2 ? AF_INET6 : AF_UNSPEC;
	if (c->host == NULL)
		return; /* reported as a missing required key */
	if (*c->host == '\0')
		conf_error_key(ctx, node, "host", "is empty");
	else if (c->family == AF_INET6 && inet_pton(AF_INET, c->host, a) == 1)
		conf_error_key(ctx, node, "host", "%s is an IPv4 address but ip_version is 6",
		               c->host);
	else if (c->family == AF_INET && inet_pton(AF_INET6, c->host, a) == 1)
		conf_error_key(ctx, node, "host", "%s is an IPv6 address but ip_version is 4",
		               c->host);
}

static const struct conf_key icmp_keys[] = {
	{ .name = "host",
	  .type = CONF_STRING,
	  .offset = offsetof(struct icmp_conf, host),
	  .flags = CONF_REQUIRED,
	  .help = "host name or address to ping" },
	{ .name = "count",
	  .type = CONF_INT,
	  .offset = offsetof(struct icmp_conf, count),
	  .min = 1,
	  .max = ICMP_COUNT_MAX,
	  .help = "echo requests sent per check" },
	{ .name = "spacing",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct icmp_conf, spacing),
	  .min = 10,
	  .max = 60000,
	  .help = "time between two echo requests of one check (interval is between checks)" },
	{ .name = "ip_version",
	  .type = CONF_ENUM,
	  .offset = offsetof(struct icmp_conf, ip_version),
	  .names = ip_names,
	  .help = "ping over IPv4 (4), IPv6 (6) or whichever the name resolves to first (any, 0)" },
	{ 0 },
};

static const struct conf_spec icmp_spec = {
	.name = "icmp",
	.size = sizeof(struct icmp_conf),
	.keys = icmp_keys,
	.init = icmp_init,
	.finish = icmp_finish,
};

const struct probe_type probe_icmp = {
	.network = true,
	.name = "icmp",
	.spec = &icmp_spec,
	.placeholders = icmp_placeholders,
	.self_timed = true, /* its deadline at `timeout` gives the verdict; the watchdog follows */
	.start = icmp_start,
	.cancel = icmp_cancel,
	.get = icmp_get,
};
