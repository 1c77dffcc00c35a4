/* libcurl's multi-socket API driven by the libuv loop (uv_poll + uv_timer). */
#ifndef VIGIL_PROBE_CURL_UV_H
#define VIGIL_PROBE_CURL_UV_H

#include <curl/curl.h>
#include <uv.h>

struct curl_uv;

typedef void (*curl_uv_done)(CURL *easy, CURLcode rc, void *arg);

/* Creates the multi handle on LOOP. */
struct curl_uv *curl_uv_new(uv_loop_t *loop);
/*
 * Removes any transfer left (their callbacks are not called), closes the
 * handles and frees CU once the loop has run their close callbacks.
 */
void curl_uv_close(struct curl_uv *cu);

/*
 * Adds EASY. When the transfer ends, DONE(easy, code, ARG) is called once,
 * from the loop, after the handle left the multi (the caller then owns EASY
 * again). Returns 0, or -1 when curl refuses the handle (DONE is not called).
 */
int curl_uv_add(struct curl_uv *cu, CURL *easy, curl_uv_done done, void *arg);
/* Takes EASY out before it ends; its callback is not called. */
void curl_uv_remove(struct curl_uv *cu, CURL *easy);
/* Transfers in progress. */
int curl_uv_running(const struct curl_uv *cu);

/*
 * An easy handle from the pool (reset to defaults), or a new one; NULL when
 * libcurl cannot make one. Reusing handles keeps their buffers: a check then
 * costs far fewer allocations.
 */
CURL *curl_uv_easy_get(struct curl_uv *cu);
/* Gives EASY (not in the multi any more) back to the pool, or frees it. */
void curl_uv_easy_put(struct curl_uv *cu, CURL *easy);

#endif
