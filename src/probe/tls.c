/*
 * The tls probe: a TLS handshake with host:port, driven by the loop through
 * memory BIOs over a uv_tcp, reporting chain validity, host name match, the
 * earliest expiry of the presented chain, protocol and cipher.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf/monitors.h"
#include "probe/probe.h"
#include "probe/targets.h"
#include "util/time.h"
#include "util/xmalloc.h"

#define TLS_READ_MAX  (256 * 1024) /* handshake bytes accepted from the server */
#define TLS_READ_SIZE (16 * 1024)

struct tls_conf {
	char *host;
	int64_t port;
	char *servername;
	bool tls_verify;
	char *ca_file;
	/* derived */
	SSL_CTX *ctx;            /* trust store and verify callback, shared by runs */
	const char *verify_name; /* servername, else host */
	bool sni;                /* verify_name is a DNS name, sent as SNI */
};

/* What the chain verification found (several may hold). */
enum {
	TLS_PB_EXPIRED = 1,
	TLS_PB_NOT_YET = 2,
	TLS_PB_UNTRUSTED = 4,
	TLS_PB_HOSTNAME = 8,
};

struct tls_run;

/* A resolution in flight: detached (t NULL) when the run ends first, it frees itself. */
struct tls_gai {
	uv_getaddrinfo_t req;
	struct tls_run *t;
};

struct tls_write {
	uv_write_t req;
	struct tls_run *t;
	char data[]; /* what was sent */
};

struct tls_run {
	struct probe_run *run;
	const struct tls_conf *conf;
	struct tls_gai *gai;
	uv_tcp_t tcp;
	uv_connect_t connect;
	SSL *ssl;
	BIO *rbio, *wbio; /* owned by ssl */
	bool tcp_open, ended;
	size_t nread;
	int64_t hs_start;
	unsigned problems;
	char untrusted[96]; /* the first reason the chain is not trusted */
	char readbuf[TLS_READ_SIZE];
};

static const char *const tls_placeholders[] = {
	"CERTIFICATE_EXPIRATION", "CONNECTED", "RESPONSE_TIME", "IP", "TLS_VERSION", "BODY", NULL,
};

/* ---- ending ------------------------------------------------------------ */

static void tls_release(struct tls_run *t)
{
	struct probe_run *run = t->run;

	SSL_free(t->ssl);
	ERR_clear_error(); /* the thread's queue is shared with libcurl */
	free(t);
	run->priv = NULL;
	probe_run_finish(run);
}

static void tls_closed(uv_handle_t *h)
{
	tls_release(h->data);
}

/* Ends the run once: the outcome must already be set. */
static void tls_end(struct tls_run *t)
{
	if (t->ended)
		return;
	t->ended = true;
	t->run->result.latency_ns = time_mono_ns() - t->run->start_ns;
	if (t->gai != NULL) {
		t->gai->t = NULL; /* its callback frees it */
		uv_cancel((uv_req_t *)&t->gai->req);
		t->gai = NULL;
	}
	if (t->tcp_open) {
		uv_close((uv_handle_t *)&t->tcp, tls_closed); /* pending writes are cancelled */
		return;
	}
	tls_release(t);
}

static void fail_uv(struct tls_run *t, int err, const char *doing)
{
	probe_result_set(&t->run->result, probe_outcome_of_uv(err), "%s: %s", doing,
	                 uv_strerror(err));
	tls_end(t);
}

/* A handshake that failed in OpenSSL: the library's reason, or the alert the server sent. */
static void fail_ssl(struct tls_run *t, int ssl_err)
{
	unsigned long e = ERR_get_error();
	const char *why = e ? ERR_reason_error_string(e) : NULL;

	if (why == NULL)
		why = ssl_err == SSL_ERROR_ZERO_RETURN ? "the server closed the session"
		                                       : "no reason given by OpenSSL";
	probe_result_set(&t->run->result, PROBE_TLS_ERROR, "handshake failed: %s", why);
	tls_end(t);
}

/* ---- verification ------------------------------------------------------- */

static void note_problem(struct tls_run *t, int err, int depth)
{
	switch (err) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		t->problems |= TLS_PB_EXPIRED;
		break;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		t->problems |= TLS_PB_NOT_YET;
		break;
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		t->problems |= TLS_PB_HOSTNAME;
		break;
	default:
		t->problems |= TLS_PB_UNTRUSTED;
		if (!t->untrusted[0])
			snprintf(t->untrusted, sizeof(t->untrusted), "%s%s",
			         X509_verify_cert_error_string(err),
			         depth > 0 ? " (in the chain)" : "");
		break;
	}
}

