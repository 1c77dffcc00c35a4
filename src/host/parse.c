/* Parsers of /proc files into a host sample: pure functions, no allocation. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/sample.h"

const char *const host_cpu_mode_names[CPU_MODES] = {
	"user", "nice",    "system", "idle",  "iowait",
	"irq",  "softirq", "steal",  "guest", "guest_nice",
};

/* Reads an unsigned integer at *P, skipping blanks; returns 0 or -1. */
static int read_u64(const char **p, uint64_t *out)
{
	const char *s = *p;
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	*out = strtoull(s, &end, 10);
	*p = end;
	return 0;
}

static const char *next_line(const char *p)
{
	const char *nl = strchr(p, '\n');

	return nl ? nl + 1 : p + strlen(p);
}

/* Copies the word at *P (up to a blank or STOP) into OUT; returns its length. */
static size_t read_word(const char **p, char *out, size_t size, char stop)
{
	const char *s = *p;
	size_t n = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	while (*s && *s != ' ' && *s != '\t' && *s != '\n' && *s != stop) {
		if (n + 1 < size)
			out[n++] = *s;
		s++;
	}
	out[n] = '\0';
	*p = s;
	return n;
}

static void parse_cpu_line(const char *p, struct host_cpu *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < CPU_MODES; i++)
		if (read_u64(&p, &c->ticks[i]) < 0)
			break;
}

int host_parse_stat(const char *text, struct host_sample *s)
{
	const char *p;
	int got_total = 0;

	s->ncpu = 0;
	for (p = text; *p; p = next_line(p)) {
		const char *v;

		if (strncmp(p, "cpu ", 4) == 0) {
			parse_cpu_line(p + 4, &s->total);
			got_total = 1;
		} else if (strncmp(p, "cpu", 3) == 0 && isdigit((unsigned char)p[3])) {
			char *end;
			long n = strtol(p + 3, &end, 10);

			if (n >= 0 && n < HOST_MAX_CPUS) {
				parse_cpu_line(end, &s->cpu[n]);
				if (n + 1 > s->ncpu)
					s->ncpu = (int)n + 1;
			}
		} else if (strncmp(p, "ctxt ", 5) == 0) {
			v = p + 5;
			(void)read_u64(&v, &s->ctxt);
		} else if (strncmp(p, "intr ", 5) == 0) {
			v = p + 5;
			(void)read_u64(&v, &s->intr);
		} else if (strncmp(p, "btime ", 6) == 0) {
			v = p + 6;
			(void)read_u64(&v, &s->btime);
		} else if (strncmp(p, "processes ", 10) == 0) {
			v = p + 10;
			(void)read_u64(&v, &s->forks);
		} else if (strncmp(p, "procs_running ", 14) == 0) {
			s->procs_running = (uint32_t)strtoul(p + 14, NULL, 10);
		} else if (strncmp(p, "procs_blocked ", 14) == 0) {
			s->procs_blocked = (uint32_t)strtoul(p + 14, NULL, 10);
		}
	}
	return got_total ? 0 : -1;
}

int host_parse_meminfo(const char *text, struct host_sample *s)
{
	const char *p;

	s->nmem = 0;
	for (p = text; *p && s->nmem < HOST_MAX_MEMINFO; p = next_line(p)) {
		struct host_meminfo *m = &s->mem[s->nmem];
		const char *colon = strchr(p, ':'), *v;
		size_t len;

		if (colon == NULL || colon > next_line(p))
			continue;
		len = (size_t)(colon - p);
		if (len == 0 || len >= sizeof(m->name))
			continue;
		memcpy(m->name, p, len);
		m->name[len] = '\0';
		v = colon + 1;
		if (read_u64(&v, &m->value) < 0)
			continue;
		while (*v == ' ')
			v++;
		m->kb = strncmp(v, "kB", 2) == 0;
		if (m->kb)
			m->value *= 1024;
		s->nmem++;
	}
	return host_meminfo_get(s, "MemTotal") < 0 ? -1 : 0;
}

int64_t host_meminfo_get(const struct host_sample *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nmem; i++)
		if (strcmp(s->mem[i].name, name) == 0)
			return (int64_t)s->mem[i].value;
	return -1;
}

int host_parse_loadavg(const char *text, struct host_sample *s)
{
	unsigned running = 0, total = 0;

	if (sscanf(text, "%lf %lf %lf %u/%u", &s->load[0], &s->load[1], &s->load[2], &running,
	           &total) < 3)
		return -1;
	s->threads_running = running;
	s->threads_total = total;
	return 0;
}

int host_parse_uptime(const char *text, struct host_sample *s)
{
	return sscanf(text, "%lf", &s->uptime) == 1 ? 0 : -1;
}

int host_parse_filenr(const char *text, struct host_sample *s)
{
	unsigned long long alloc, unused, max;

	if (sscanf(text, "%llu %llu %llu", &alloc, &unused, &max) != 3)
		return -1;
	s->filefd_allocated = alloc;
	s->filefd_maximum = max;
	return 0;
}

