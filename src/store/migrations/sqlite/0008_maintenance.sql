-- Vigil schema 8: maintenance windows made through the API.

CREATE TABLE maintenance (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL,
    start    INTEGER NOT NULL,   -- Unix ms
    duration INTEGER NOT NULL,   -- ms
    monitors TEXT NOT NULL,      -- JSON array of monitor ids; [] for all
    by       TEXT NOT NULL,
    created  INTEGER NOT NULL
);
