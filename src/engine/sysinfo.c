/* System figures for /health (disk of the data directory, CPU, memory), read off the loop. */
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "engine/engine_int.h"
#include "store/store.h"
#include "util/time.h"
#include "util/xmalloc.h"

/* Threadpool side: only touches e->sys_work and immutable fields. */
static void sysinfo_work(uv_work_t *req)
{
	struct engine *e = req->data;
	struct sysinfo_result *r = &e->sys_work;
	char *dir = xstrdup(store_path(e->store));
	struct statvfs vfs;
	char buf[16384];
	struct mem_info mem;

	memset(r, 0, sizeof(*r));
	if (statvfs(dirname(dir), &vfs) == 0) {
		r->disk.known = true;
		r->disk.total = (uint64_t)vfs.f_blocks * vfs.f_frsize;
		r->disk.free = (uint64_t)vfs.f_bfree * vfs.f_frsize;
		r->disk.avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	}
	free(dir);
	r->db_size = store_file_size(e->store);
	if (procfs_read(NULL, "stat", buf, sizeof(buf)) > 0) {
		r->cpu_ok = procfs_cpu_total(buf, &r->cpu) == 0;
		r->system.ncpu = procfs_cpu_count(buf);
	}
	if (procfs_read(NULL, "meminfo", buf, sizeof(buf)) > 0 && procfs_meminfo(buf, &mem) == 0) {
		r->system.mem_known = true;
		r->system.mem_total = mem.total;
		r->system.mem_available = mem.available;
	}
}

/* Loop side: takes the result, computing CPU % against the previous sample. */
static void sysinfo_done(uv_work_t *req, int status)
{
	struct engine *e = req->data;
	struct sysinfo_result *r = &e->sys_work;

	e->sysinfo_busy = false;
	if (status == 0) {
		r->system.cpu_known = false;
		if (r->cpu_ok && e->sys.cpu_ok) {
			double pct = procfs_cpu_busy_percent(&e->sys.cpu, &r->cpu);

			r->system.cpu_known = pct >= 0;
			r->system.cpu_percent = pct >= 0 ? pct : 0;
		}
		if (!r->system.cpu_known && e->sys.system.cpu_known) {
			r->system.cpu_known = true; /* keep the last figure until a new one */
			r->system.cpu_percent = e->sys.system.cpu_percent;
		}
		e->sys = *r;
		engine_mark_dirty(e);
	}
	engine_maybe_free(e);
}

void engine_sysinfo_tick(struct engine *e)
{
	if (e->sysinfo_busy || e->closing)
		return;
	e->sysinfo_req.data = e;
	e->sysinfo_ns = time_mono_ns();
	if (uv_queue_work(e->loop, &e->sysinfo_req, sysinfo_work, sysinfo_done) == 0)
		e->sysinfo_busy = true;
}
