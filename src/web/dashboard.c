/* GET /dashboard and its two files: the operators' dashboard, served from the embedded assets. */
#include "web/dashboard.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/embed.h"
#include "web/web_int.h"

extern const struct embed_file vigil_web_assets[];

/* The files of the dashboard and how they are served. */
static const struct dashboard_file {
	const char *name;
	const char *type;
} dashboard_files[] = {
	{ "dashboard.js", "text/javascript; charset=utf-8" },
	{ "dashboard.css", "text/css; charset=utf-8" },
};

/* A strong ETag of F's bytes (FNV-1a, 64 bits): changes with the binary's assets. */
static void file_etag(const struct embed_file *f, char *out, size_t size)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < f->size; i++)
		h = (h ^ f->data[i]) * 0x100000001b3ULL;
	snprintf(out, size, "\"%016llx\"", (unsigned long long)h);
}

/* Answers the embedded file NAME as TYPE, or a 404 when it is not in the binary. */
static void serve(struct web_request *req, struct web_reply *rep, const char *name,
                  const char *type)
{
	const struct embed_file *f = embed_find(vigil_web_assets, name);
	char etag[sizeof(rep->etag)];

	if (f == NULL) {
		reply_json_error(rep, 404, "not_found", "no dashboard file %s in this build", name);
		return;
	}
	file_etag(f, etag, sizeof(etag));
	if (reply_not_modified(req, rep, etag))
		return;
	reply_borrowed(rep, 200, type, (const char *)f->data, f->size, etag);
	rep->cache_control = "no-cache";
}

void handle_dashboard_page(struct web_request *req, struct web_reply *rep)
{
	serve(req, rep, "dashboard.html", "text/html; charset=utf-8");
}

void handle_dashboard_asset(struct web_request *req, struct web_reply *rep)
{
	const char *file = route_param(&req->params, "file");
	size_t i;

	for (i = 0; file != NULL && i < sizeof(dashboard_files) / sizeof(dashboard_files[0]); i++)
		if (strcmp(file, dashboard_files[i].name) == 0) {
			serve(req, rep, dashboard_files[i].name, dashboard_files[i].type);
			return;
		}
	reply_json_error(rep, 404, "not_found",
	                 "no dashboard file of that name (dashboard.js, dashboard.css)");
}
