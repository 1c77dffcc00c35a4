/* Rates and percentages derived from two host samples. */
#ifndef VIGIL_HOST_RATES_H
#define VIGIL_HOST_RATES_H

#include <stdbool.h>

#include "host/sample.h"

struct host_disk_rates {
	double read_bps, write_bps, read_iops, write_iops, util_pct;
};

struct host_net_rates {
	double rx_bps, tx_bps, rx_pps, tx_pps, rx_errs_ps, tx_errs_ps, rx_drop_ps, tx_drop_ps;
};

struct host_rates {
	bool valid;                /* false for a first sample: no rates yet */
	double seconds;            /* between the two samples */
	double cpu_pct[CPU_MODES]; /* share of all CPUs' time per mode, 0..100 */
	double cpu_busy;           /* 100 - idle - iowait */
	double core_busy[HOST_MAX_CPUS];
	uint64_t mem_total, mem_available, mem_used;
	double mem_used_pct;
	uint64_t swap_total, swap_used;
	double swap_used_pct;
	double load_per_core;
	double ctxt_ps, forks_ps, intr_ps;
	struct host_disk_rates disk[HOST_MAX_DISKS];                 /* aligned with cur->disks */
	struct host_net_rates net[HOST_MAX_IFACES];                  /* aligned with cur->net */
	double fs_used_pct[HOST_MAX_FS], fs_inodes_pct[HOST_MAX_FS]; /* -1 unknown */
	double group_cpu_pct[HOST_MAX_GROUPS];                       /* of one core */
};

/*
 * Derives OUT from the samples PREV (may be NULL: gauges only) and CUR. A
 * counter that went backwards (a device re-created, a wrap) counts from 0;
 * a device missing from PREV has rates 0.
 */
void host_rates(const struct host_sample *prev, const struct host_sample *cur,
                struct host_rates *out);

#endif
