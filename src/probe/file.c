/*
 * The file probe: a path exists, was modified recently enough (max_age) and
 * has a plausible size (min_size, max_size). One uv_fs_stat off the loop;
 * symbolic links are followed.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/monitors.h"
#include "conf/value.h"
#include "probe/probe.h"
#include "util/time.h"
#include "util/xmalloc.h"

#define MS_PER_HOUR (3600 * MS_PER_SEC)
#define MS_PER_DAY  (24 * MS_PER_HOUR)

struct file_conf {
	char *path;
	int64_t max_age;  /* ms; 0: any age */
	int64_t min_size; /* bytes; 0: any size */
	int64_t max_size; /* bytes; 0: no limit */
};

struct file_run {
	struct probe_run *run;
	const struct file_conf *conf;
	uv_fs_t req;
	bool ended; /* cancelled: the stat callback only cleans up */
};

static const char *const file_placeholders[] = { "EXISTS", "AGE", "SIZE", "RESPONSE_TIME", NULL };

/* True when a condition of MON asks whether the file exists: then a missing file is data. */
static bool asks_exists(const struct monitor_conf *mon)
{
	size_t i;

	for (i = 0; i < mon->conditions.n; i++)
		if (strstr(mon->conditions.v[i], "[EXISTS]") != NULL)
			return true;
	for (i = 0; i < mon->degraded_if.n; i++)
		if (strstr(mon->degraded_if.v[i], "[EXISTS]") != NULL)
			return true;
	return false;
}

/* Writes AGE_MS for people: seconds under an hour, minutes under a day, hours beyond. */
static void age_format(int64_t age_ms, char *out, size_t size)
{
	int64_t unit = age_ms < MS_PER_HOUR  ? MS_PER_SEC
	               : age_ms < MS_PER_DAY ? 60 * MS_PER_SEC
	                                     : MS_PER_HOUR;

	conf_duration_format(age_ms / unit * unit, out, size);
}

static void stat_failed(struct file_run *f, int err)
{
	struct probe_result *r = &f->run->result;
	const char *path = f->conf->path;

	probe_result_value(r, "exists", 0);
	switch (err) {
	case UV_ENOENT:
	case UV_ENOTDIR:
	case UV_ELOOP:
		probe_result_set(r, asks_exists(f->run->mon) ? PROBE_OK : PROBE_FILE_MISSING,
		                 "%.200s does not exist%s", path,
		                 err == UV_ENOENT    ? ""
		                 : err == UV_ENOTDIR ? " (a parent is not a directory)"
		                                     : " (a loop of symbolic links)");
		break;
	case UV_EACCES:
	case UV_EPERM:
		probe_result_set(r, PROBE_NOT_PERMITTED, "%.200s: permission denied to uid %u",
		                 path, (unsigned)geteuid());
		break;
	default:
		probe_result_set(r, PROBE_INTERNAL_ERROR, "%.200s: %s", path, uv_strerror(err));
		break;
	}
}

/* Sets the values of an existing file and the verdict of max_age, min_size and max_size. */
static void judge_stat(struct file_run *f, const uv_stat_t *st)
{
	const struct file_conf *c = f->conf;
	struct probe_result *r = &f->run->result;
	int64_t mtime = (int64_t)st->st_mtim.tv_sec * MS_PER_SEC + st->st_mtim.tv_nsec / 1000000;
	int64_t age = time_wall_ms() - mtime, size = (int64_t)st->st_size;
	bool dir = S_ISDIR(st->st_mode);
	char a[32], lim[32];

	age = age > 0 ? age : 0; /* modified "in the future": a clock step */
	probe_result_value(r, "exists", 1);
	probe_result_value(r, "age_seconds", (double)age / 1e3);
	probe_result_value(r, "size_bytes", (double)size);
	age_format(age, a, sizeof(a));
	if (c->max_age > 0 && age > c->max_age) {
		conf_duration_format(c->max_age, lim, sizeof(lim));
		probe_result_set(r, PROBE_FILE_STALE, "modified %s ago, max_age %s", a, lim);
	} else if (!dir && c->min_size > 0 && size < c->min_size) {
		conf_size_format(c->min_size, lim, sizeof(lim));
		probe_result_set(r, PROBE_FILE_TOO_SMALL, "%lld bytes, min_size %s",
		                 (long long)size, lim);
	} else if (!dir && c->max_size > 0 && size > c->max_size) {
		conf_size_format(c->max_size, lim, sizeof(lim));
		probe_result_set(r, PROBE_CONDITION_FAILED, "%lld bytes, max_size %s",
		                 (long long)size, lim);
	} else if (dir) {
		probe_result_set(r, PROBE_OK, "directory, modified %s ago", a);
	} else {
		probe_result_set(r, PROBE_OK, "%lld bytes, modified %s ago", (long long)size, a);
	}
}