/*
 * Records every problem of the chain and lets the handshake go on, so a bad
 * certificate is still described (expiry, names); the verdict comes later.
 */
static int verify_cb(int ok, X509_STORE_CTX *x)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(x, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct tls_run *t = ssl ? SSL_get_app_data(ssl) : NULL;

	if (!ok && t != NULL)
		note_problem(t, X509_STORE_CTX_get_error(x), X509_STORE_CTX_get_error_depth(x));
	return 1;
}

static int64_t asn1_unix(const ASN1_TIME *a)
{
	struct tm tm;

	if (a == NULL || ASN1_TIME_to_tm(a, &tm) != 1)
		return 0;
	return (int64_t)timegm(&tm);
}

static void format_day(int64_t t, char *out, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(out, size, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(out, size, "%lld", (long long)t);
}

/* The earliest notAfter of the certificates the server presented (Unix seconds; 0: none). */
static int64_t earliest_expiry(SSL *ssl)
{
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
	int64_t best = 0, e;
	int i;

	for (i = 0; chain != NULL && i < sk_X509_num(chain); i++) {
		e = asn1_unix(X509_get0_notAfter(sk_X509_value(chain, i)));
		if (e > 0 && (best == 0 || e < best))
			best = e;
	}
	return best;
}

/* ---- what the server presented ----------------------------------------- */

static void print_sans(BIO *b, X509 *x)
{
	GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	char ip[INET6_ADDRSTRLEN];
	int i, n = names ? sk_GENERAL_NAME_num(names) : 0;

	BIO_puts(b, "san:");
	for (i = 0; i < n && i < 100; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
		const ASN1_OCTET_STRING *a = g->d.iPAddress;

		if (g->type == GEN_DNS)
			BIO_printf(b, " DNS:%.*s", ASN1_STRING_length(g->d.dNSName),
			           (const char *)ASN1_STRING_get0_data(g->d.dNSName));
		else if (g->type == GEN_IPADD && (a->length == 4 || a->length == 16) &&
		         inet_ntop(a->length == 16 ? AF_INET6 : AF_INET, a->data, ip, sizeof(ip)) !=
		                 NULL)
			BIO_printf(b, " IP:%s", ip);
	}
	BIO_puts(b, "\n");
	GENERAL_NAMES_free(names);
}

static void print_cert(BIO *b, const char *label, X509 *x)
{
	char day[32];

	BIO_printf(b, "%s: ", label);
	X509_NAME_print_ex(b, X509_get_subject_name(x), 0, XN_FLAG_RFC2253);
	BIO_puts(b, "\nissuer: ");
	X509_NAME_print_ex(b, X509_get_issuer_name(x), 0, XN_FLAG_RFC2253);
	format_day(asn1_unix(X509_get0_notBefore(x)), day, sizeof(day));
	BIO_printf(b, "\nnot_before: %s\n", day);
	format_day(asn1_unix(X509_get0_notAfter(x)), day, sizeof(day));
	BIO_printf(b, "not_after: %s\n", day);
}

/* [BODY]: subject, issuer, dates and names of the leaf, then the rest of the chain. */
static void describe_chain(struct tls_run *t, X509 *leaf)
{
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(t->ssl);
	struct probe_result *r = &t->run->result;
	BIO *b = BIO_new(BIO_s_mem());
	char *data;
	long len;
	int i;

	if (b == NULL)
		return;
	BIO_printf(b, "protocol: %s\ncipher: %s\n", SSL_get_version(t->ssl),
	           SSL_get_cipher_name(t->ssl));
	print_cert(b, "subject", leaf);
	print_sans(b, leaf);
	for (i = 1; chain != NULL && i < sk_X509_num(chain) && i < 10; i++)
		print_cert(b, "chain", sk_X509_value(chain, i));
	len = BIO_get_mem_data(b, &data);
	buf_reset(&r->body);
	if (len > 0)
		buf_append_some(&r->body, data, (size_t)len);
	BIO_free(b);
}

/* The problems found, in words ("" when none). */
static void problem_text(const struct tls_run *t, int64_t expiry, char *out, size_t size)
{
	char day[32];
	size_t used = 0;

	out[0] = '\0';
	format_day(expiry, day, sizeof(day));
	if (t->problems & TLS_PB_EXPIRED)
		used += (size_t)snprintf(out + used, size - used, "%scertificate expired on %s",
		                         used ? "; " : "", day);
	if ((t->problems & TLS_PB_NOT_YET) && used < size)
		used += (size_t)snprintf(out + used, size - used,
		                         "%sa certificate is not valid yet", used ? "; " : "");
	if ((t->problems & TLS_PB_UNTRUSTED) && used < size)
		used += (size_t)snprintf(out + used, size - used, "%snot trusted: %s",
		                         used ? "; " : "", t->untrusted);
	if ((t->problems & TLS_PB_HOSTNAME) && used < size)
		snprintf(out + used, size - used, "%sthe certificate does not name %s",
		         used ? "; " : "", t->conf->verify_name);
}

static enum probe_outcome verdict(const struct tls_run *t)
{
	if (!t->conf->tls_verify || t->problems == 0)
		return PROBE_OK;
	if (t->problems & TLS_PB_EXPIRED)
		return PROBE_TLS_EXPIRED;
	if (t->problems & TLS_PB_UNTRUSTED)
		return PROBE_TLS_UNTRUSTED;
	if (t->problems & TLS_PB_HOSTNAME)
		return PROBE_TLS_HOSTNAME;
	return PROBE_TLS_ERROR;
}

static void set_values(struct tls_run *t, int64_t expiry)
{
	struct probe_result *r = &t->run->result;
	int v = SSL_version(t->ssl);

	if (v >= TLS1_VERSION && v <= TLS1_3_VERSION)
		probe_result_value(r, "tls_version", 1.0 + ((v & 0xff) - 1) / 10.0);
	if (expiry > 0)
		probe_result_value(r, "days_to_expiry",
		                   (double)(expiry - time_wall_ms() / 1000) / 86400);
	probe_result_value(r, "chain_valid", !(t->problems & ~TLS_PB_HOSTNAME));
	probe_result_value(r, "hostname_match", !(t->problems & TLS_PB_HOSTNAME));
	probe_result_value(r, "handshake_ms", (double)r->t_tls / 1e6);
}

static void handshake_done(struct tls_run *t)
{
	struct probe_result *r = &t->run->result;
	X509 *leaf = SSL_get0_peer_certificate(t->ssl);
	long vr = SSL_get_verify_result(t->ssl);
	char problems[200], day[32];
	int64_t expiry;
	double days;
	enum probe_outcome o;

	r->t_tls = time_mono_ns() - t->hs_start;
	if (leaf == NULL) {
		probe_result_set(r, PROBE_TLS_ERROR, "%s: the server sent no certificate",
		                 SSL_get_version(t->ssl));
		return;
	}
	if (vr != X509_V_OK && t->problems == 0) /* a failure the callback did not see */
		note_problem(t, (int)vr, 0);
	expiry = earliest_expiry(t->ssl);
	r->cert_expiry = expiry;
	days = (double)(expiry - time_wall_ms() / 1000) / 86400;
	set_values(t, expiry);
	describe_chain(t, leaf);
	problem_text(t, expiry, problems, sizeof(problems));
	format_day(expiry, day, sizeof(day));
	o = verdict(t);
	if (o != PROBE_OK)
		probe_result_set(r, o, "%s (%s %s)", problems, SSL_get_version(t->ssl),
		                 SSL_get_cipher_name(t->ssl));
	else
		probe_result_set(r, o, "%s %s, certificate %s %.0f days%s (%s%s)%s%s",
		                 SSL_get_version(t->ssl), SSL_get_cipher_name(t->ssl),
		                 days >= 0 ? "valid for" : "expired", days < 0 ? -days : days,
		                 days >= 0 ? "" : " ago", days >= 0 ? "until " : "", day,
		                 problems[0] ? "; not verified: " : "", problems);
}

/* ---- the handshake ------------------------------------------------------ */

static void on_write(uv_write_t *w, int status)
{
	struct tls_write *tw = (struct tls_write *)w;
	struct tls_run *t = tw->t;

	free(tw);
	if (status < 0 && !t->ended)
		fail_uv(t, status, "sending");
}

/*
 * Sends what OpenSSL wrote into the write BIO. Returns 0, or -1 after ending
 * the run when FATAL (else a failure to send is ignored: the verdict is in).
 */
static int flush(struct tls_run *t, bool fatal)
{
	size_t pending;
	uv_buf_t b;
	int e;

	while ((pending = BIO_ctrl_pending(t->wbio)) > 0) {
		struct tls_write *tw = xmalloc(sizeof(*tw) + pending);

		tw->t = t;
		b = uv_buf_init(tw->data, (unsigned)BIO_read(t->wbio, tw->data, (int)pending));
		e = uv_write(&tw->req, (uv_stream_t *)&t->tcp, &b, 1, on_write);
		if (e < 0) {
			free(tw);
			if (!fatal)
				return 0;
			fail_uv(t, e, "sending");
			return -1;
		}
	}
	return 0;
}

static void drive(struct tls_run *t)
{
	int r = SSL_do_handshake(t->ssl), e;

	if (flush(t, true) < 0)
		return;
	if (r == 1) {
		handshake_done(t);
		SSL_shutdown(t->ssl); /* close_notify, sent before the close if it fits */
		(void)flush(t, false);
		tls_end(t);
		return;
	}
	e = SSL_get_error(t->ssl, r);
	if (e == SSL_ERROR_WANT_READ) {
		ERR_clear_error();
		return;
	}
	fail_ssl(t, e);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
	struct tls_run *t = h->data;

	(void)suggested;
	*b = uv_buf_init(t->readbuf, sizeof(t->readbuf));
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct tls_run *t = s->data;

	if (t->ended || n == 0)
		return;
	if (n == UV_EOF) {
		probe_result_set(&t->run->result, PROBE_TLS_ERROR,
		                 "handshake failed: the server closed the connection");
		tls_end(t);
		return;
	}
	if (n < 0) {
		fail_uv(t, (int)n, "reading");
		return;
	}
	t->nread += (size_t)n;
	if (t->nread > TLS_READ_MAX) {
		probe_result_set(&t->run->result, PROBE_PROTOCOL_ERROR,
		                 "more than %d KiB without finishing the handshake",
		                 TLS_READ_MAX / 1024);
		tls_end(t);
		return;
	}
	if (BIO_write(t->rbio, b->base, (int)n) != (int)n) {
		probe_result_set(&t->run->result, PROBE_INTERNAL_ERROR, "out of memory");
		tls_end(t);
		return;
	}
	drive(t);
}

/* Sets up the client session over memory BIOs; returns 0 or -1 with the result set. */
static int session_new(struct tls_run *t)
{
	const struct tls_conf *c = t->conf;

	t->ssl = SSL_new(c->ctx);
	t->rbio = BIO_new(BIO_s_mem());
	t->wbio = BIO_new(BIO_s_mem());
	if (t->ssl == NULL || t->rbio == NULL || t->wbio == NULL) {
		BIO_free(t->rbio);
		BIO_free(t->wbio);
		probe_result_set(&t->run->result, PROBE_INTERNAL_ERROR, "cannot create a session");
		return -1;
	}
	SSL_set_bio(t->ssl, t->rbio, t->wbio);
	SSL_set_app_data(t->ssl, t);
	SSL_set_connect_state(t->ssl);
	if ((c->sni && SSL_set_tlsext_host_name(t->ssl, c->verify_name) != 1) ||
	    SSL_set1_host(t->ssl, c->verify_name) != 1) {
		probe_result_set(&t->run->result, PROBE_INTERNAL_ERROR, "cannot use the name %s",
		                 c->verify_name);
		return -1;
	}
	return 0;
}

static void on_connect(uv_connect_t *c, int status)
{
	struct tls_run *t = c->data;
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
	t->hs_start = time_mono_ns();
	if (session_new(t) < 0) {
		ERR_clear_error();
		tls_end(t);
		return;
	}
	e = uv_read_start((uv_stream_t *)&t->tcp, on_alloc, on_read);
	if (e < 0) {
		fail_uv(t, e, "reading");
		return;
	}
	drive(t);
}

static void connect_to(struct tls_run *t, const struct sockaddr *addr)
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
	struct tls_gai *g = req->data;
	struct tls_run *t = g->t;
	char why[256];

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
		tls_end(t);
	} else if (!targets_allow(t->run->mon->targets, t->conf->host, res->ai_addr, why,
	                          sizeof(why))) {
		probe_result_set(&t->run->result, PROBE_TARGET_FORBIDDEN, "%s", why);
		tls_end(t);
	} else {
		connect_to(t, res->ai_addr);
	}
	uv_freeaddrinfo(res);
}

