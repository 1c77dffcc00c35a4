/* GET /dashboard and its two files: the operators' dashboard, served from the embedded assets. */
#include "web/dashboard.h"

#include <string.h>

#include "web/web_int.h"

/* The files of the dashboard and how they are served. */
static const struct dashboard_file {
	const char *name;
	const char *type;
} dashboard_files[] = {
	{ "dashboard.js", "text/javascript; charset=utf-8" },
	{ "dashboard.css", "text/css; charset=utf-8" },
};

/* Answers the embedded file NAME as TYPE, or a 404 when it is not in the binary. */
static void serve(struct web_request *req, struct web_reply *rep, const char *name,
                  const char *type)
{
	if (!web_reply_asset(req, rep, name, type, "no-cache"))
		reply_json_error(rep, 404, "not_found", "no dashboard file %s in this build", name);
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
