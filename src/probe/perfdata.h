/*
 * Nagios plugin performance data: the text after '|' in a plugin's output,
 * items of 'label'=value[UOM];[warn];[crit];[min];[max] separated by blanks
 * (https://www.monitoring-plugins.org/doc/guidelines.html#AEN200). Parsed in
 * the C locale whatever the process locale, values brought to base units
 * (seconds, bytes) so that the metrics exporter can publish them as they are.
 */
#ifndef VIGIL_PROBE_PERFDATA_H
#define VIGIL_PROBE_PERFDATA_H

#include <stdbool.h>
#include <stddef.h>

#define PERFDATA_ITEMS_MAX 64  /* items kept per text; the rest are counted in dropped */
#define PERFDATA_LABEL_MAX 200 /* bytes of a label; longer items are malformed */
#define PERFDATA_UOM_MAX   16  /* bytes of a unit of measurement */

/* What a value measures, from its UOM. */
enum perfdata_unit {
	PERFDATA_NONE,    /* no UOM: a number of things (users, load) */
	PERFDATA_SECONDS, /* s ms us ns, converted to seconds */
	PERFDATA_BYTES,   /* B KB MB GB TB (powers of 1024), KiB..TiB, converted to bytes */
	PERFDATA_PERCENT, /* % */
	PERFDATA_COUNTER, /* c: a continuous counter */
	PERFDATA_OTHER,   /* any other UOM: the value is kept as written */
};

/*
 * A warning or critical threshold: Nagios range syntax [@][start:][end],
 * "10" = 0..10, "10:" = 10..inf, "~:10" = -inf..10, "@10:20" = alert inside.
 */
struct perfdata_range {
	const char *text;  /* as written, NULL when the field is empty or absent */
	bool valid;        /* text is a range (start <= end); start and end are set */
	bool inside;       /* '@': alert when start <= value <= end */
	double start, end; /* base units; -INFINITY for ~, INFINITY for an open end */
};

struct perfdata_item {
	const char *label; /* quotes removed, '' turned into ' */
	double value;      /* in base units; NAN for the literal U (unknown) */
	const char *uom;   /* the UOM as written ("ms"), "" for none */
	enum perfdata_unit unit;
	double scale; /* base units per written unit: value = written * scale */
	struct perfdata_range warn, crit;
	double min, max; /* base units; NAN when absent or not a number */
};

struct perfdata {
	struct perfdata_item *items;
	size_t n;       /* items kept */
	size_t skipped; /* malformed items left out */
	size_t dropped; /* well-formed items past PERFDATA_ITEMS_MAX */
	char *strings;  /* owns every string the items point to */
};

/*
 * Parses LEN bytes of TEXT (need not be NUL-terminated; a NUL byte counts
 * as a blank) into OUT, which the caller releases with perfdata_free. Never
 * fails on input: malformed items are skipped and counted. Numbers are read
 * in the C locale, never the process's. Returns the number of items kept.
 */
int perfdata_parse(const char *text, size_t len, struct perfdata *out);

/* Frees what OUT holds; a zeroed struct is fine, and it is zeroed after. */
void perfdata_free(struct perfdata *pd);

/* The first item labelled LABEL, or NULL. */
const struct perfdata_item *perfdata_find(const struct perfdata *pd, const char *label);

/*
 * The name of an item's base unit, for a metric label: "seconds", "bytes",
 * "percent", "counter", "" for none, and the UOM as written for others.
 */
const char *perfdata_unit_name(const struct perfdata_item *it);

/* True when V (base units) raises an alert under R; false when R is not valid. */
bool perfdata_range_alerts(const struct perfdata_range *r, double v);

#endif