static int start_failed(struct probe_run *run, struct tls_run *t)
{
	free(t);
	run->priv = NULL;
	return -1;
}

static int tls_start(struct probe_run *run)
{
	struct tls_run *t = xcalloc(1, sizeof(*t));
	const struct tls_conf *c = run->mon->probe_conf;
	struct sockaddr_storage ss;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	char port[8], why[256];
	int e;

	t->run = run;
	t->conf = c;
	run->priv = t;
	snprintf(port, sizeof(port), "%d", (int)c->port);
	if (uv_ip4_addr(c->host, (int)c->port, (struct sockaddr_in *)&ss) == 0 ||
	    uv_ip6_addr(c->host, (int)c->port, (struct sockaddr_in6 *)&ss) == 0) {
		if (!targets_allow(run->mon->targets, NULL, (struct sockaddr *)&ss, why,
		                   sizeof(why))) {
			probe_result_set(&run->result, PROBE_TARGET_FORBIDDEN, "%s", why);
			return start_failed(run, t);
		}
		connect_to(t, (struct sockaddr *)&ss);
		return 0;
	}
	t->gai = xcalloc(1, sizeof(*t->gai));
	t->gai->t = t;
	t->gai->req.data = t->gai;
	e = uv_getaddrinfo(run->env->loop, &t->gai->req, on_resolved, c->host, port, &hints);
	if (e < 0) {
		free(t->gai);
		probe_result_set(&run->result, PROBE_INTERNAL_ERROR, "cannot resolve: %s",
		                 uv_strerror(e));
		return start_failed(run, t);
	}
	return 0;
}

