/* Helpers shared by the JSON API handlers: parameters, replies, store readers. */
#ifndef VIGIL_WEB_API_H
#define VIGIL_WEB_API_H

#include <jansson.h>
#include <stdint.h>

struct monitor_snap;
struct store_reader;
struct web_reply;
struct web_request;

/*
 * Reads query parameter NAME as a point in time (RFC 3339, Unix seconds or
 * ms, or a duration ago). Absent: DEFAULT. Returns 0, or -1 after a 400
 * reply naming the parameter.
 */
int api_time_param(struct web_request *req, struct web_reply *rep, const char *name, int64_t def,
                   int64_t *out);
/* Same for an integer within [MIN, MAX]. */
int api_int_param(struct web_request *req, struct web_reply *rep, const char *name, int64_t def,
                  int64_t min, int64_t max, int64_t *out);
/* Answers 400 for parameter NAME with VALUE, which should have been WANT. */
void api_bad_param(struct web_request *req, struct web_reply *rep, const char *name,
                   const char *value, const char *want);
/* A read connection, or NULL after a 503 reply. */
struct store_reader *api_reader(struct web_request *req, struct web_reply *rep);
/* Unix ms as an RFC 3339 string, or null for 0 (not happened). */
json_t *api_time(int64_t ms);
/* Replies with DOC (taking its reference), secrets scrubbed. */
void api_reply_json(struct web_request *req, struct web_reply *rep, int status, json_t *doc);

/* The summary of one monitor (api_monitors.c), shared by other views. */
json_t *api_monitor_summary(const struct monitor_snap *m);
/* The whole of one monitor, as GET /api/v1/monitors/{id} answers. */
json_t *api_monitor_detail(const struct monitor_snap *m);
/* Its last result (null before the first). */
json_t *api_monitor_last(const struct monitor_snap *m);

#endif
