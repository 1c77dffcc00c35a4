/* A small blocking client of a running daemon's HTTP API, for status, top and report. */
#ifndef VIGIL_CLI_CLIENT_H
#define VIGIL_CLI_CLIENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define CLIENT_DEFAULT_URL "http://127.0.0.1:8080"
#define CLIENT_BODY_MAX    (64u << 20) /* answers above this are refused */

/* What went wrong with a call: a closed set, with client_err_str(). */
enum client_err {
	CLIENT_OK,
	CLIENT_ECONNECT, /* refused, unreachable, unknown host */
	CLIENT_ETIMEOUT, /* no (whole) answer in time */
	CLIENT_EAUTH,    /* 401 or 403: no token, a wrong one, or too weak a role */
	CLIENT_EHTTP,    /* any other status outside 2xx */
	CLIENT_EJSON,    /* the answer is not JSON */
	CLIENT_ETOOBIG,  /* the answer passed CLIENT_BODY_MAX */
	CLIENT_EOTHER,   /* anything else libcurl reports */
};

const char *client_err_str(enum client_err e);

/* Where the daemon is and how to authenticate, as given on a command line. */
struct client_args {
	const char *url;        /* --url; NULL: $VIGIL_URL, else CLIENT_DEFAULT_URL */
	const char *token;      /* --token; NULL: see token_file */
	const char *token_file; /* --token-file; NULL: $VIGIL_TOKEN, else $VIGIL_TOKEN_FILE */
};

struct client;

/*
 * Makes a client for A (defaults from the environment), with a connect
 * timeout of CONNECT_MS and a whole-call timeout of TOTAL_MS. Returns it
 * (free with client_free), or NULL with the reason in ERR (a bad URL, an
 * unreadable or empty token file). Messages never contain the token.
 */
struct client *client_new(const struct client_args *a, long connect_ms, long total_ms, char *err,
                          size_t errlen);
void client_free(struct client *c);
/* The base URL, without a trailing slash. */
const char *client_url(const struct client *c);
bool client_has_token(const struct client *c);

/* The outcome of one call. */
struct client_reply {
	enum client_err err;
	long status;   /* HTTP status; 0 when there was no answer */
	json_t *json;  /* the decoded answer (owned by the reply), NULL on error */
	char msg[400]; /* what went wrong, naming the URL; "" when all went well */
};

/*
 * GET PATH ("/api/v1/monitors?limit=10"). Fills REP (release it with
 * client_reply_free) and returns 0 for a 2xx JSON answer, else -1 with
 * REP->err and REP->msg set. Blocks at most the client's timeout.
 */
int client_get(struct client *c, const char *path, struct client_reply *rep);
/* POST PATH with the JSON BODY ("" or NULL: none); like client_get. */
int client_post(struct client *c, const char *path, const char *body, struct client_reply *rep);
void client_reply_free(struct client_reply *rep);

/*
 * Percent-encodes S for a path segment or a query value into OUT (SIZE
 * bytes). Returns 0, or -1 when it does not fit.
 */
int client_escape(const char *s, char *out, size_t size);

#endif
