/* One check, run to completion on a private loop. */
#include "cli/oneshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "conf/conf.h"
#include "probe/curl_uv.h"
#include "util/buf.h"
#include "version.h"

struct vigil_config *oneshot_config(const char *target, int64_t timeout_ms)
{
	struct conf_diag diag = { 0 };
	struct vigil_config *cfg;
	struct buf y;
	const char *hp;
	size_t i;

	buf_init(&y, 0);
	(void)!buf_printf(&y,
	                  "monitors:\n  - name: check\n    timeout: %lldms\n    interval: %lldms\n",
	                  (long long)timeout_ms, (long long)timeout_ms);
	if (strncmp(target, "tcp://", 6) == 0) {
		const char *colon = strrchr(target + 6, ':');

		hp = target + 6;
		if (colon == NULL) {
			fprintf(stderr, "vigil: %s: expected tcp://host:port\n", target);
			buf_free(&y);
			return NULL;
		}
		char host[256];
		size_t n = 0;

		for (i = 0; hp + i < colon && n + 1 < sizeof(host); i++)
			if (hp[i] != '[' && hp[i] != ']')
				host[n++] = hp[i];
		host[n] = '\0';
		(void)!buf_puts(&y, "    type: tcp\n    host: ");
		conf_print_string(&y, host);
		(void)!buf_puts(&y, "\n    port: ");
		conf_print_string(&y, colon + 1);
		(void)!buf_putc(&y, '\n');
	} else {
		/* the type is the URL's scheme: redis://, postgres[ql]://, else http(s) */
		const char *type = strncmp(target, "redis://", 8) == 0 ? "redis"
		                   : strncmp(target, "postgres://", 11) == 0 ||
		                                   strncmp(target, "postgresql://", 13) == 0
		                           ? "postgres"
		                           : "http";

		(void)!buf_printf(&y, "    type: %s\n    url: ", type);
		conf_print_string(&y, target);
		(void)!buf_putc(&y, '\n');
	}
	cfg = conf_load_string("the target", y.data, y.len, &diag);
	buf_free(&y);
	for (i = 0; i < diag.n; i++)
		fprintf(stderr, "vigil: %s\n", diag.msgs[i]);
	conf_diag_free(&diag);
	return cfg;
}

static void run_done(struct probe_run *run)
{
	run->finished = true; /* already set; the loop ends once the handles close */
	curl_uv_close(run->env->curl);
}

void oneshot_run(const struct monitor_conf *mon, struct probe_result *result)
{
	uv_loop_t loop;
	struct probe_env env = { .loop = &loop, .user_agent = "Vigil/" VIGIL_VERSION };
	struct probe_run run;

	uv_loop_init(&loop);
	env.curl = curl_uv_new(&loop);
	memset(&run, 0, sizeof(run));
	run.mon = mon;
	run.env = &env;
	run.done = run_done;
	probe_run_start(&run);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	*result = run.result; /* the caller releases it */
}
