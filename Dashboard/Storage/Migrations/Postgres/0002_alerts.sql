CREATE TABLE alert_rules (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    kind text NOT NULL,
    site_pattern text NOT NULL,
    asset_pattern text NOT NULL,
    metric_pattern text NOT NULL,
    threshold double precision NOT NULL,
    deadband double precision NOT NULL,
    on_delay_ms bigint NOT NULL,
    off_delay_ms bigint NOT NULL,
    window_ms bigint NOT NULL,
    priority text NOT NULL,
    message text NOT NULL,
    enabled boolean NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL
);

-- One row per alarm point (rule, asset, metric); metric is '' for rules on estimates and staleness.
-- version increases with every change, so concurrent writers update only the row they read.
CREATE TABLE alerts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rule_id bigint NOT NULL REFERENCES alert_rules (id),
    site text NOT NULL,
    asset text NOT NULL,
    metric text NOT NULL,
    state text NOT NULL,
    condition_active boolean NOT NULL,
    priority text NOT NULL,
    message text NOT NULL,
    value double precision,
    activated_at timestamptz,
    condition_changed_at timestamptz,
    acknowledged_by text,
    acknowledged_at timestamptz,
    shelved_by text,
    shelved_until timestamptz,
    shelve_reason text,
    version bigint NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (rule_id, site, asset, metric)
);

CREATE INDEX alerts_state ON alerts (state);

-- The journal: every transition with its time, user and note. Rows are only ever inserted.
CREATE TABLE alert_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id bigint NOT NULL REFERENCES alerts (id),
    ts timestamptz NOT NULL,
    kind text NOT NULL,
    from_state text NOT NULL,
    to_state text NOT NULL,
    user_name text NOT NULL,
    note text,
    value double precision
);

CREATE INDEX alert_events_alert_ts ON alert_events (alert_id, ts);
CREATE INDEX alert_events_ts ON alert_events (ts);
