/* The run lifecycle shared by every probe type: start, watchdog, verdict, done. */
#include "probe/probe.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/monitors.h"
#include "util/time.h"
#include "util/utf8.h"

#define WATCHDOG_GRACE_MS 500

static const char *const status_names[STATUS_COUNT] = {
	"unknown", "up", "degraded", "down", "paused", "maintenance",
};

static const char *const outcome_names[PROBE_OUTCOME_COUNT] = {
	[PROBE_OK] = "ok",
	[PROBE_DEGRADED] = "degraded",
	[PROBE_TIMEOUT] = "timeout",
	[PROBE_CONNECT_REFUSED] = "connect_refused",
	[PROBE_CONNECT_FAILED] = "connect_failed",
	[PROBE_CONNECTION_RESET] = "connection_reset",
	[PROBE_DNS_FAILED] = "dns_failed",
	[PROBE_TLS_ERROR] = "tls_error",
	[PROBE_TLS_EXPIRED] = "tls_expired",
	[PROBE_HTTP_STATUS] = "http_status",
	[PROBE_CONDITION_FAILED] = "condition_failed",
	[PROBE_BODY_TOO_LARGE] = "body_too_large",
	[PROBE_TOO_MANY_REDIRECTS] = "too_many_redirects",
	[PROBE_REDIRECT_FORBIDDEN] = "redirect_forbidden",
	[PROBE_PROTOCOL_ERROR] = "protocol_error",
	[PROBE_UNEXPECTED_RESPONSE] = "unexpected_response",
	[PROBE_INTERNAL_ERROR] = "internal_error",
	[PROBE_CANCELLED] = "cancelled",
	[PROBE_TARGET_FORBIDDEN] = "target_forbidden",
	[PROBE_DNS_NXDOMAIN] = "dns_nxdomain",
	[PROBE_DNS_ERROR] = "dns_error",
	[PROBE_PACKET_LOSS] = "packet_loss",
	[PROBE_NOT_PERMITTED] = "not_permitted",
	[PROBE_TLS_UNTRUSTED] = "tls_untrusted",
	[PROBE_TLS_HOSTNAME] = "tls_hostname",
	[PROBE_PLUGIN_CRITICAL] = "plugin_critical",
	[PROBE_PLUGIN_UNKNOWN] = "plugin_unknown",
	[PROBE_EXEC_FAILED] = "exec_failed",
	[PROBE_AUTH_FAILED] = "auth_failed",
	[PROBE_QUERY_FAILED] = "query_failed",
	[PROBE_PROCESS_COUNT] = "process_count",
	[PROBE_FILE_MISSING] = "file_missing",
	[PROBE_FILE_STALE] = "file_stale",
	[PROBE_FILE_TOO_SMALL] = "file_too_small",
	[PROBE_HEARTBEAT_MISSED] = "heartbeat_missed",
	[PROBE_JOB_FAILED] = "job_failed",
	[PROBE_AWAITING_PING] = "awaiting_ping",
};

const char *status_str(enum status s)
{
	return s < STATUS_COUNT ? status_names[s] : "unknown";
}

int status_parse(const char *s, enum status *out)
{
	int i;

	for (i = 0; i < STATUS_COUNT; i++) {
		if (strcmp(s, status_names[i]) == 0) {
			*out = (enum status)i;
			return 0;
		}
	}
	return -1;
}

int status_nagios(enum status s)
{
	return s == STATUS_UP ? 0 : s == STATUS_DEGRADED ? 1 : s == STATUS_DOWN ? 2 : 3;
}

const char *probe_outcome_str(enum probe_outcome o)
{
	return o < PROBE_OUTCOME_COUNT ? outcome_names[o] : "internal_error";
}

int probe_outcome_parse(const char *s, enum probe_outcome *out)
{
	int i;

	for (i = 0; i < PROBE_OUTCOME_COUNT; i++) {
		if (strcmp(s, outcome_names[i]) == 0) {
			*out = (enum probe_outcome)i;
			return 0;
		}
	}
	return -1;
}

