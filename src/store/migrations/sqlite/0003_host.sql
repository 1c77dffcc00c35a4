-- Vigil schema 3: host metric series and their rollups.

CREATE TABLE host_series (
    key  INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE      -- "cpu.percent", "disk.percent{mountpoint=\"/\"}"
);

-- min / max / sum / count per series and minute, hour or day (res 0, 1, 2).
CREATE TABLE host_rollups (
    series INTEGER NOT NULL,
    res    INTEGER NOT NULL,
    bucket INTEGER NOT NULL,       -- start, Unix seconds
    min    REAL NOT NULL,
    max    REAL NOT NULL,
    sum    REAL NOT NULL,
    count  INTEGER NOT NULL,
    PRIMARY KEY (series, res, bucket)
) WITHOUT ROWID;
