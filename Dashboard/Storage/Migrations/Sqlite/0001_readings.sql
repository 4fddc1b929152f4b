-- Timestamps are INTEGER counts of 100 ns ticks since 1970-01-01T00:00:00Z (UTC), the resolution of
-- .NET's DateTimeOffset, so ordering and range queries work on plain integers.
CREATE TABLE assets (
    id INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    asset TEXT NOT NULL,
    UNIQUE (site, asset)
);

CREATE TABLE metrics (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

-- One row per (asset, metric, timestamp): the primary key makes a redelivered reading a no-op.
CREATE TABLE readings (
    asset_id INTEGER NOT NULL,
    metric_id INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    value REAL,
    PRIMARY KEY (asset_id, metric_id, ts)
) WITHOUT ROWID;

-- Per-minute aggregates of non-null values, updated with each batch from the rows it inserted.
CREATE TABLE readings_minute (
    asset_id INTEGER NOT NULL,
    metric_id INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    min REAL,
    max REAL,
    sum REAL NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (asset_id, metric_id, bucket)
) WITHOUT ROWID;

CREATE TABLE latest_values (
    asset_id INTEGER NOT NULL,
    metric_id INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    value REAL,
    PRIMARY KEY (asset_id, metric_id)
) WITHOUT ROWID;

CREATE TABLE health_estimates (
    asset_id INTEGER NOT NULL,
    model TEXT NOT NULL,
    ts INTEGER NOT NULL,
    health REAL,
    rul_value REAL,
    rul_unit TEXT,
    rul_lower REAL,
    rul_upper REAL,
    PRIMARY KEY (asset_id, model, ts)
) WITHOUT ROWID;

CREATE TABLE latest_estimates (
    asset_id INTEGER NOT NULL,
    model TEXT NOT NULL,
    ts INTEGER NOT NULL,
    health REAL,
    rul_value REAL,
    rul_unit TEXT,
    rul_lower REAL,
    rul_upper REAL,
    PRIMARY KEY (asset_id, model)
) WITHOUT ROWID;