static void on_stat(uv_fs_t *req)
{
	struct file_run *f = req->data;
	struct probe_run *run = f->run;

	if (run != NULL) { /* else the run ended without us: only clean up */
		run->result.latency_ns = time_mono_ns() - run->start_ns;
		if (req->result < 0)
			stat_failed(f, (int)req->result);
		else
			judge_stat(f, &req->statbuf);
	}
	uv_fs_req_cleanup(req);
	free(f);
	if (run != NULL) {
		run->priv = NULL;
		probe_run_finish(run);
	}
}

static int file_start(struct probe_run *run)
{
	struct file_run *f = xcalloc(1, sizeof(*f));
	int r;

	f->run = run;
	f->conf = run->mon->probe_conf;
	f->req.data = f;
	r = uv_fs_stat(run->env->loop, &f->req, f->conf->path, on_stat);
	if (r < 0) {
		uv_fs_req_cleanup(&f->req);
		free(f);
		probe_result_set(&run->result, PROBE_INTERNAL_ERROR, "cannot stat: %s",
		                 uv_strerror(r));
		return -1;
	}
	run->priv = f;
	return 0;
}

/*
 * The outcome is set. The run ends now, even when the stat is stuck in the
 * kernel (a hung network mount): the request is detached and frees itself
 * whenever it returns, if ever.
 */
static void file_cancel(struct probe_run *run)
{
	struct file_run *f = run->priv;

	if (f == NULL || f->ended)
		return;
	f->ended = true;
	f->run = NULL;
	run->priv = NULL;
	run->result.latency_ns = time_mono_ns() - run->start_ns;
	(void)uv_cancel((uv_req_t *)&f->req); /* when it wins, on_stat runs soon */
	probe_run_finish(run);
}

static int file_get(const struct probe_result *r, const char *name, const char *key,
                    struct cond_value *out)
{
	double exists = 0, v;

	(void)key;
	(void)probe_result_get_value(r, "exists", &exists);
	if (strcmp(name, "EXISTS") == 0)
		*out = (struct cond_value){ COND_BOOL, exists != 0, NULL, 0 };
	else if (strcmp(name, "RESPONSE_TIME") == 0)
		*out = (struct cond_value){ COND_DURATION, (double)r->latency_ns / 1e6, NULL, 0 };
	else if (strcmp(name, "AGE") == 0 && probe_result_get_value(r, "age_seconds", &v) == 0)
		*out = (struct cond_value){ COND_DURATION, v * 1e3, NULL, 0 };
	else if (strcmp(name, "SIZE") == 0 && probe_result_get_value(r, "size_bytes", &v) == 0)
		*out = (struct cond_value){ COND_NUMBER, v, NULL, 0 };
	else
		return -1;
	return 0;
}

static void file_finish(struct conf_ctx *ctx, yaml_node_t *node, void *obj)
{
	struct file_conf *c = obj;

	if (c->path != NULL && c->path[0] != '/')
		conf_error_key(ctx, node, "path", "\"%s\" is not an absolute path", c->path);
	if (c->max_size > 0 && c->max_size < c->min_size)
		conf_error_key(ctx, node, "max_size", "is less than min_size");
}

static const struct conf_key file_keys[] = {
	{ .name = "path",
	  .type = CONF_STRING,
	  .offset = offsetof(struct file_conf, path),
	  .flags = CONF_REQUIRED,
	  .help = "absolute path of the file or directory (symbolic links are followed), "
	          "e.g. /var/backups/db.dump" },
	{ .name = "max_age",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct file_conf, max_age),
	  .min = 0,
	  .max = INT64_MAX,
	  .help = "down when last modified longer ago than this, e.g. 25h; 0: any age" },
	{ .name = "min_size",
	  .type = CONF_SIZE,
	  .offset = offsetof(struct file_conf, min_size),
	  .min = 0,
	  .max = INT64_MAX,
	  .help = "down when smaller than this, e.g. 1MiB (not checked for directories)" },
	{ .name = "max_size",
	  .type = CONF_SIZE,
	  .offset = offsetof(struct file_conf, max_size),
	  .min = 0,
	  .max = INT64_MAX,
	  .help = "down when larger than this, e.g. 10GiB (not checked for directories); 0: none" },
	{ 0 },
};

static const struct conf_spec file_spec = {
	.name = "file",
	.size = sizeof(struct file_conf),
	.keys = file_keys,
	.finish = file_finish,
};

const struct probe_type probe_file = {
	.name = "file",
	.spec = &file_spec,
	.placeholders = file_placeholders,
	.start = file_start,
	.cancel = file_cancel,
	.get = file_get,
};
