CREATE TABLE alert_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    site_pattern TEXT NOT NULL,
    asset_pattern TEXT NOT NULL,
    metric_pattern TEXT NOT NULL,
    threshold REAL NOT NULL,
    deadband REAL NOT NULL,
    on_delay_ms INTEGER NOT NULL,
    off_delay_ms INTEGER NOT NULL,
    window_ms INTEGER NOT NULL,
    priority TEXT NOT NULL,
    message TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL
);

-- One row per alarm point (rule, asset, metric); metric is '' for rules on estimates and staleness.
-- version increases with every change, so concurrent writers update only the row they read.
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rule_id INTEGER NOT NULL REFERENCES alert_rules (id),
    site TEXT NOT NULL,
    asset TEXT NOT NULL,
    metric TEXT NOT NULL,
    state TEXT NOT NULL,
    condition_active INTEGER NOT NULL,
    priority TEXT NOT NULL,
    message TEXT NOT NULL,
    value REAL,
    activated_at INTEGER,
    condition_changed_at INTEGER,
    acknowledged_by TEXT,
    acknowledged_at INTEGER,
    shelved_by TEXT,
    shelved_until INTEGER,
    shelve_reason TEXT,
    version INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (rule_id, site, asset, metric)
);

CREATE INDEX alerts_state ON alerts (state);

-- The journal: every transition with its time, user and note. Rows are only ever inserted.
CREATE TABLE alert_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id INTEGER NOT NULL REFERENCES alerts (id),
    ts INTEGER NOT NULL,
    kind TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    user_name TEXT NOT NULL,
    note TEXT,
    value REAL
);

CREATE INDEX alert_events_alert_ts ON alert_events (alert_id, ts);
CREATE INDEX alert_events_ts ON alert_events (ts);
