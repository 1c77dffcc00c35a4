/*
 * The push probe: judges the heartbeats a job sent against its period and
 * grace. The pings themselves arrive through the API and are recorded by the
 * engine (engine/push.c); a run reads the state, so results, uptime, state
 * changes and alerts work exactly as for the probes that reach out.
 */
#include "probe/push.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/monitors.h"
#include "conf/value.h"
#include "util/xmalloc.h"

static const char *const push_placeholders[] = { "BODY", "EXIT_CODE", "DURATION", "SINCE_LAST_PING",
	                                         NULL };

int push_kind_parse(const char *what, enum push_kind *kind, int *exit_code)
{
	char *end;
	long v;

	*exit_code = -1;
	if (what == NULL || *what == '\0') {
		*kind = PUSH_SUCCESS;
		return 0;
	}
	if (strcmp(what, "start") == 0) {
		*kind = PUSH_START;
		return 0;
	}
	if (strcmp(what, "fail") == 0) {
		*kind = PUSH_FAIL;
		return 0;
	}
	if (what[0] < '0' || what[0] > '9' || strlen(what) > 3)
		return -1;
	v = strtol(what, &end, 10);
	if (*end != '\0' || v > 255)
		return -1;
	*exit_code = (int)v;
	*kind = v == 0 ? PUSH_SUCCESS : PUSH_FAIL;
	return 0;
}

bool push_rate_allow(struct push_state *s, int64_t now)
{
	if (s->tokens_at == 0 || now < s->tokens_at) {
		s->tokens = PUSH_RATE_BURST;
	} else {
		s->tokens += (double)(now - s->tokens_at) / PUSH_RATE_PER_MS;
		if (s->tokens > PUSH_RATE_BURST)
			s->tokens = PUSH_RATE_BURST;
	}
	s->tokens_at = now;
	if (s->tokens < 1)
		return false;
	s->tokens -= 1;
	return true;
}

/* The last non-empty line of BODY, trimmed, as the message (none: DFLT). */
static void set_message(struct push_state *s, const char *body, size_t len, const char *dflt)
{
	size_t end = len, start, n;

	for (;;) {
		while (end > 0 && (body[end - 1] == ' ' || body[end - 1] == '\t' ||
		                   body[end - 1] == '\r' || body[end - 1] == '\n'))
			end--;
		if (end == 0) {
			snprintf(s->message, sizeof(s->message), "%s", dflt);
			return;
		}
		start = end;
		while (start > 0 && body[start - 1] != '\n' && body[start - 1] != '\r')
			start--;
		while (start < end && (body[start] == ' ' || body[start] == '\t'))
			start++;
		if (start < end)
			break;
	}
	n = end - start;
	if (n >= sizeof(s->message))
		n = sizeof(s->message) - 1;
	memcpy(s->message, body + start, n);
	s->message[n] = '\0';
	s->message[strnlen(s->message, n)] = '\0'; /* a NUL inside ends it */
}

void push_record(struct push_state *s, enum push_kind kind, int exit_code, const char *body,
                 size_t len, int64_t now)
{
	if (kind == PUSH_START) {
		s->last_start = now;
		return;
	}
	/* a run started and not yet ended: its duration ends here */
	s->duration =
	        s->last_start > 0 && s->last_start > s->last_success && s->last_start > s->last_fail
	                ? now - s->last_start
	                : -1;
	if (kind == PUSH_SUCCESS) {
		s->last_success = now;
		s->exit_code = -1;
	} else {
		s->last_fail = now;
		s->exit_code = exit_code;
	}
	if (len > PUSH_BODY_MAX)
		len = PUSH_BODY_MAX;
	free(s->body);
	s->body = NULL;
	s->body_len = 0;
	if (body != NULL && len > 0) {
		s->body = xmalloc(len + 1);
		memcpy(s->body, body, len);
		s->body[len] = '\0';
		s->body_len = len;
	}
	set_message(s, body ? body : "", body ? len : 0, kind == PUSH_SUCCESS ? "ping" : "failed");
}

void push_state_clear(struct push_state *s)
{
	free(s->body);
	s->body = NULL;
	s->body_len = 0;
}

static void late_message(struct probe_result *r, const struct push_conf *c, int64_t late_for,
                         const char *what)
{
	char ago[32], period[32], grace[32];

	conf_duration_format(late_for, ago, sizeof(ago));
	conf_duration_format(c->period, period, sizeof(period));
	conf_duration_format(c->grace, grace, sizeof(grace));
	probe_result_set(r, PROBE_HEARTBEAT_MISSED, "%s %s ago (period %s + grace %s)", what, ago,
	                 period, grace);
}

/* A run started and not ended: late once it has run longer than grace. */
static bool judge_running(const struct push_conf *c, const struct push_state *s, int64_t now,
                          struct probe_result *r)
{
	char ago[32], grace[32];

	if (s->last_start <= s->last_success || s->last_start <= s->last_fail ||
	    now - s->last_start <= c->grace)
		return false;
	conf_duration_format(now - s->last_start, ago, sizeof(ago));
	conf_duration_format(c->grace, grace, sizeof(grace));
	probe_result_set(r, PROBE_HEARTBEAT_MISSED,
	                 "the run started %s ago has not finished (grace %s)", ago, grace);
	return true;
}

void push_evaluate(const struct push_conf *c, const struct push_state *s, int64_t now,
                   struct probe_result *r)
{
	int64_t last = s->last_success > s->last_fail ? s->last_success : s->last_fail;

