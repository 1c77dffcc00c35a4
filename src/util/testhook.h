/* Test-only hooks: hold a thread while a file exists (inert unless VIGIL_TEST_HOOKS=1). */
#ifndef VIGIL_UTIL_TESTHOOK_H
#define VIGIL_UTIL_TESTHOOK_H

#include <stdint.h>

/*
 * The path named by the environment variable VAR when VIGIL_TEST_HOOKS=1 is
 * set too, else NULL: production runs never see a hook. The string belongs
 * to the environment (read it before anything may change the environment).
 *
 * The hooks (for tests/integration/test_sdnotify.py):
 *   VIGIL_TEST_FREEZE_LOOP=FILE    the loop thread stops turning while FILE exists
 *   VIGIL_TEST_STALL_WRITER=FILE   the store writer stops committing while FILE exists
 */
const char *testhook_path(const char *var);

/*
 * Blocks the calling thread while the file PATH exists, checking every
 * few milliseconds, for at most MAX_MS (a forgotten file never hangs the
 * process for good). Returns how long it held, in ms. PATH NULL: returns 0.
 */
int64_t testhook_hold(const char *path, int64_t max_ms);

#endif