enum status probe_outcome_status(enum probe_outcome o)
{
	switch (o) {
	case PROBE_OK:
		return STATUS_UP;
	case PROBE_DEGRADED:
		return STATUS_DEGRADED;
	case PROBE_INTERNAL_ERROR:
	case PROBE_CANCELLED:
	case PROBE_NOT_PERMITTED:
	case PROBE_PLUGIN_UNKNOWN:
	case PROBE_EXEC_FAILED:
	case PROBE_AWAITING_PING:
		return STATUS_UNKNOWN;
	default:
		return STATUS_DOWN;
	}
}

bool probe_outcome_network(enum probe_outcome o)
{
	return o == PROBE_TIMEOUT || o == PROBE_CONNECT_FAILED || o == PROBE_DNS_FAILED ||
	       o == PROBE_DNS_ERROR || o == PROBE_PACKET_LOSS;
}

enum probe_outcome probe_outcome_of_uv(int err)
{
	switch (err) {
	case UV_ECONNREFUSED:
		return PROBE_CONNECT_REFUSED;
	case UV_ETIMEDOUT:
		return PROBE_TIMEOUT;
	case UV_ECONNRESET:
	case UV_EPIPE:
		return PROBE_CONNECTION_RESET;
	case UV_EHOSTUNREACH:
	case UV_ENETUNREACH:
	case UV_EADDRNOTAVAIL:
		return PROBE_CONNECT_FAILED;
	case UV_EMFILE:
	case UV_ENFILE:
	case UV_ENOMEM:
		return PROBE_INTERNAL_ERROR;
	default:
		return PROBE_PROTOCOL_ERROR;
	}
}

void probe_result_init(struct probe_result *r)
{
	memset(r, 0, sizeof(*r));
	r->outcome = PROBE_INTERNAL_ERROR;
	r->t_resolve = r->t_connect = r->t_tls = r->t_processing = r->t_transfer = -1;
	r->attempts = 1;
	buf_init(&r->body, PROBE_BODY_KEEP);
	buf_init(&r->headers, PROBE_HEADERS_KEEP);
}

void probe_result_free(struct probe_result *r)
{
	buf_free(&r->body);
	buf_free(&r->headers);
	free(r->perfdata);
	r->perfdata = NULL;
	r->nvalues = 0;
}

void probe_result_value(struct probe_result *r, const char *name, double v)
{
	int i;

	for (i = 0; i < r->nvalues; i++) {
		if (strcmp(r->values[i].name, name) == 0) {
			r->values[i].v = v;
			return;
		}
	}
	if (r->nvalues < PROBE_VALUES_MAX)
		r->values[r->nvalues++] = (struct probe_value){ name, v };
}

int probe_result_get_value(const struct probe_result *r, const char *name, double *out)
{
	int i;

	for (i = 0; i < r->nvalues; i++) {
		if (strcmp(r->values[i].name, name) == 0) {
			*out = r->values[i].v;
			return 0;
		}
	}
	return -1;
}

void probe_result_set(struct probe_result *r, enum probe_outcome o, const char *fmt, ...)
{
	va_list ap;

	r->outcome = o;
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
}

struct source_ctx {
	const struct probe_type *type;
	const struct probe_result *r;
};

static int source_get(void *ctx, const char *name, const char *key, struct cond_value *out)
{
	const struct source_ctx *s = ctx;

	return s->type->get(s->r, name, key, out);
}

void probe_apply_conditions(const struct monitor_conf *mon, const struct probe_type *type,
                            struct probe_result *r)
{
	struct source_ctx sctx = { type, r };
	struct cond_source src = { source_get, &sctx };
	struct cond_eval ev = { &src, NULL, false };
	char desc[PROBE_MESSAGE_MAX], failed[PROBE_MESSAGE_MAX] = "";
	size_t i, used = 0;
	int nfailed = 0;

	for (i = 0; i < mon->ncond; i++) {
		if (condition_eval(mon->cond[i], &ev, desc, sizeof(desc)))
			continue;
		if (used < sizeof(failed))
			used += (size_t)snprintf(failed + used, sizeof(failed) - used, "%s%s",
			                         nfailed ? "; " : "", desc);
		nfailed++;
	}
	if (nfailed) {
		probe_result_set(r, PROBE_CONDITION_FAILED, "%s", failed);
		cond_eval_done(&ev);
		return;
	}
	for (i = 0; i < mon->ndegr; i++) {
		if (condition_eval(mon->degr[i], &ev, desc, sizeof(desc))) {
			probe_result_set(r, PROBE_DEGRADED, "%s", desc);
			break;
		}
	}
	cond_eval_done(&ev);
}