int host_parse_vmstat(const char *text, struct host_sample *s)
{
	static const struct {
		const char *name;
		size_t off;
	} keys[] = {
		{ "pswpin ", offsetof(struct host_sample, pswpin) },
		{ "pswpout ", offsetof(struct host_sample, pswpout) },
		{ "pgfault ", offsetof(struct host_sample, pgfault) },
		{ "pgmajfault ", offsetof(struct host_sample, pgmajfault) },
		{ "pgpgin ", offsetof(struct host_sample, pgpgin) },
		{ "pgpgout ", offsetof(struct host_sample, pgpgout) },
		{ "oom_kill ", offsetof(struct host_sample, oom_kill) },
	};
	const char *p;
	size_t i;
	int found = 0;

	for (p = text; *p; p = next_line(p)) {
		if (*p != 'p' && *p != 'o') /* every key wanted starts with p or o */
			continue;
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			size_t len = strlen(keys[i].name);
			const char *v = p + len;

			if (strncmp(p, keys[i].name, len) == 0 &&
			    read_u64(&v, (uint64_t *)((char *)s + keys[i].off)) == 0)
				found++;
		}
	}
	return found ? 0 : -1;
}

int host_parse_diskstats(const char *text, struct host_sample *s)
{
	const char *p;

	s->ndisks = 0;
	for (p = text; *p && s->ndisks < HOST_MAX_DISKS; p = next_line(p)) {
		struct host_disk *d = &s->disks[s->ndisks];
		uint64_t major, minor;
		const char *v = p;
		int i;

		if (read_u64(&v, &major) < 0 || read_u64(&v, &minor) < 0 ||
		    read_word(&v, d->name, sizeof(d->name), 0) == 0)
			continue;
		memset(d->v, 0, sizeof(d->v));
		for (i = 0; i < DISK_FIELDS && read_u64(&v, &d->v[i]) == 0; i++)
			;
		if (i < 11)
			continue; /* a partition line of an old kernel (4 fields): not a disk */
		d->nfields = i;
		s->ndisks++;
	}
	return 0;
}

int host_parse_netdev(const char *text, struct host_sample *s, bool loopback)
{
	const char *p;

	s->nnet = 0;
	for (p = text; *p && s->nnet < HOST_MAX_IFACES; p = next_line(p)) {
		struct host_net *n = &s->net[s->nnet];
		const char *colon = strchr(p, ':'), *v;
		int i;

		if (colon == NULL || colon > next_line(p))
			continue; /* the two header lines */
		v = p;
		read_word(&v, n->name, sizeof(n->name), ':');
		if (n->name[0] == '\0' || (!loopback && strcmp(n->name, "lo") == 0))
			continue;
		v = colon + 1;
		for (i = 0; i < NET_FIELDS; i++)
			if (read_u64(&v, &n->v[i]) < 0)
				break;
		if (i == NET_FIELDS)
			s->nnet++;
	}
	return 0;
}

bool host_fstype_pseudo(const char *t)
{
	/* node_exporter's default exclusions, so both report the same filesystems */
	static const char *const pseudo[] = {
		"autofs",    "binfmt_misc", "bpf",    "cgroup",     "cgroup2",
		"configfs",  "debugfs",     "devpts", "devtmpfs",   "fusectl",
		"hugetlbfs", "iso9660",     "mqueue", "nsfs",       "overlay",
		"proc",      "procfs",      "pstore", "rpc_pipefs", "securityfs",
		"selinuxfs", "squashfs",    "sysfs",  "tracefs",    NULL,
	};
	size_t i;

	for (i = 0; pseudo[i] != NULL; i++)
		if (strcmp(t, pseudo[i]) == 0)
			return true;
	return false;
}

static bool mountpoint_ignored(const char *m)
{
	static const char *const prefixes[] = { "/dev",
		                                "/proc",
		                                "/sys",
		                                "/run/credentials/",
		                                "/var/lib/docker/",
		                                "/var/lib/containers/storage/",
		                                NULL };
	size_t i, len;

	for (i = 0; prefixes[i] != NULL; i++) {
		len = strlen(prefixes[i]);
		if (strncmp(m, prefixes[i], len) == 0 &&
		    (prefixes[i][len - 1] == '/' || m[len] == '\0' || m[len] == '/'))
			return true;
	}
	return false;
}

/* Undoes the octal escapes of /proc/mounts ("\040" for a space). */
static void unescape(char *s)
{
	char *r = s, *w = s;

	while (*r) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 4;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

static bool wanted(const struct host_fs *f, const char *const *only, size_t nonly)
{
	size_t i;

	if (nonly == 0)
		return !host_fstype_pseudo(f->fstype) && !mountpoint_ignored(f->mountpoint);
	for (i = 0; i < nonly; i++)
		if (strcmp(only[i], f->mountpoint) == 0)
			return true;
	return false;
}

int host_parse_mounts(const char *text, struct host_sample *s, const char *const *only,
                      size_t nonly)
{
	const char *p;
	size_t i;

	s->nfs = 0;
	for (p = text; *p && s->nfs < HOST_MAX_FS; p = next_line(p)) {
		struct host_fs *f = &s->fs[s->nfs];
		char opts[256];
		const char *v = p;

		memset(f, 0, sizeof(*f));
		if (read_word(&v, f->device, sizeof(f->device), 0) == 0 ||
		    read_word(&v, f->mountpoint, sizeof(f->mountpoint), 0) == 0 ||
		    read_word(&v, f->fstype, sizeof(f->fstype), 0) == 0)
			continue;
		read_word(&v, opts, sizeof(opts), 0);
		unescape(f->device);
		unescape(f->mountpoint);
		f->readonly = strncmp(opts, "ro", 2) == 0 && (opts[2] == ',' || opts[2] == '\0');
		if (!wanted(f, only, nonly))
			continue;
		for (i = 0; i < s->nfs && strcmp(s->fs[i].mountpoint, f->mountpoint) != 0; i++)
			;
		if (i == s->nfs)
			s->nfs++;
		else /* mounted over: the last mount is the one visible */
			s->fs[i] = *f;
	}
	return 0;
}
