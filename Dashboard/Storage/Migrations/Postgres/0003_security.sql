-- Accounts, roles, kiosk display tokens, API keys, the one-time setup link, the security audit log and
-- the ASP.NET Core data-protection key ring. Tokens and API keys are kept only as the SHA-256 hash of
-- their 256-bit random value, and passwords only as ASP.NET Core Identity's PBKDF2 hash.

CREATE TABLE auth_users (
    id text PRIMARY KEY,
    user_name text NOT NULL,
    normalized_user_name text NOT NULL UNIQUE,
    email text,
    normalized_email text,
    email_confirmed boolean NOT NULL DEFAULT false,
    password_hash text,
    security_stamp text NOT NULL,
    concurrency_stamp text NOT NULL,
    lockout_enabled boolean NOT NULL DEFAULT true,
    lockout_end timestamptz,
    access_failed_count integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL
);

CREATE INDEX auth_users_normalized_email ON auth_users (normalized_email);

CREATE TABLE auth_roles (
    id text PRIMARY KEY,
    name text NOT NULL,
    normalized_name text NOT NULL UNIQUE,
    concurrency_stamp text NOT NULL
);

CREATE TABLE auth_user_roles (
    user_id text NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
    role_id text NOT NULL REFERENCES auth_roles (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, role_id)
);

-- The four roles of the permission matrix in docs/security.md; the code refers to them by name.
INSERT INTO auth_roles (id, name, normalized_name, concurrency_stamp) VALUES
    ('viewer', 'Viewer', 'VIEWER', 'seed'),
    ('operator', 'Operator', 'OPERATOR', 'seed'),
    ('planner', 'Planner', 'PLANNER', 'seed'),
    ('admin', 'Admin', 'ADMIN', 'seed');

CREATE TABLE display_tokens (
    id text PRIMARY KEY,
    name text NOT NULL,
    site text,
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    last_used_at timestamptz,
    revoked_at timestamptz,
    revoked_by text
);

CREATE TABLE api_keys (
    id text PRIMARY KEY,
    name text NOT NULL,
    role text NOT NULL,
    key_prefix text NOT NULL,
    key_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    last_used_at timestamptz,
    revoked_at timestamptz,
    revoked_by text
);

CREATE TABLE setup_tokens (
    token_hash bytea PRIMARY KEY,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);

CREATE TABLE audit_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ts timestamptz NOT NULL,
    event text NOT NULL,
    actor text,
    subject text,
    detail text,
    remote_address text
);

CREATE INDEX audit_events_ts ON audit_events (ts);

-- Keys as written by ASP.NET Core data protection: one XML element per key, never updated. The key
-- material is not encrypted, so whoever can read this table can forge session cookies.
CREATE TABLE data_protection_keys (
    friendly_name text PRIMARY KEY,
    xml text NOT NULL,
    created_at timestamptz NOT NULL
);
