-- Timestamps are INTEGER counts of 100 ns ticks since 1970-01-01T00:00:00Z (UTC), as in 0001.
-- Accounts, roles, kiosk display tokens, API keys, the one-time setup link, the security audit log and
-- the ASP.NET Core data-protection key ring. Tokens and API keys are kept only as the SHA-256 hash of
-- their 256-bit random value, and passwords only as ASP.NET Core Identity's PBKDF2 hash.

CREATE TABLE auth_users (
    id TEXT PRIMARY KEY,
    user_name TEXT NOT NULL,
    normalized_user_name TEXT NOT NULL UNIQUE,
    email TEXT,
    normalized_email TEXT,
    email_confirmed INTEGER NOT NULL DEFAULT 0,
    password_hash TEXT,
    security_stamp TEXT NOT NULL,
    concurrency_stamp TEXT NOT NULL,
    lockout_enabled INTEGER NOT NULL DEFAULT 1,
    lockout_end INTEGER,
    access_failed_count INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

CREATE INDEX auth_users_normalized_email ON auth_users (normalized_email);

CREATE TABLE auth_roles (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    normalized_name TEXT NOT NULL UNIQUE,
    concurrency_stamp TEXT NOT NULL
);

CREATE TABLE auth_user_roles (
    user_id TEXT NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
    role_id TEXT NOT NULL REFERENCES auth_roles (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, role_id)
);

-- The four roles of the permission matrix in docs/security.md; the code refers to them by name.
INSERT INTO auth_roles (id, name, normalized_name, concurrency_stamp) VALUES
    ('viewer', 'Viewer', 'VIEWER', 'seed'),
    ('operator', 'Operator', 'OPERATOR', 'seed'),
    ('planner', 'Planner', 'PLANNER', 'seed'),
    ('admin', 'Admin', 'ADMIN', 'seed');

CREATE TABLE display_tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    site TEXT,
    token_hash BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER,
    revoked_by TEXT
);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    key_prefix TEXT NOT NULL,
    key_hash BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER,
    revoked_by TEXT
);

CREATE TABLE setup_tokens (
    token_hash BLOB PRIMARY KEY,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);

CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts INTEGER NOT NULL,
    event TEXT NOT NULL,
    actor TEXT,
    subject TEXT,
    detail TEXT,
    remote_address TEXT
);

CREATE INDEX audit_events_ts ON audit_events (ts);

-- Keys as written by ASP.NET Core data protection: one XML element per key, never updated. The key
-- material is not encrypted, so whoever can read this table can forge session cookies.
CREATE TABLE data_protection_keys (
    friendly_name TEXT PRIMARY KEY,
    xml TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
