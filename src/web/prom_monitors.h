/* Prometheus metrics of the monitors and the scheduler, from a snapshot. */
#ifndef VIGIL_WEB_PROM_MONITORS_H
#define VIGIL_WEB_PROM_MONITORS_H

struct buf;
struct snapshot;

void prom_monitors_render(const struct snapshot *s, struct buf *out);

#endif