void probe_each_condition(const struct monitor_conf *mon, const struct probe_result *r,
                          void (*cb)(void *arg, const char *kind, const char *text, bool holds,
                                     const char *desc),
                          void *arg)
{
	struct source_ctx sctx = { mon->probe, r };
	struct cond_source src = { source_get, &sctx };
	struct cond_eval ev = { &src, NULL, false };
	char desc[PROBE_MESSAGE_MAX];
	size_t i;

	for (i = 0; i < mon->ncond; i++) {
		bool ok = condition_eval(mon->cond[i], &ev, desc, sizeof(desc));

		cb(arg, "condition", condition_text(mon->cond[i]), ok, desc);
	}
	for (i = 0; i < mon->ndegr; i++) {
		bool ok = condition_eval(mon->degr[i], &ev, desc, sizeof(desc));

		cb(arg, "degraded_if", condition_text(mon->degr[i]), ok, desc);
	}
	cond_eval_done(&ev);
}

static void watchdog_closed(uv_handle_t *h)
{
	struct probe_run *run = h->data;

	run->done(run);
}

static void on_watchdog(uv_timer_t *t)
{
	struct probe_run *run = t->data;

	if (run->finished || run->mon->probe->cancel == NULL)
		return;
	probe_result_set(&run->result, PROBE_TIMEOUT, "no answer within %lld ms",
	                 (long long)run->mon->timeout);
	run->mon->probe->cancel(run);
}

void probe_run_finish(struct probe_run *run)
{
	const struct monitor_conf *mon = run->mon;

	if (run->finished)
		return; /* never twice: the first ending wins */
	run->finished = true;
	if (run->result.latency_ns == 0)
		run->result.latency_ns = time_mono_ns() - run->start_ns;
	if (run->result.outcome == PROBE_OK) {
		if (mon->probe->judge != NULL)
			mon->probe->judge(mon, &run->result);
		if (run->result.outcome == PROBE_OK)
			probe_apply_conditions(mon, mon->probe, &run->result);
	}
	run->result.status = probe_outcome_status(run->result.outcome);
	/* what targets said is shown in JSON, logs and notifications */
	utf8_scrub(run->result.message);
	if (run->result.perfdata != NULL)
		utf8_scrub(run->result.perfdata);
	run->closing = true;
	uv_close((uv_handle_t *)&run->watchdog, watchdog_closed);
}

static void start_failed(uv_timer_t *t)
{
	struct probe_run *run = t->data;

	probe_run_finish(run);
}

int probe_run_start(struct probe_run *run)
{
	int64_t limit = run->mon->timeout + (run->mon->probe->self_timed ? WATCHDOG_GRACE_MS : 0);

	probe_result_init(&run->result);
	run->priv = NULL;
	run->started = true;
	run->finished = false;
	run->closing = false;
	run->start_ns = time_mono_ns();
	run->result.started_ms = time_wall_ms();
	uv_timer_init(run->env->loop, &run->watchdog);
	run->watchdog.data = run;
	uv_timer_start(&run->watchdog, on_watchdog, (uint64_t)limit, 0);
	if (run->mon->probe->start(run) < 0 && !run->finished) {
		/* Complete on the next loop turn, never from inside our caller. */
		if (run->result.outcome == PROBE_OK)
			probe_result_set(&run->result, PROBE_INTERNAL_ERROR,
			                 "the check did not start");
		uv_timer_start(&run->watchdog, start_failed, 0, 0);
	}
	return 0;
}

void probe_run_cancel(struct probe_run *run)
{
	if (!run->started || run->finished || run->mon->probe->cancel == NULL)
		return;
	probe_result_set(&run->result, PROBE_CANCELLED, "cancelled by vigil");
	run->mon->probe->cancel(run);
}

void probe_run_release(struct probe_run *run)
{
	probe_result_free(&run->result);
}
