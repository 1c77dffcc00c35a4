/*
 * The engine's mailbox: commands queued by other threads under a mutex and
 * taken on the loop thread by a uv_async, in order, each answered once.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "alert/alert.h"
#include "conf/conf.h"
#include "engine/engine_int.h"
#include "util/log.h"
#include "util/time.h"
#include "util/tz.h"

int engine_submit(struct engine *e, struct engine_cmd *cmd)
{
	pthread_mutex_lock(&e->mail_lock);
	if (e->mail_closed) {
		pthread_mutex_unlock(&e->mail_lock);
		return -1;
	}
	cmd->next = NULL;
	if (e->mail_tail != NULL)
		e->mail_tail->next = cmd;
	else
		e->mail_head = cmd;
	e->mail_tail = cmd;
	pthread_mutex_unlock(&e->mail_lock);
	uv_async_send(&e->mailbox);
	return 0;
}

void engine_cmd_clear(struct engine_cmd *cmd)
{
	json_decref(cmd->result);
	cmd->result = NULL;
	json_decref(cmd->args);
	cmd->args = NULL;
	free(cmd->data);
	cmd->data = NULL;
	cmd->data_len = 0;
	conf_unref(cmd->config);
	cmd->config = NULL;
	tz_free(cmd->tz);
	cmd->tz = NULL;
	conf_diag_free(&cmd->diag);
}

void engine_cmd_reply(struct engine_cmd *c, int status, const char *code, const char *fmt, ...)
{
	va_list ap;

	c->status = status;
	snprintf(c->code, sizeof(c->code), "%s", code ? code : "");
	va_start(ap, fmt);
	vsnprintf(c->message, sizeof(c->message), fmt, ap);
	va_end(ap);
	c->done(c);
}

/* Uptime ratios are recomputed; renderings are per snapshot: a new one has none. */
static void clear_caches(struct engine *e, struct engine_cmd *c)
{
	size_t i;

	for (i = 0; i < e->nmonitors; i++)
		engine_monitor_uptime(e->monitors[i], time_wall_ms());
	engine_publish_now(e);
	log_info("engine: caches cleared by %s", c->who[0] ? c->who : "the API");
	engine_cmd_reply(c, 200, NULL, "cached renderings dropped, uptime recomputed");
}

static void run_cmd(struct engine *e, struct engine_cmd *c)
{
	if (e->closing) {
		engine_cmd_reply(c, 503, "unavailable", "Vigil is shutting down");
		return;
	}
	switch (c->kind) {
	case ENGINE_CMD_MONITOR_CREATE:
		engine_api_create(e, c);
		break;
	case ENGINE_CMD_MONITOR_REPLACE:
		engine_api_replace(e, c);
		break;
	case ENGINE_CMD_MONITOR_DELETE:
		engine_api_delete(e, c);
		break;
	case ENGINE_CMD_MONITOR_RUN:
		engine_monitor_run(e, c);
		break;
	case ENGINE_CMD_MONITOR_PAUSE:
	case ENGINE_CMD_MONITOR_RESUME:
		engine_monitor_pause(e, c, c->kind == ENGINE_CMD_MONITOR_PAUSE);
		break;
	case ENGINE_CMD_RELOAD:
		engine_reload_cmd(e, c);
		break;
	case ENGINE_CMD_CACHE_CLEAR:
		clear_caches(e, c);
		break;
	case ENGINE_CMD_MAINT_CREATE:
		engine_maint_create(e, c);
		break;
	case ENGINE_CMD_MAINT_DELETE:
		engine_maint_delete(e, c);
		break;
	case ENGINE_CMD_INCIDENT_CREATE:
		engine_incident_create(e, c);
		break;
	case ENGINE_CMD_INCIDENT_UPDATE:
		engine_incident_update(e, c);
		break;
	case ENGINE_CMD_PUSH:
		engine_push_cmd(e, c);
		break;
	case ENGINE_CMD_ALERT_ACK:
		if (e->alerting == NULL ||
		    alerting_ack(e->alerting, strtoll(c->id, NULL, 10), c->who) < 0) {
			engine_cmd_reply(c, 404, "not_found", "no firing alert with id %s", c->id);
			break;
		}
		engine_publish_now(e);
		engine_cmd_reply(c, 200, NULL, "alert %s acknowledged", c->id);
		break;
	default:
		engine_cmd_reply(c, 400, "bad_request", "unknown command");
	}
}

static void on_mail(uv_async_t *h)
{
	struct engine *e = h->data;
	struct engine_cmd *c, *next;

	pthread_mutex_lock(&e->mail_lock);
	c = e->mail_head;
	e->mail_head = e->mail_tail = NULL;
	pthread_mutex_unlock(&e->mail_lock);
	for (; c != NULL; c = next) {
		next = c->next;
		c->next = NULL;
		run_cmd(e, c);
	}
}

void engine_commands_start(struct engine *e)
{
	pthread_mutex_init(&e->mail_lock, NULL);
	uv_async_init(e->loop, &e->mailbox, on_mail);
	e->mailbox.data = e;
	e->open_handles++;
}

void engine_commands_close(struct engine *e)
{
	struct engine_cmd *c, *next;

	pthread_mutex_lock(&e->mail_lock);
	e->mail_closed = true;
	c = e->mail_head;
	e->mail_head = e->mail_tail = NULL;
	pthread_mutex_unlock(&e->mail_lock);
	for (; c != NULL; c = next) {
		next = c->next;
		engine_cmd_reply(c, 503, "unavailable", "Vigil is shutting down");
	}
	for (c = e->reload_waiters; c != NULL; c = next) {
		next = c->next;
		engine_cmd_reply(c, 503, "unavailable", "Vigil is shutting down");
	}
	for (c = e->reload_next; c != NULL; c = next) {
		next = c->next;
		engine_cmd_reply(c, 503, "unavailable", "Vigil is shutting down");
	}
	e->reload_waiters = e->reload_next = NULL;
}
