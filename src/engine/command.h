/*
 * Commands to the engine: how other threads (the API) change engine state.
 * A command is queued from any thread and carried out on the loop thread,
 * which stays the only writer of the engine's state; its outcome comes back
 * through the command's done callback.
 */
#ifndef VIGIL_ENGINE_COMMAND_H
#define VIGIL_ENGINE_COMMAND_H

#include <stdbool.h>
#include <stdint.h>

#include "conf/schema.h"

struct engine;
struct vigil_config;
typedef struct json_t json_t;

enum engine_cmd_kind {
	ENGINE_CMD_MONITOR_CREATE,  /* config: a new API monitor */
	ENGINE_CMD_MONITOR_REPLACE, /* id, config: replace the API monitor ID */
	ENGINE_CMD_MONITOR_DELETE,  /* id: delete the API monitor ID */
	ENGINE_CMD_MONITOR_RUN,     /* id: check now; result: the check's result */
	ENGINE_CMD_MONITOR_PAUSE,   /* id */
	ENGINE_CMD_MONITOR_RESUME,  /* id */
	ENGINE_CMD_RELOAD,          /* reload the configuration file; diag: its errors */
	ENGINE_CMD_CACHE_CLEAR,     /* drop cached renderings and aggregates */
	ENGINE_CMD_ALERT_ACK,       /* id: acknowledge the firing alert ID */
	ENGINE_CMD_MAINT_CREATE,    /* args: {name, start, duration, monitors}; id: the new one's */
	ENGINE_CMD_MAINT_DELETE,    /* id */
	ENGINE_CMD_INCIDENT_CREATE, /* args: {title, impact, status, message, monitors} */
	ENGINE_CMD_INCIDENT_UPDATE, /* id, args: {status, message, impact} */
	ENGINE_CMD_PUSH,            /* id: a push token, args: {kind, exit_code}, data: the body */
};

struct tz;

struct engine_cmd {
	enum engine_cmd_kind kind;
	char id[128];
	struct vigil_config *config; /* CREATE/REPLACE: taken over by the engine */
	char who[64];                /* the token's name, for events and logs */
	json_t *args;                /* what some commands carry (taken over) */
	char *data;                  /* raw bytes some commands carry (taken over), or NULL */
	struct tz
	        *tz; /* MAINT_CREATE: a recurring window's zone, loaded off the loop (taken over) */
	size_t data_len;

	/* the outcome, filled before done is called */
	int status;            /* HTTP status: 200, 201, 404, 409, 503... */
	char code[32];         /* error code when status >= 400 */
	char message[512];     /* what happened, in words */
	json_t *result;        /* RUN: the check's result (owned by the command) */
	struct conf_diag diag; /* RELOAD: the configuration's errors */

	/*
	 * Called exactly once with the outcome: on the loop thread, or on the
	 * store's writer thread once a change is durable. After it, the engine
	 * no longer touches the command.
	 */
	void (*done)(struct engine_cmd *cmd);
	void *arg;
	struct engine_cmd *next; /* queue and waiter links, the engine's */
};

/*
 * Queues CMD for the loop thread (any thread). Returns 0, or -1 when the
 * engine is shutting down (CMD untouched and not queued).
 */
int engine_submit(struct engine *e, struct engine_cmd *cmd);
/* Frees what the outcome of CMD holds (result, diag, config), not CMD itself. */
void engine_cmd_clear(struct engine_cmd *cmd);

#endif
