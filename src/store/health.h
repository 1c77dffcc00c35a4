/* Is the store's writer thread keeping up? (what the systemd watchdog asks before pinging) */
#ifndef VIGIL_STORE_HEALTH_H
#define VIGIL_STORE_HEALTH_H

#include <stdbool.h>
#include <stdint.h>

struct store;

/*
 * True when the writer has nothing waiting, or the oldest write waiting for
 * it arrived less than STALL_NS ago (a writer that commits keeps that age
 * under storage.commit_interval). False when writes have waited longer: the
 * writer is stuck in a commit, or its commits keep failing. *WAITED_NS, when
 * not NULL, gets that age (0 with nothing waiting). Thread-safe; takes the
 * queue's lock briefly, never waits for a commit.
 */
bool store_writer_healthy(struct store *store, int64_t stall_ns, int64_t *waited_ns);

#endif
