-- Vigil schema 1: the daemon's own runs. Later migrations add results,
-- rollups, alerts, the outbox, incidents and the security tables.

-- One row per daemon run: when it started, when it was last seen alive and
-- whether it stopped cleanly. Gaps between runs are time Vigil was not
-- watching, which uptime treats as unknown rather than up or down.
CREATE TABLE daemon_runs (
    id         INTEGER PRIMARY KEY,   -- start time, Unix ms
    started_at INTEGER NOT NULL,      -- Unix ms
    last_seen  INTEGER NOT NULL,      -- Unix ms, refreshed while running
    stopped_at INTEGER,               -- Unix ms of a clean stop; NULL after a crash
    version    TEXT NOT NULL
);
