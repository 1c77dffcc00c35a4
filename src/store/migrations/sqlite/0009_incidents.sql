-- Vigil schema 9: incidents and their updates.

CREATE TABLE incidents (
    id       INTEGER PRIMARY KEY,
    title    TEXT NOT NULL,
    impact   TEXT NOT NULL,          -- none minor major critical
    status   TEXT NOT NULL,          -- investigating identified monitoring resolved
    monitor  INTEGER NOT NULL,       -- the monitor key of an automatic incident, 0 manual
    monitors TEXT NOT NULL,          -- JSON array of affected monitor ids
    started  INTEGER NOT NULL,       -- Unix ms
    resolved INTEGER,
    by       TEXT NOT NULL
);
CREATE INDEX incidents_status ON incidents(status);

CREATE TABLE incident_updates (
    id       INTEGER PRIMARY KEY,
    incident INTEGER NOT NULL,
    t        INTEGER NOT NULL,       -- Unix ms
    status   TEXT NOT NULL,
    message  TEXT NOT NULL,
    by       TEXT NOT NULL
);
CREATE INDEX incident_updates_incident ON incident_updates(incident, t);
