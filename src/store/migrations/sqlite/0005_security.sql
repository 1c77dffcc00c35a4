-- Vigil schema 5: the request log, security events and address blocks.

CREATE TABLE requests (
    id          INTEGER PRIMARY KEY,
    t           INTEGER NOT NULL,     -- Unix ms
    method      TEXT NOT NULL,
    route       TEXT NOT NULL,        -- the route pattern, or "unmatched"
    path        TEXT NOT NULL,        -- the path and query, secret values as <secret>
    status      INTEGER NOT NULL,
    duration_us INTEGER NOT NULL,     -- the longest when count > 1
    client      TEXT NOT NULL,
    bytes_in    INTEGER NOT NULL,
    bytes_out   INTEGER NOT NULL,
    count       INTEGER NOT NULL DEFAULT 1  -- > 1: identical requests of one second, summed
);
CREATE INDEX requests_t ON requests(t);

CREATE TABLE security_events (
    id     INTEGER PRIMARY KEY,
    t      INTEGER NOT NULL,          -- Unix ms
    type   TEXT NOT NULL,             -- rate_limit auth_failure forbidden bad_input blocked
    client TEXT NOT NULL,
    route  TEXT NOT NULL,
    detail TEXT
);
CREATE INDEX security_events_t ON security_events(t);

CREATE TABLE ip_blocks (
    id     INTEGER PRIMARY KEY,
    ip     TEXT NOT NULL,
    since  INTEGER NOT NULL,          -- Unix ms
    until  INTEGER,                   -- NULL: until lifted by hand
    lifted INTEGER,                   -- when lifted by hand
    reason TEXT NOT NULL,
    by     TEXT NOT NULL              -- "auto" or the token's name
);
CREATE INDEX ip_blocks_ip ON ip_blocks(ip);
