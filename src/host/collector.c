/* Reading /proc into host samples: open once, pread every time, parse in place. */
#include "host/collector.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "conf/conf.h"
#include "host/host_int.h"
#include "util/time.h"
#include "util/xmalloc.h"

#define BUF_START (64 * 1024)
#define BUF_MAX   (16 * 1024 * 1024) /* /proc files larger than this are cut */

enum host_file {
	F_STAT,
	F_MEMINFO,
	F_LOADAVG,
	F_UPTIME,
	F_VMSTAT,
	F_FILENR,
	F_DISKSTATS,
	F_NETDEV,
	F_MOUNTS,
	HOST_FILES
};

static const char *const file_names[HOST_FILES] = {
	"stat",           "meminfo",   "loadavg", "uptime", "vmstat",
	"sys/fs/file-nr", "diskstats", "net/dev", "mounts",
};

struct host_collector {
	char root[256], sys_root[256];
	bool loopback;
	char **fs_only;
	size_t nfs_only;
	struct proc_group groups[HOST_MAX_GROUPS];
	size_t ngroups;
	regex_t disk_skip; /* partitions, loop and ram devices, as node_exporter skips them */
	int fds[HOST_FILES];
	char *buf;
	size_t cap;
	/* /proc/mounts is costly to generate and rarely changes: re-read every MOUNTS_EVERY_NS */
	struct host_fs mounts[HOST_MAX_FS];
	size_t nmounts;
	int64_t mounts_ns;
	/*
	 * /proc/vmstat is the costliest file to generate (~150 lines) and Vigil
	 * only exports seven slow counters of it: re-read every VMSTAT_EVERY_NS.
	 */
	uint64_t vmstat[7];
	int64_t vmstat_ns;
};

#define MOUNTS_EVERY_NS (30LL * 1000000000LL)
#define VMSTAT_EVERY_NS (15LL * 1000000000LL)

void host_collector_refresh(struct host_collector *c)
{
	c->mounts_ns = 0;
	c->vmstat_ns = 0;
}

const char *host_collector_group(const struct host_collector *c, size_t i)
{
	return i < c->ngroups ? c->groups[i].name : "";
}

static void copy_config(struct host_collector *c, const struct conf_host *conf)
{
	const struct conf_host_group *g = conf->processes.v;
	size_t i;

	snprintf(c->root, sizeof(c->root), "%s", conf->proc_root);
	snprintf(c->sys_root, sizeof(c->sys_root), "%s", conf->sys_root);
	c->loopback = conf->loopback;
	c->nfs_only = conf->filesystems.n;
	c->fs_only = xcalloc(c->nfs_only + 1, sizeof(char *));
	for (i = 0; i < c->nfs_only; i++)
		c->fs_only[i] = xstrdup(conf->filesystems.v[i]);
	for (i = 0; i < conf->processes.n && i < HOST_MAX_GROUPS; i++) {
		snprintf(c->groups[i].name, sizeof(c->groups[i].name), "%s", g[i].name);
		if (regcomp(&c->groups[i].re, g[i].match, REG_EXTENDED | REG_NOSUB) != 0)
			regcomp(&c->groups[i].re, "^$",
			        REG_EXTENDED | REG_NOSUB); /* validated at load */
		c->ngroups++;
	}
	regcomp(&c->disk_skip, "^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme[0-9]+n[0-9]+p)[0-9]+$",
	        REG_EXTENDED | REG_NOSUB);
}

struct host_collector *host_collector_open(const struct conf_host *conf, char *err, size_t errlen)
{
	struct host_collector *c = xcalloc(1, sizeof(*c));
	char path[512];
	int i;

	copy_config(c, conf);
	c->cap = BUF_START;
	c->buf = xmalloc(c->cap);
	for (i = 0; i < HOST_FILES; i++) {
		snprintf(path, sizeof(path), "%s/%s", c->root, file_names[i]);
		c->fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (c->fds[i] < 0 && (i == F_STAT || i == F_MEMINFO)) {
			snprintf(err, errlen, "host: cannot open %s: %s", path, strerror(errno));
			host_collector_free(c);
			return NULL;
		}
	}
	return c;
}

void host_collector_free(struct host_collector *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < HOST_FILES; i++)
		if (c->fds[i] > 0)
			close(c->fds[i]);
	for (i = 0; i < c->ngroups; i++)
		regfree(&c->groups[i].re);
	regfree(&c->disk_skip);
	for (i = 0; i < c->nfs_only; i++)
		free(c->fs_only[i]);
	free(c->fs_only);
	free(c->buf);
	free(c);
}

