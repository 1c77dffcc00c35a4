/* Writing the Prometheus text exposition format (0.0.4), with correct escaping. */
#ifndef VIGIL_WEB_PROM_H
#define VIGIL_WEB_PROM_H

#include <stdint.h>

#include "util/histogram.h"

struct buf;

/* Writes "# HELP NAME HELP\n# TYPE NAME TYPE\n" (HELP escaped). */
void prom_family(struct buf *out, const char *name, const char *type, const char *help);
/*
 * Writes one sample: NAME{LABELS} VALUE. LABELS alternates names and values
 * and ends with NULL (values escaped: backslash, quote, newline). VALUE is
 * printed exactly for integers and with %.17g otherwise; NaN and ±Inf as
 * Prometheus spells them.
 */
void prom_sample(struct buf *out, const char *name, double value, ...) __attribute__((sentinel));
/* Same with a label list held in an array of 2*N strings. */
void prom_sample_v(struct buf *out, const char *name, const char *suffix, const char *const *labels,
                   int nlabels, double value);
/* Writes a histogram's _bucket/_sum/_count samples (values in seconds). */
void prom_histogram(struct buf *out, const char *name, const char *const *labels, int nlabels,
                    const struct histogram_view *v);
/* Appends S escaped as a label value. */
void prom_escape_label(struct buf *out, const char *s);

#endif
