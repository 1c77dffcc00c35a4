/*
 * The request log: every request to Vigil, buffered in memory and handed to
 * the store writer in batches. Each second the first rows_per_second
 * requests are kept one by one; beyond, identical requests (method, route,
 * status, client) of that second share a row with their count, so a flood
 * costs the database a few rows a second. Thread-safe.
 */
#ifndef VIGIL_WEB_REQLOG_H
#define VIGIL_WEB_REQLOG_H

struct conf_request_log;
struct store;
struct store_request;

struct reqlog;

struct reqlog *reqlog_new(struct store *store);
/* Frees (what is still buffered is dropped: flush first). */
void reqlog_free(struct reqlog *l);
/* Logs R (copied) under CONF's limits. */
void reqlog_add(struct reqlog *l, const struct conf_request_log *conf,
                const struct store_request *r);
/* Hands what is buffered to the store (every second, and at shutdown). */
void reqlog_flush(struct reqlog *l);

#endif
