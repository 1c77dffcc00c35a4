/*
 * The HTTP server: libmicrohttpd with an epoll thread pool, a route table
 * with roles, bearer-token auth, JSON errors, and responses rendered from
 * engine snapshots. Handlers run on MHD threads and never touch engine
 * state: they read snapshots and the store's read connections.
 */
#ifndef VIGIL_WEB_WEB_H
#define VIGIL_WEB_WEB_H

#include <stddef.h>

struct conf_server;
struct engine;
struct snapshot_box;
struct store;
struct web;

struct web_options {
	const struct conf_server *server; /* listen address, threads, limits */
	struct snapshot_box *box;
	struct store *store;
	struct engine *engine;
};

/*
 * Creates the server without listening (tests dispatch requests directly).
 * Returns a new web; free it with web_free.
 */
struct web *web_new(const struct web_options *opt);
/*
 * Binds the listen address and starts the MHD threads. Returns 0, or -1 with
 * a message naming the address in ERR.
 */
int web_listen(struct web *w, char *err, size_t errlen) __attribute__((warn_unused_result));
/* Stops accepting, finishes requests in flight, stops the threads. Idempotent. */
void web_stop(struct web *w);
/* Violations by clients in the last hour (any thread): security.violations_1h. */
double web_violations_1h(void *web);
/* Once a second on the loop: hands the buffered request log to the store. */
void web_tick(struct web *w);
/* Stops if needed and frees. NULL is a no-op. */
void web_free(struct web *w);

#endif