static void tls_cancel(struct probe_run *run)
{
	struct tls_run *t = run->priv;
	struct probe_result *r = &run->result;
	long long ms = (long long)run->mon->timeout;

	if (t == NULL || t->ended)
		return;
	if (r->outcome == PROBE_TIMEOUT && t->gai != NULL)
		probe_result_set(r, PROBE_TIMEOUT, "cannot resolve %s within %lld ms",
		                 t->conf->host, ms);
	else if (r->outcome == PROBE_TIMEOUT && !r->connected)
		probe_result_set(r, PROBE_TIMEOUT, "no connection within %lld ms", ms);
	else if (r->outcome == PROBE_TIMEOUT)
		probe_result_set(r, PROBE_TIMEOUT,
		                 "connected, but the TLS handshake did not finish within %lld ms",
		                 ms);
	tls_end(t);
}

/* ---- results and keys -------------------------------------------------- */

static const char *version_name(const struct probe_result *r)
{
	double v;

	if (probe_result_get_value(r, "tls_version", &v) < 0)
		return NULL;
	if (v > 1.25)
		return "TLSv1.3";
	if (v > 1.15)
		return "TLSv1.2";
	return v > 1.05 ? "TLSv1.1" : "TLSv1";
}

static int tls_get(const struct probe_result *r, const char *name, const char *key,
                   struct cond_value *out)
{
	const char *s;

