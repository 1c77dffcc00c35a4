/* The operators' dashboard: a static HTML shell and its script and style, embedded. */
#ifndef VIGIL_WEB_DASHBOARD_H
#define VIGIL_WEB_DASHBOARD_H

struct web_request;
struct web_reply;

/*
 * GET /dashboard (public): the dashboard's page, the same bytes for every
 * request (no data of Vigil's in it: the script reads the API with the token
 * the operator enters). text/html, so the server adds the strict
 * Content-Security-Policy; "no-cache" with an ETag.
 */
void handle_dashboard_page(struct web_request *req, struct web_reply *rep);

/*
 * GET /dashboard/{file} (public): dashboard.js or dashboard.css from the
 * embedded assets with their content types; 404 for any other name.
 */
void handle_dashboard_asset(struct web_request *req, struct web_reply *rep);

#endif
