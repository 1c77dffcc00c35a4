/*
 * Pings of push monitors: the API hands each one to the loop thread, which
 * finds the monitor by its token, records the ping durably and runs the
 * monitor at once, so a failure or a recovery shows (and alerts) right away.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/monitors.h"
#include "engine/engine_int.h"
#include "probe/push.h"
#include "util/log.h"
#include "util/time.h"
#include "util/xmalloc.h"

/* Compares without an early exit, so timing does not tell how much of a token matched. */
static bool token_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char diff = la != lb;

	for (i = 0; i < lb; i++)
		diff |= (unsigned char)(a[i < la ? i : 0] ^ b[i]);
	return diff == 0;
}

static struct monitor *find_by_token(struct engine *e, const char *token)
{
	struct monitor *found = NULL;
	size_t i;

	for (i = 0; i < e->nmonitors; i++) {
		struct monitor *m = e->monitors[i];
		const struct push_conf *c = m->conf->probe_conf;

		if (m->conf->probe == &probe_push && !m->removed && token_equal(c->token, token))
			found = m; /* no early exit either */
	}
	return found;
}

/* The state of M, made on first use: Vigil starts waiting now. */
static struct push_state *push_of(struct monitor *m)
{
	if (m->push == NULL) {
		m->push = xcalloc(1, sizeof(*m->push));
		m->push->waiting_since = time_wall_ms();
		m->push->exit_code = -1;
		m->push->duration = -1;
	}
	return m->push;
}

const struct push_state *engine_push_state(void *arg, const struct monitor_conf *mon)
{
	struct monitor *m = engine_monitor_find(arg, mon->id);

	return m != NULL ? push_of(m) : NULL;
}

void engine_push_boot(struct monitor *m, const struct store_boot_monitor *b)
{
	struct push_state *s = push_of(m);

	s->last_success = b->push_success;
	s->last_start = b->push_start;
	s->last_fail = b->push_fail;
	s->exit_code = b->push_exit_code;
	s->duration = b->push_duration;
	snprintf(s->message, sizeof(s->message), "%s", b->push_message ? b->push_message : "");
}

void engine_push_free(struct monitor *m)
{
	if (m->push != NULL)
		push_state_clear(m->push);
	free(m->push);
	m->push = NULL;
}

/* The ping is answered once it is durable: a 200 means it survives a crash. */
static void on_commit(void *arg, bool committed)
{
	struct engine_cmd *c = arg;

	if (!committed) {
		c->status = 503;
		snprintf(c->code, sizeof(c->code), "store_error");
		snprintf(c->message, sizeof(c->message), "the ping could not be saved: retry");
	}
	c->done(c);
}

static void store_push(struct monitor *m, struct engine_cmd *c)
{
	const struct push_state *s = m->push;
	struct store_op *op = store_op_new(STORE_OP_PUSH);

	op->u.push.monitor = m->key;
	op->u.push.success = s->last_success;
	op->u.push.start = s->last_start;
	op->u.push.fail = s->last_fail;
	op->u.push.exit_code = s->exit_code;
	op->u.push.duration = s->duration;
	op->text = xstrdup(s->message);
	op->on_commit = on_commit;
	op->commit_arg = c;
	if (store_submit(m->engine->store, op) == 0)
		store_flush(m->engine->store);
}

void engine_push_cmd(struct engine *e, struct engine_cmd *c)
{
	struct monitor *m = find_by_token(e, c->id);
	int kind = (int)json_integer_value(json_object_get(c->args, "kind"));
	int code = (int)json_integer_value(json_object_get(c->args, "exit_code"));
	int64_t now = time_wall_ms();
	struct push_state *s;

	if (m == NULL) {
		engine_cmd_reply(c, 404, "not_found", "no push monitor has this token");
		return;
	}
	s = push_of(m);
	if (!push_rate_allow(s, now)) {
		engine_cmd_reply(c, 429, "rate_limited",
		                 "too many pings for this monitor: at most %d at once, then one a "
		                 "second",
		                 PUSH_RATE_BURST);
		return;
	}
	push_record(s, (enum push_kind)kind, code, c->data, c->data_len, now);
	log_debug("push monitor %s: %s", m->conf->id,
	          kind == PUSH_START     ? "started"
	          : kind == PUSH_SUCCESS ? "success"
	                                 : "failure");
	snprintf(c->id, sizeof(c->id), "%s", m->conf->id); /* the answer names the monitor */
	if (kind != PUSH_START && m->check == NULL && !m->queued && !m->paused)
		sched_run_now(m);
	c->status = 200;
	snprintf(c->message, sizeof(c->message), "%s",
	         kind == PUSH_START     ? "start recorded"
	         : kind == PUSH_SUCCESS ? "success recorded"
	                                : "failure recorded");
	store_push(m, c); /* answers C once committed */
}
