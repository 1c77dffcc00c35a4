/* Internals shared by the host collector's files. */
#ifndef VIGIL_HOST_INT_H
#define VIGIL_HOST_INT_H

#include <regex.h>
#include <stddef.h>

#include "host/sample.h"

struct proc_group {
	char name[64];
	regex_t re; /* on the command line */
};

/*
 * Scans ROOT (a /proc) for processes whose command line matches each of the
 * NGROUPS GROUPS, summing them into S->groups.
 */
void host_collect_groups(const char *root, const struct proc_group *groups, size_t ngroups,
                         struct host_sample *s);

#endif
