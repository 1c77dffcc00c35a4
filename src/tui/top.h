/* `vigil top`: the live terminal dashboard of a running daemon (ncurses). */
#ifndef VIGIL_TUI_TOP_H
#define VIGIL_TUI_TOP_H

#include <stdint.h>

struct client;

/*
 * Runs the dashboard on the terminal until the user quits, reading the
 * daemon through C (borrowed) every INTERVAL_MS. Failures of the daemon
 * (unreachable, token refused, garbage) are shown and retried, never fatal.
 * Returns 0, or 1 when the terminal cannot be set up (message on stderr).
 */
int tui_top_run(struct client *c, int64_t interval_ms);

#endif
