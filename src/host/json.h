/* The host's current values as a JSON object (the API and `vigil metrics --json`). */
#ifndef VIGIL_HOST_JSON_H
#define VIGIL_HOST_JSON_H

#include <jansson.h>

#include "host/view.h"

/* A new object: cpu, memory, swap, load, filesystems, disks, network, processes, groups... */
json_t *host_view_json(const struct host_view *v);

#endif