/* Reads the whole file FD from offset 0 into c->buf; returns the text or NULL. */
static const char *reread(struct host_collector *c, int fd)
{
	size_t got = 0;
	ssize_t n;

	if (fd < 0)
		return NULL;
	for (;;) {
		n = pread(fd, c->buf + got, c->cap - got - 1, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		/*
		 * /proc files are generated on every read, at any offset: asking
		 * for more after a short read costs a second generation. A short
		 * read under a page is the whole file (seq_file hands out at least
		 * a page per call when there is more).
		 */
		if ((size_t)n < c->cap - (got - (size_t)n) - 1 && got < 4096)
			break;
		if (got + 1 == c->cap) {
			if (c->cap >= BUF_MAX)
				break;
			c->cap *= 2;
			c->buf = xrealloc(c->buf, c->cap);
		}
	}
	if (n < 0 && got == 0)
		return NULL;
	c->buf[got] = '\0';
	return c->buf;
}

static void drop_partitions(struct host_collector *c, struct host_sample *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->ndisks; i++)
		if (regexec(&c->disk_skip, s->disks[i].name, 0, NULL, 0) != 0)
			s->disks[n++] = s->disks[i];
	s->ndisks = n;
}

int host_collect(struct host_collector *c, struct host_sample *s)
{
	const char *t;
	int r = 0;

	s->mono_ns = time_mono_ns();
	s->wall_ms = time_wall_ms();
	if ((t = reread(c, c->fds[F_STAT])) == NULL || host_parse_stat(t, s) < 0)
		r = -1;
	if ((t = reread(c, c->fds[F_MEMINFO])) == NULL || host_parse_meminfo(t, s) < 0)
		r = -1;
	if ((t = reread(c, c->fds[F_LOADAVG])) != NULL)
		host_parse_loadavg(t, s);
	if ((t = reread(c, c->fds[F_UPTIME])) != NULL)
		host_parse_uptime(t, s);
	if (c->vmstat_ns == 0 || s->mono_ns - c->vmstat_ns >= VMSTAT_EVERY_NS) {
		if ((t = reread(c, c->fds[F_VMSTAT])) != NULL)
			host_parse_vmstat(t, s);
		c->vmstat_ns = s->mono_ns;
		memcpy(c->vmstat,
		       (uint64_t[]){ s->pswpin, s->pswpout, s->pgfault, s->pgmajfault, s->pgpgin,
		                     s->pgpgout, s->oom_kill },
		       sizeof(c->vmstat));
	} else {
		s->pswpin = c->vmstat[0];
		s->pswpout = c->vmstat[1];
		s->pgfault = c->vmstat[2];
		s->pgmajfault = c->vmstat[3];
		s->pgpgin = c->vmstat[4];
		s->pgpgout = c->vmstat[5];
		s->oom_kill = c->vmstat[6];
	}
	if ((t = reread(c, c->fds[F_FILENR])) != NULL)
		host_parse_filenr(t, s);
	s->ndisks = 0;
	if ((t = reread(c, c->fds[F_DISKSTATS])) != NULL) {
		host_parse_diskstats(t, s);
		drop_partitions(c, s);
	}
	s->nnet = 0;
	if ((t = reread(c, c->fds[F_NETDEV])) != NULL)
		host_parse_netdev(t, s, c->loopback);
	if (c->mounts_ns == 0 || s->mono_ns - c->mounts_ns >= MOUNTS_EVERY_NS) {
		s->nfs = 0;
		if ((t = reread(c, c->fds[F_MOUNTS])) != NULL)
			host_parse_mounts(t, s, (const char *const *)c->fs_only, c->nfs_only);
		memcpy(c->mounts, s->fs, s->nfs * sizeof(s->fs[0]));
		c->nmounts = s->nfs;
		c->mounts_ns = s->mono_ns;
	} else {
		memcpy(s->fs, c->mounts, c->nmounts * sizeof(s->fs[0]));
		s->nfs = c->nmounts;
	}
	host_collect_groups(c->root, c->groups, c->ngroups, s);
	return r;
}

void host_collect_fs(struct host_sample *s)
{
	size_t i;

	for (i = 0; i < s->nfs; i++) {
		struct host_fs *f = &s->fs[i];
		struct statvfs v;

		f->stat_ok = statvfs(f->mountpoint, &v) == 0;
		if (!f->stat_ok)
			continue;
		f->size = (uint64_t)v.f_blocks * v.f_frsize;
		f->free = (uint64_t)v.f_bfree * v.f_frsize;
		f->avail = (uint64_t)v.f_bavail * v.f_frsize;
		f->files = v.f_files;
		f->files_free = v.f_ffree;
	}
}

int host_net_up(const struct host_collector *c, const char *name)
{
	char path[512], state[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/class/net/%s/operstate", c->sys_root, name);
	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	if (fgets(state, sizeof(state), f) == NULL)
		state[0] = '\0';
	fclose(f);
	return strncmp(state, "up", 2) == 0;
}
