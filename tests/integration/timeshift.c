/*
 * Test-only LD_PRELOAD shim: shifts the wall clock (CLOCK_REALTIME, time,
 * gettimeofday) by the number of seconds written in $VIGIL_TEST_CLOCK_FILE,
 * re-read at every call, so a test can make the wall clock jump while the
 * daemon runs. The monotonic clock is left alone. Built by test_scheduler.py.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static long offset(void)
{
	const char *path = getenv("VIGIL_TEST_CLOCK_FILE");
	FILE *f;
	long s = 0;

	if (path == NULL || (f = fopen(path, "r")) == NULL)
		return 0;
	if (fscanf(f, "%ld", &s) != 1)
		s = 0;
	fclose(f);
	return s;
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
	static int (*real)(clockid_t, struct timespec *);
	int r;

	if (real == NULL)
		real = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
	r = real(id, ts);
	if (r == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE))
		ts->tv_sec += offset();
	return r;
}

int gettimeofday(struct timeval *tv, void *tz)
{
	struct timespec ts;
	int r = clock_gettime(CLOCK_REALTIME, &ts);

	(void)tz;
	if (r == 0 && tv != NULL) {
		tv->tv_sec = ts.tv_sec;
		tv->tv_usec = ts.tv_nsec / 1000;
	}
	return r;
}

time_t time(time_t *t)
{
	struct timespec ts;
	time_t now;

	clock_gettime(CLOCK_REALTIME, &ts);
	now = ts.tv_sec;
	if (t != NULL)
		*t = now;
	return now;
}
