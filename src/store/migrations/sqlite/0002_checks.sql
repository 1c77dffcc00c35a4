-- Vigil schema 2: monitors, their results, state changes, state and rollups.

-- Every monitor ever seen, with a small integer key used by the big tables.
CREATE TABLE monitors (
    key        INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,   -- the monitor's id (a slug of its name)
    name       TEXT NOT NULL,
    type       TEXT NOT NULL,
    source     TEXT NOT NULL DEFAULT 'config',  -- 'config' or 'api'
    config     TEXT,                   -- JSON of monitors made through the API
    created_at INTEGER NOT NULL        -- Unix ms
);

-- One row per check, kept storage.retention.raw. The message is stored only
-- when it differs from the monitor's previous one (NULL: same as before).
CREATE TABLE results (
    monitor INTEGER NOT NULL,
    t       INTEGER NOT NULL,          -- Unix ms the check started
    status  INTEGER NOT NULL,          -- 0 unknown, 1 up, 2 degraded, 3 down
    latency INTEGER NOT NULL,          -- microseconds
    reason  INTEGER NOT NULL,          -- probe outcome code
    message TEXT,
    PRIMARY KEY (monitor, t)
) WITHOUT ROWID;

-- State changes: old and new status, with the result that caused them.
CREATE TABLE events (
    id      INTEGER PRIMARY KEY,
    monitor INTEGER NOT NULL,
    t       INTEGER NOT NULL,          -- Unix ms
    old     INTEGER NOT NULL,
    new     INTEGER NOT NULL,
    reason  INTEGER NOT NULL,
    message TEXT
);
CREATE INDEX events_monitor_t ON events (monitor, t);

-- The state machine of each monitor, so a restart continues where it stopped.
CREATE TABLE monitor_state (
    monitor   INTEGER PRIMARY KEY,
    status    INTEGER NOT NULL,
    since     INTEGER NOT NULL,        -- Unix ms of the last change
    failures  INTEGER NOT NULL,        -- consecutive, capped at the threshold
    successes INTEGER NOT NULL
);

-- Counts and latencies per monitor and minute, hour or day (res 0, 1, 2).
-- Uptime and percentiles for any window come from here, never from results.
CREATE TABLE rollups (
    monitor  INTEGER NOT NULL,
    res      INTEGER NOT NULL,
    bucket   INTEGER NOT NULL,         -- start of the bucket, Unix seconds
    up       INTEGER NOT NULL,
    degraded INTEGER NOT NULL,
    down     INTEGER NOT NULL,
    unknown  INTEGER NOT NULL,
    lat_sum  INTEGER NOT NULL,         -- microseconds, over up + degraded + down
    lat_min  INTEGER,
    lat_max  INTEGER,
    hist     BLOB,                     -- latency histogram (hour and day): 16 LE uint32
    PRIMARY KEY (monitor, res, bucket)
) WITHOUT ROWID;
