-- Vigil schema 6: alerts and the durable outbox of their notifications.

CREATE TABLE alerts (
    id        INTEGER PRIMARY KEY,
    monitor   INTEGER NOT NULL,       -- monitors.key
    rule      TEXT NOT NULL,          -- down, degraded
    severity  TEXT NOT NULL,          -- info warning critical
    state     TEXT NOT NULL,          -- firing resolved
    started   INTEGER NOT NULL,       -- Unix ms
    resolved  INTEGER,
    message   TEXT,
    acked_by  TEXT,
    acked_at  INTEGER
);
CREATE INDEX alerts_state ON alerts(state);

-- Written in the same transaction as the alert change that caused it, before
-- any attempt to send; a row is delivered (accepted by its destination) or
-- failed (refused for good, or given up) or still pending.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    alert        INTEGER NOT NULL,
    channel      TEXT NOT NULL,
    kind         TEXT NOT NULL,       -- trigger resolve
    idem_key     TEXT NOT NULL UNIQUE,
    body         TEXT NOT NULL,       -- the request body, rendered when the alert changed
    created      INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      INTEGER NOT NULL,    -- Unix ms of the next attempt
    status       TEXT NOT NULL DEFAULT 'pending',
    last_error   TEXT,
    delivered_at INTEGER
);
CREATE INDEX outbox_pending ON outbox(status, next_at);
