/* The curl multi-socket loop: sockets watched by uv_poll, curl's timer by a uv_timer. */
#include "probe/curl_uv.h"

#include <stdlib.h>

#include "util/log.h"
#include "util/xmalloc.h"

struct curl_uv {
	uv_loop_t *loop;
	CURLM *multi;
	uv_timer_t timer;
	int running;
	int open; /* handles not yet closed: the timer and every socket poll */
	int closing;
	struct curl_sock *socks; /* watched sockets, to close whatever curl leaves */
	CURL **pool;             /* idle easy handles, reset */
	size_t npool;
};

#define EASY_POOL_MAX 1024

struct curl_sock {
	uv_poll_t poll;
	curl_socket_t fd;
	struct curl_uv *cu;
	struct curl_sock *next, **prevp;
};

static void maybe_free(struct curl_uv *cu);

static void sock_closed(uv_handle_t *h)
{
	struct curl_sock *s = (struct curl_sock *)h;
	struct curl_uv *cu = s->cu;

	free(s);
	cu->open--;
	maybe_free(cu);
}

static void sock_unwatch(struct curl_sock *s)
{
	if (s->prevp != NULL) {
		*s->prevp = s->next;
		if (s->next != NULL)
			s->next->prevp = s->prevp;
		s->prevp = NULL;
	}
	uv_poll_stop(&s->poll);
	uv_close((uv_handle_t *)&s->poll, sock_closed);
}

/* What curl_uv keeps per transfer, in CURLOPT_PRIVATE. */
struct transfer {
	curl_uv_done done;
	void *arg;
};

static void maybe_free(struct curl_uv *cu)
{
	if (cu->closing && cu->open == 0)
		free(cu);
}

static void timer_closed(uv_handle_t *h)
{
	struct curl_uv *cu = h->data;

	cu->open--;
	maybe_free(cu);
}

/* Collects finished transfers and hands each back to its owner. */
static void check_done(struct curl_uv *cu)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(cu->multi, &left)) != NULL) {
		struct transfer *t = NULL;
		CURL *easy = msg->easy_handle;
		CURLcode rc = msg->data.result;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&t);
		curl_multi_remove_handle(cu->multi, easy);
		curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
		if (t != NULL) {
			curl_uv_done done = t->done;
			void *arg = t->arg;

			free(t);
			done(easy, rc, arg);
		}
	}
}

static void on_poll(uv_poll_t *p, int status, int events)
{
	struct curl_sock *s = (struct curl_sock *)p;
	int flags = 0;

	/*
	 * On an error (a reset, say) let curl read and write: the system call
	 * then tells it what happened, where CURL_CSELECT_ERR would only give
	 * "select/poll returned error".
	 */
	if (status < 0)
		flags = CURL_CSELECT_IN | CURL_CSELECT_OUT;
	if (events & UV_READABLE)
		flags |= CURL_CSELECT_IN;
	if (events & UV_WRITABLE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(s->cu->multi, s->fd, flags, &s->cu->running);
	check_done(s->cu);
}

static void on_timer(uv_timer_t *t)
{
	struct curl_uv *cu = t->data;

	curl_multi_socket_action(cu->multi, CURL_SOCKET_TIMEOUT, 0, &cu->running);
	check_done(cu);
}

static int socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
	struct curl_uv *cu = userp;
	struct curl_sock *s = socketp;
	int events = 0;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (s != NULL) {
			sock_unwatch(s);
			if (!cu->closing)
				curl_multi_assign(cu->multi, fd, NULL);
		}
		return 0;
	}
	if (s == NULL) {
		s = xcalloc(1, sizeof(*s));
		s->fd = fd;
		s->cu = cu;
		if (uv_poll_init_socket(cu->loop, &s->poll, fd) < 0) {
			log_warnx("probe: cannot watch socket %d", (int)fd);
			free(s);
			return -1;
		}
		cu->open++;
		s->next = cu->socks;
		if (cu->socks != NULL)
			cu->socks->prevp = &s->next;
		s->prevp = &cu->socks;
		cu->socks = s;
		curl_multi_assign(cu->multi, fd, s);
	}
	if (what & CURL_POLL_IN)
		events |= UV_READABLE;
	if (what & CURL_POLL_OUT)
		events |= UV_WRITABLE;
	uv_poll_start(&s->poll, events, on_poll);
	return 0;
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct curl_uv *cu = userp;

	(void)multi;
	if (timeout_ms < 0)
		uv_timer_stop(&cu->timer);
	else /* 0 means "as soon as possible": the next loop turn, not from inside curl */
		uv_timer_start(&cu->timer, on_timer, (uint64_t)timeout_ms, 0);
	return 0;
}

struct curl_uv *curl_uv_new(uv_loop_t *loop)
{
	struct curl_uv *cu = xcalloc(1, sizeof(*cu));

	cu->loop = loop;
	cu->multi = curl_multi_init();
	if (cu->multi == NULL) {
		free(cu);
		return NULL;
	}
	uv_timer_init(loop, &cu->timer);
	cu->timer.data = cu;
	cu->open = 1;
	curl_multi_setopt(cu->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	curl_multi_setopt(cu->multi, CURLMOPT_SOCKETDATA, cu);
	curl_multi_setopt(cu->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(cu->multi, CURLMOPT_TIMERDATA, cu);
	return cu;
}

int curl_uv_add(struct curl_uv *cu, CURL *easy, curl_uv_done done, void *arg)
{
	struct transfer *t = xmalloc(sizeof(*t));

	t->done = done;
	t->arg = arg;
	curl_easy_setopt(easy, CURLOPT_PRIVATE, t);
	if (curl_multi_add_handle(cu->multi, easy) != CURLM_OK) {
		curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
		free(t);
		return -1;
	}
	return 0;
}

void curl_uv_remove(struct curl_uv *cu, CURL *easy)
{
	struct transfer *t = NULL;

	curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&t);
	curl_multi_remove_handle(cu->multi, easy);
	curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
	free(t);
}

int curl_uv_running(const struct curl_uv *cu)
{
	return cu->running;
}

CURL *curl_uv_easy_get(struct curl_uv *cu)
{
	if (cu->npool > 0)
		return cu->pool[--cu->npool];
	return curl_easy_init();
}

void curl_uv_easy_put(struct curl_uv *cu, CURL *easy)
{
	if (cu->closing || cu->npool == EASY_POOL_MAX) {
		curl_easy_cleanup(easy);
		return;
	}
	curl_easy_reset(easy);
	if (cu->pool == NULL)
		cu->pool = xcalloc(EASY_POOL_MAX, sizeof(*cu->pool));
	cu->pool[cu->npool++] = easy;
}

void curl_uv_close(struct curl_uv *cu)
{
	if (cu == NULL || cu->closing)
		return;
	cu->closing = 1;
	while (cu->npool > 0)
		curl_easy_cleanup(cu->pool[--cu->npool]);
	free(cu->pool);
	cu->pool = NULL;
	/* Cached connections are closed here; curl may call socket_cb to unwatch them. */
	curl_multi_cleanup(cu->multi);
	cu->multi = NULL;
	while (cu->socks != NULL)
		sock_unwatch(cu->socks);
	uv_timer_stop(&cu->timer);
	uv_close((uv_handle_t *)&cu->timer, timer_closed);
}