	(void)key;
	if (strcmp(name, "CERTIFICATE_EXPIRATION") == 0) {
		if (r->cert_expiry == 0)
			return -1;
		*out = (struct cond_value){ COND_DURATION,
			                    (double)(r->cert_expiry * 1000 - time_wall_ms()), NULL,
			                    0 };
	} else if (strcmp(name, "CONNECTED") == 0) {
		*out = (struct cond_value){ COND_BOOL, r->connected, NULL, 0 };
	} else if (strcmp(name, "RESPONSE_TIME") == 0) {
		*out = (struct cond_value){ COND_DURATION, (double)r->latency_ns / 1e6, NULL, 0 };
	} else if (strcmp(name, "IP") == 0) {
		*out = (struct cond_value){ COND_STRING, 0, r->ip, strlen(r->ip) };
	} else if (strcmp(name, "TLS_VERSION") == 0) {
		if ((s = version_name(r)) == NULL)
			return -1;
		*out = (struct cond_value){ COND_STRING, 0, s, strlen(s) };
	} else if (strcmp(name, "BODY") == 0) {
		*out = (struct cond_value){ COND_STRING, 0, r->body.data ? r->body.data : "",
			                    r->body.len };
	} else {
		return -1;
	}
	return 0;
}

static void tls_init(void *obj)
{
	struct tls_conf *c = obj;

	memset(c, 0, sizeof(*c));
	c->port = 443;
	c->tls_verify = true;
}

