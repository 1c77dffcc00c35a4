/* Test-only hooks that freeze a thread on demand, to test watchdogs and stalls. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/testhook.h"
#include "util/time.h"

#define HOLD_POLL_MS 10

const char *testhook_path(const char *var)
{
	const char *on = getenv("VIGIL_TEST_HOOKS"), *path;

	if (on == NULL || strcmp(on, "1") != 0)
		return NULL;
	path = getenv(var);
	return path != NULL && path[0] != '\0' ? path : NULL;
}

int64_t testhook_hold(const char *path, int64_t max_ms)
{
	struct timespec nap = { 0, HOLD_POLL_MS * NS_PER_MS };
	int64_t start, now;

	if (path == NULL)
		return 0;
	start = now = time_mono_ns();
	while (access(path, F_OK) == 0 && now - start < max_ms * NS_PER_MS) {
		nanosleep(&nap, NULL);
		now = time_mono_ns();
	}
	return (now - start) / NS_PER_MS;
}
