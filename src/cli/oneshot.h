/* Running one monitor once, in-process, for the check and wait verbs. */
#ifndef VIGIL_CLI_ONESHOT_H
#define VIGIL_CLI_ONESHOT_H

#include <stdint.h>

#include "probe/probe.h"

struct vigil_config;
struct monitor_conf;

/*
 * Builds a config holding one monitor for TARGET: an http(s):// URL or
 * tcp://host:port, with TIMEOUT_MS. Returns it, or NULL after printing why.
 */
struct vigil_config *oneshot_config(const char *target, int64_t timeout_ms);

/*
 * Runs MON once on a loop of its own and fills RESULT (release it with
 * probe_result_free). Blocks until the run ends (it always does: the probe
 * watchdog bounds it by the monitor's timeout).
 */
void oneshot_run(const struct monitor_conf *mon, struct probe_result *result);

#endif
