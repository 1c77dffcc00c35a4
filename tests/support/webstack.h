/*
 * An in-process Vigil without sockets: configuration, store, engine and web
 * layer assembled from a YAML string, for the unit tests and fuzz targets
 * that call web_dispatch() directly.
 */
#ifndef VIGIL_TESTS_WEBSTACK_H
#define VIGIL_TESTS_WEBSTACK_H

#include <stdint.h>
#include <uv.h>

#include "engine/snapshot.h"

struct webstack {
	uv_loop_t loop;
	struct vigil_config *cfg;
	struct store *store;
	struct snapshot_box box;
	struct engine *engine;
	struct web *web;
	char dir[64]; /* the store's temporary directory */
};

/* Builds S from YAML with a store in a new temporary directory whose writes
 * commit within COMMIT_INTERVAL ms. Returns 0, or -1 with a message on stderr. */
int webstack_open(struct webstack *s, const char *yaml, int64_t commit_interval);

/* Stops the engine, drains the loop, frees everything and removes the
 * directory. Returns 0, or -1 when the loop still had handles. */
int webstack_close(struct webstack *s);

#endif
