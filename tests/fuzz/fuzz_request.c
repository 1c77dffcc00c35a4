/*
 * libFuzzer target: a request through the router, authentication and the
 * handlers, without sockets. The input is an HTTP-like request:
 *
 *   METHOD PATH[?QUERY]\n
 *   Header: value\n ...
 *   \n
 *   body
 *
 * Deferred commands (the engine's) are dropped unanswered: the target
 * checks parsing and replies, not the engine.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uv.h>

#include "conf/conf.h"
#include "engine/engine.h"
#include "engine/snapshot.h"
#include "store/store.h"
#include "web/security.h"
#include "web/web_int.h"
#include "webstack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ADMIN "fuzz-admin-token-0123456789"

static struct webstack t;
static bool ready;

struct parsed {
	char *headers[16][2];
	size_t nheaders;
	char *query[16][2];
	size_t nquery;
};

static const char *header(void *cls, const char *name)
{
	const struct parsed *p = cls;
	size_t i;

	for (i = 0; i < p->nheaders; i++)
		if (strcasecmp(p->headers[i][0], name) == 0)
			return p->headers[i][1];
	return NULL;
}

static const char *query(void *cls, const char *name)
{
	const struct parsed *p = cls;
	size_t i;

	for (i = 0; i < p->nquery; i++)
		if (strcmp(p->query[i][0], name) == 0)
			return p->query[i][1];
	return NULL;
}

/* At exit: the store's temporary directory goes with it. */
static void close_stack(void)
{
	(void)webstack_close(&t);
}

static int setup(void)
{
	static const char yaml[] =
	        "auth:\n  tokens:\n    - {name: a, token: " ADMIN ", role: admin}\n"
	        "monitors:\n  - {name: One, type: tcp, host: 127.0.0.1, port: 9}\n"
	        "  - {name: Two, type: http, url: \"http://127.0.0.1:9/x?token=s\"}\n";
	if (webstack_open(&t, yaml, 1000) < 0)
		return -1;
	atexit(close_stack);
	ready = true;
	return 0;
}

/* Splits TEXT at SEP into at most MAX (key, value) pairs (in place). */
static size_t split_pairs(char *text, const char *sep, char kv, char *out[][2], size_t max)
{
	size_t n = 0;
	char *save = NULL, *item;

	for (item = strtok_r(text, sep, &save); item != NULL && n < max;
	     item = strtok_r(NULL, sep, &save)) {
		char *eq = strchr(item, kv);

		out[n][0] = item;
		out[n][1] = eq ? eq + 1 : (char *)"";
		if (eq != NULL)
			*eq = '\0';
		while (*out[n][1] == ' ')
			out[n][1]++;
		n++;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *line_end, *head_end, *body, *sp, *q, client[64];
	struct web_request req = { 0 };
	struct web_reply rep = { 0 };
	struct parsed p = { 0 };

	if (!ready && setup() < 0)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	if ((line_end = strchr(text, '\n')) == NULL || (sp = strchr(text, ' ')) == NULL ||
	    sp > line_end) {
		free(text);
		return 0;
	}
	*line_end = *sp = '\0';
	head_end = strstr(line_end + 1, "\n\n");
	body = head_end ? head_end + 2 : (char *)"";
	if (head_end != NULL)
		*head_end = '\0';
	p.nheaders = split_pairs(line_end + 1, "\n", ':', p.headers, 16);
	if ((q = strchr(sp + 1, '?')) != NULL) {
		*q = '\0';
		p.nquery = split_pairs(q + 1, "&", '=', p.query, 16);
	}
	req.web = t.web;
	req.snap = snapshot_box_acquire(&t.box);
	req.method = text;
	req.path = sp + 1;
	guard_client(req.snap->config, "127.0.0.1", header(&p, "X-Forwarded-For"),
	             header(&p, "Forwarded"), client, sizeof(client));
	req.client = client;
	req.header = header;
	req.query = query;
	req.cls = &p;
	req.body = body;
	req.body_len = strlen(body);
	web_dispatch(&req, &rep);
	if (rep.call != NULL) { /* both references: nobody will answer */
		web_call_unref(rep.call);
		web_call_unref(rep.call);
	} else if (rep.status < 100 || rep.status > 599 || rep.status >= 500) {
		if (rep.status != 503) /* the only 5xx allowed: unavailable */
			abort();
	}
	free(rep.owned);
	snapshot_unref(req.snap);
	free(text);
	return 0;
}
