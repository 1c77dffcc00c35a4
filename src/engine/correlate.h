/*
 * Correlated failure: when most network monitors checked within a short
 * window failed for network or DNS reasons, Vigil's own network (or
 * resolver) is the likelier culprit than all of their targets at once.
 */
#ifndef VIGIL_ENGINE_CORRELATE_H
#define VIGIL_ENGINE_CORRELATE_H

#include <stdbool.h>
#include <stddef.h>

struct conf_correlation;

/*
 * Whether Vigil's network looks broken, given that it looked so (ON) until
 * now and that FAILED of the CHECKED network monitors with a result in the
 * window failed for network reasons. Broken from `share` % and
 * `min_monitors`; working again below half that share, or below half of
 * min_monitors; no result in the window changes nothing.
 */
bool correlate_verdict(const struct conf_correlation *c, bool on, size_t checked, size_t failed);

#endif