static bool is_address(const char *s)
{
	unsigned char a[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

/* The trust store: the system's, plus ca_file. Returns NULL after reporting an error. */
static SSL_CTX *make_ctx(struct conf_ctx *ctx, yaml_node_t *node, const struct tls_conf *c)
{
	SSL_CTX *s = SSL_CTX_new(TLS_client_method());
	unsigned long e;

	if (s == NULL) {
		conf_error(ctx, node, "cannot create a TLS context");
		return NULL;
	}
	SSL_CTX_set_verify(s, SSL_VERIFY_PEER, verify_cb);
	SSL_CTX_set_session_cache_mode(s, SSL_SESS_CACHE_OFF); /* every check sees the chain */
	if (SSL_CTX_set_default_verify_paths(s) != 1)
		ERR_clear_error(); /* no system store: ca_file may still do */
	if (c->ca_file != NULL && access(c->ca_file, R_OK) != 0) {
		conf_error_key(ctx, node, "ca_file", "cannot read \"%s\": %s", c->ca_file,
		               strerror(errno));
		SSL_CTX_free(s);
		return NULL;
	}
	if (c->ca_file != NULL && SSL_CTX_load_verify_locations(s, c->ca_file, NULL) != 1) {
		e = ERR_peek_last_error();
		conf_error_key(ctx, node, "ca_file", "cannot load \"%s\": %s", c->ca_file,
		               e ? ERR_reason_error_string(e) : "unreadable");
		ERR_clear_error();
		SSL_CTX_free(s);
		return NULL;
	}
	ERR_clear_error(); /* what a missing system store left behind */
	return s;
}

static void tls_finish(struct conf_ctx *ctx, yaml_node_t *node, void *obj)
{
	struct tls_conf *c = obj;

	if (c->host == NULL)
		return; /* reported as a missing required key */
	if (*c->host == '\0') {
		conf_error_key(ctx, node, "host", "is empty");
		return;
	}
	if (c->servername != NULL && *c->servername == '\0') {
		conf_error_key(ctx, node, "servername", "is empty");
		return;
	}
	if (c->ca_file != NULL && ctx->untrusted) {
		conf_error_key(ctx, node, "ca_file",
		               "names a file on the Vigil host: not allowed in monitors made "
		               "through the API");
		return;
	}
	c->verify_name = c->servername ? c->servername : c->host;
	c->sni = !is_address(c->verify_name);
	c->ctx = make_ctx(ctx, node, c);
}

static void tls_cleanup(void *obj)
{
	struct tls_conf *c = obj;

	SSL_CTX_free(c->ctx);
	c->ctx = NULL;
}

static const struct conf_key tls_keys[] = {
	{ .name = "host",
	  .type = CONF_STRING,
	  .offset = offsetof(struct tls_conf, host),
	  .flags = CONF_REQUIRED,
	  .help = "host name or address to connect to" },
	{ .name = "port",
	  .type = CONF_INT,
	  .offset = offsetof(struct tls_conf, port),
	  .min = 1,
	  .max = 65535,
	  .help = "TCP port" },
	{ .name = "servername",
	  .type = CONF_STRING,
	  .offset = offsetof(struct tls_conf, servername),
	  .help = "name sent as SNI and matched against the certificate (default: host)" },
	{ .name = "tls_verify",
	  .type = CONF_BOOL,
	  .offset = offsetof(struct tls_conf, tls_verify),
	  .help = "fail on an untrusted, expired or misnamed certificate (false: only report it)" },
	{ .name = "ca_file",
	  .type = CONF_STRING,
	  .offset = offsetof(struct tls_conf, ca_file),
	  .help = "PEM file of certificate authorities trusted besides the system's" },
	{ 0 },
};

static const struct conf_spec tls_spec = {
	.name = "tls",
	.size = sizeof(struct tls_conf),
	.keys = tls_keys,
	.init = tls_init,
	.finish = tls_finish,
	.cleanup = tls_cleanup,
};

const struct probe_type probe_tls = {
	.network = true,
	.name = "tls",
	.spec = &tls_spec,
	.placeholders = tls_placeholders,
	.start = tls_start,
	.cancel = tls_cancel,
	.get = tls_get,
};
