/* The in-process Vigil of webstack.h, for tests that dispatch without sockets. */
#include "webstack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "engine/engine.h"
#include "store/store.h"
#include "web/web_int.h"

int webstack_open(struct webstack *s, const char *yaml, int64_t commit_interval)
{
	struct conf_diag d = { 0 };
	struct store_options so = { .commit_interval = commit_interval,
		                    .batch_size = 100,
		                    .queue_size = 1000,
		                    .readers = 2 };
	struct engine_options eo = { 0 };
	struct web_options wo = { 0 };
	char path[128], err[256];

	memset(s, 0, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "/tmp/vigil-stack-XXXXXX");
	if (mkdtemp(s->dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/v.db", s->dir);
	so.path = path;
	s->cfg = conf_load_string("test.yaml", yaml, strlen(yaml), &d);
	conf_diag_free(&d);
	if (s->cfg == NULL) {
		fprintf(stderr, "webstack: the test configuration does not load\n");
		return -1;
	}
	if (store_open(&so, &s->store, err, sizeof(err)) < 0) {
		fprintf(stderr, "webstack: %s\n", err);
		return -1;
	}
	uv_loop_init(&s->loop);
	snapshot_box_init(&s->box);
	eo.loop = &s->loop;
	eo.config = s->cfg;
	eo.store = s->store;
	eo.box = &s->box;
	if (engine_start(&eo, &s->engine) < 0)
		return -1;
	wo.server = &s->cfg->server;
	wo.box = &s->box;
	wo.store = s->store;
	wo.engine = s->engine;
	s->web = web_new(&wo);
	return 0;
}

int webstack_close(struct webstack *s)
{
	char cmd[128];
	int rc = 0;

	web_free(s->web);
	engine_close(s->engine);
	uv_run(&s->loop, UV_RUN_DEFAULT);
	store_close(s->store);
	snapshot_box_destroy(&s->box);
	if (uv_loop_close(&s->loop) != 0)
		rc = -1;
	conf_unref(s->cfg);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
	if (system(cmd) != 0)
		rc = -1;
	return rc;
}