	if (last > 0)
		probe_result_value(r, "since_last_ping_s", (double)(now - last) / 1000.0);
	if (s->duration >= 0 && last > 0)
		probe_result_value(r, "duration_s", (double)s->duration / 1000.0);
	if (s->exit_code >= 0)
		probe_result_value(r, "exit_code", s->exit_code);
	if (s->body != NULL)
		(void)!buf_append(&r->body, s->body,
		                  s->body_len); /* the body is capped below its limit */
	if (judge_running(c, s, now, r))
		return;
	if (s->last_fail > s->last_success) {
		if (s->exit_code >= 0)
			probe_result_set(r, PROBE_JOB_FAILED, "failed with exit code %d: %s",
			                 s->exit_code, s->message);
		else
			probe_result_set(r, PROBE_JOB_FAILED, "failed: %s", s->message);
		return;
	}
	if (s->last_success == 0) {
		if (now - s->waiting_since > c->period + c->grace)
			late_message(r, c, now - s->waiting_since,
			             "no ping since Vigil began waiting");
		else
			probe_result_set(r, PROBE_AWAITING_PING, "waiting for the first ping");
		return;
	}
	if (now - s->last_success > c->period + c->grace) {
		late_message(r, c, now - s->last_success, "last ping");
		return;
	}
	probe_result_set(r, PROBE_OK, "%s", s->message);
}

/* Runs end on the next loop turn: never from inside start. */
static void evaluated(uv_handle_t *h)
{
	struct probe_run *run = h->data;

	free(h);
	run->priv = NULL;
	probe_run_finish(run);
}

static void on_turn(uv_timer_t *t)
{
	uv_close((uv_handle_t *)t, evaluated);
}

static int push_start(struct probe_run *run)
{
	const struct push_conf *c = run->mon->probe_conf;
	const struct push_state *s =
	        run->env->push_state ? run->env->push_state(run->env->push_arg, run->mon) : NULL;
	uv_timer_t *t;

	if (s == NULL) {
		probe_result_set(
		        &run->result, PROBE_INTERNAL_ERROR,
		        "push monitors are judged by the daemon that receives their pings");
		return -1;
	}
	push_evaluate(c, s, run->result.started_ms, &run->result);
	run->result.latency_ns =
	        s->duration > 0 && run->result.outcome == PROBE_OK ? s->duration * 1000000 : 1;
	t = xmalloc(sizeof(*t));
	uv_timer_init(run->env->loop, t);
	t->data = run;
	run->priv = t;
	uv_timer_start(t, on_turn, 0, 0);
	return 0;
}

static void push_cancel(struct probe_run *run)
{
	/* the pending turn finishes it with the outcome the caller set */
	(void)run;
}

static int push_get(const struct probe_result *r, const char *name, const char *key,
                    struct cond_value *out)
{
	const char *vname = NULL;
	double v;

	(void)key;
	if (strcmp(name, "BODY") == 0) {
		*out = (struct cond_value){ COND_STRING, 0, r->body.data ? r->body.data : "",
			                    r->body.len };
		return 0;
	}
	if (strcmp(name, "EXIT_CODE") == 0)
		vname = "exit_code";
	else if (strcmp(name, "DURATION") == 0)
		vname = "duration_s";
	else if (strcmp(name, "SINCE_LAST_PING") == 0)
		vname = "since_last_ping_s";
	if (vname == NULL || probe_result_get_value(r, vname, &v) < 0)
		return -1;
	if (strcmp(name, "EXIT_CODE") == 0)
		*out = (struct cond_value){ COND_NUMBER, v, NULL, 0 };
	else
		*out = (struct cond_value){ COND_DURATION, v * 1000.0, NULL, 0 };
	return 0;
}

static void push_finish(struct conf_ctx *ctx, yaml_node_t *node, void *obj)
{
	const struct push_conf *c = obj;
	size_t i, n = c->token ? strlen(c->token) : 0;

	if (c->token == NULL)
		return;
	if (n < 16 || n > 127)
		conf_error_key(ctx, node, "token",
		               "is %zu characters: use 16 to 127 (e.g. `openssl rand -hex 16`)", n);
	for (i = 0; i < n; i++) {
		char ch = c->token[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_')) {
			conf_error_key(ctx, node, "token",
			               "may hold only letters, digits, '-' and '_' (it is a URL "
			               "segment)");
			break;
		}
	}
}

static void push_init(void *obj)
{
	struct push_conf *c = obj;

	c->grace = 60 * 1000;
}

static const struct conf_key push_keys[] = {
	{ .name = "token",
	  .type = CONF_SECRET,
	  .offset = offsetof(struct push_conf, token),
	  .flags = CONF_REQUIRED,
	  .help = "the secret part of the ping URL /api/v1/push/{token}: 16 to 127 letters, "
	          "digits, '-' or '_'" },
	{ .name = "period",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct push_conf, period),
	  .flags = CONF_REQUIRED,
	  .min = 1000,
	  .max = 366LL * 24 * 3600 * 1000,
	  .help = "how often the job reports success (e.g. 1h for an hourly cron job)" },
	{ .name = "grace",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct push_conf, grace),
	  .max = 366LL * 24 * 3600 * 1000,
	  .help = "lateness tolerated after period before the monitor is down; also the "
	          "longest a started run may take (default 1m)" },
	{ 0 },
};

static const struct conf_spec push_spec = {
	.name = "push",
	.size = sizeof(struct push_conf),
	.keys = push_keys,
	.init = push_init,
	.finish = push_finish,
};

const struct probe_type probe_push = {
	.name = "push",
	.spec = &push_spec,
	.placeholders = push_placeholders,
	.start = push_start,
	.cancel = push_cancel,
	.get = push_get,
};
