/* Prometheus metrics of the host, node_exporter-compatible, from a host view. */
#ifndef VIGIL_WEB_PROM_HOST_H
#define VIGIL_WEB_PROM_HOST_H

struct buf;
struct host_view;

/* Writes nothing when V is NULL (host metrics off, or no sample yet). */
void prom_host_render(const struct host_view *v, struct buf *out);

#endif
