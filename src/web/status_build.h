/* Building the status page's view from a snapshot (status_view.c). */
#ifndef VIGIL_WEB_STATUS_BUILD_H
#define VIGIL_WEB_STATUS_BUILD_H

#include "web/status_view.h"

struct snapshot;
struct store_reader;

/*
 * The view of snapshot S: its public monitors, and the incidents read with R
 * (open ones and those of the last 14 days; NULL: none). Strings are the
 * snapshot's or the view's own: free it before dropping S.
 */
struct status_view *status_view_build(const struct snapshot *s, struct store_reader *r);
void status_view_free(struct status_view *v);

#endif
