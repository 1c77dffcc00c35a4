-- Vigil schema 4: monitors made through the API (the config file's live in the file).

CREATE TABLE api_monitors (
    id      TEXT PRIMARY KEY,      -- the monitor's slug
    body    TEXT NOT NULL,         -- its definition, canonical JSON
    created INTEGER NOT NULL,      -- Unix ms
    updated INTEGER NOT NULL       -- Unix ms
) WITHOUT ROWID;
