-- Vigil schema 10: heartbeats of push monitors, and plugin performance data.

-- The last pings of each push monitor, so a restart keeps its deadline: a job
-- that missed its run while Vigil was down is still reported late.
CREATE TABLE push_state (
    monitor      INTEGER PRIMARY KEY,
    last_success INTEGER NOT NULL,     -- Unix ms, 0 never
    last_start   INTEGER NOT NULL,     -- Unix ms, 0 never
    last_fail    INTEGER NOT NULL,     -- Unix ms, 0 never
    exit_code    INTEGER NOT NULL,     -- of the last failure, -1 without one
    duration     INTEGER NOT NULL,     -- ms of the last measured run, -1 unknown
    message      TEXT NOT NULL         -- of the last success or failure
);

-- Performance data of command (Nagios plugin) results, NULL when none.
ALTER TABLE results ADD COLUMN perfdata TEXT;
