-- Assets and metrics get small integer ids so each reading row stays narrow.
CREATE TABLE assets (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site text NOT NULL,
    asset text NOT NULL,
    UNIQUE (site, asset)
);

CREATE TABLE metrics (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE
);

-- One row per (asset, metric, timestamp): the primary key makes a redelivered reading a no-op.
-- No foreign keys: the writer takes ids from the tables above, and a check per row would slow ingest.
CREATE TABLE readings (
    asset_id integer NOT NULL,
    metric_id integer NOT NULL,
    ts timestamptz NOT NULL,
    value double precision,
    PRIMARY KEY (asset_id, metric_id, ts)
);

-- A BRIN index is a few pages for time-ordered data and lets retention delete by age without a scan.
CREATE INDEX readings_ts_brin ON readings USING brin (ts);

-- Per-minute aggregates of non-null values, updated with each batch from the rows it inserted.
CREATE TABLE readings_minute (
    asset_id integer NOT NULL,
    metric_id integer NOT NULL,
    bucket timestamptz NOT NULL,
    min double precision,
    max double precision,
    sum double precision NOT NULL,
    count integer NOT NULL,
    PRIMARY KEY (asset_id, metric_id, bucket)
);

CREATE INDEX readings_minute_bucket_brin ON readings_minute USING brin (bucket);

-- The newest reading of each metric, so a restart reloads the live state without scanning history.
CREATE TABLE latest_values (
    asset_id integer NOT NULL,
    metric_id integer NOT NULL,
    ts timestamptz NOT NULL,
    value double precision,
    PRIMARY KEY (asset_id, metric_id)
);

CREATE TABLE health_estimates (
    asset_id integer NOT NULL,
    model text NOT NULL,
    ts timestamptz NOT NULL,
    health double precision,
    rul_value double precision,
    rul_unit text,
    rul_lower double precision,
    rul_upper double precision,
    PRIMARY KEY (asset_id, model, ts)
);

CREATE INDEX health_estimates_ts_brin ON health_estimates USING brin (ts);

CREATE TABLE latest_estimates (
    asset_id integer NOT NULL,
    model text NOT NULL,
    ts timestamptz NOT NULL,
    health double precision,
    rul_value double precision,
    rul_unit text,
    rul_lower double precision,
    rul_upper double precision,
    PRIMARY KEY (asset_id, model)
);
