/*
 * The host collector: keeps the /proc files it reads open and re-reads them
 * with pread from offset 0 into one buffer, parsing into a host_sample
 * without allocating. Filesystem sizes (statvfs) are separate because a dead
 * network filesystem can block: callers run host_collect_fs off the loop.
 */
#ifndef VIGIL_HOST_COLLECTOR_H
#define VIGIL_HOST_COLLECTOR_H

#include <stddef.h>

#include "host/sample.h"

struct conf_host;
struct host_collector;

/*
 * Opens the files under CONF's proc_root and compiles the process groups.
 * Returns a collector, or NULL with the reason in ERR (naming the file).
 */
struct host_collector *host_collector_open(const struct conf_host *conf, char *err, size_t errlen);
void host_collector_free(struct host_collector *c);

/*
 * Reads /proc into S (everything but filesystem sizes). /proc/mounts is
 * re-read every 30 s and /proc/vmstat every 15 s; between, their last values
 * are copied. Returns 0 or -1.
 */
int host_collect(struct host_collector *c, struct host_sample *s);
/* Makes the next host_collect re-read /proc/mounts and /proc/vmstat. */
void host_collector_refresh(struct host_collector *c);
/* Fills the sizes of S's filesystems with statvfs (may block: not on the loop). */
void host_collect_fs(struct host_sample *s);
/* Names of the process groups, in order (for labels). */
const char *host_collector_group(const struct host_collector *c, size_t i);
/* Whether interface NAME is up (from sys_root/class/net/NAME/operstate); -1 unknown. */
int host_net_up(const struct host_collector *c, const char *name);

#endif
