-- +goose Up
CREATE TABLE kernel_outbox (
    seq BIGINT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    aggregate_type TEXT NOT NULL,
    aggregate_id TEXT NOT NULL,
    aggregate_version BIGINT NOT NULL,
    payload TEXT NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX kernel_outbox_aggregate ON kernel_outbox (aggregate_type, aggregate_id, aggregate_version);

CREATE TABLE kernel_subscriptions (
    name TEXT PRIMARY KEY,
    position BIGINT NOT NULL,
    lease_owner TEXT,
    lease_until TIMESTAMPTZ,
    last_error TEXT,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE kernel_jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    run_at TIMESTAMPTZ NOT NULL,
    attempts BIGINT NOT NULL,
    max_attempts BIGINT NOT NULL,
    unique_key TEXT UNIQUE,
    lease_owner TEXT,
    lease_until TIMESTAMPTZ,
    last_error TEXT,
    progress_done BIGINT NOT NULL,
    progress_total BIGINT NOT NULL,
    progress_message TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ
);
CREATE INDEX kernel_jobs_due ON kernel_jobs (status, run_at);
CREATE INDEX kernel_jobs_created ON kernel_jobs (created_at);

CREATE TABLE kernel_schedules (
    name TEXT PRIMARY KEY,
    spec TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    next_run TIMESTAMPTZ NOT NULL,
    last_run TIMESTAMPTZ
);

CREATE TABLE kernel_users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    password_hash TEXT,
    oidc_subject TEXT UNIQUE,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE kernel_roles (
    name TEXT PRIMARY KEY,
    label TEXT NOT NULL
);

CREATE TABLE kernel_role_permissions (
    role TEXT NOT NULL REFERENCES kernel_roles (name) ON DELETE CASCADE,
    permission TEXT NOT NULL,
    PRIMARY KEY (role, permission)
);

CREATE TABLE kernel_user_roles (
    user_id TEXT NOT NULL REFERENCES kernel_users (id) ON DELETE CASCADE,
    role TEXT NOT NULL REFERENCES kernel_roles (name) ON DELETE CASCADE,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE kernel_citizens (
    id TEXT PRIMARY KEY,
    fiscal_code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_login_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE kernel_sessions (
    id_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    principal_id TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX kernel_sessions_expires ON kernel_sessions (expires_at);

CREATE TABLE kernel_api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);

CREATE TABLE kernel_login_attempts (
    key TEXT PRIMARY KEY,
    window_start TIMESTAMPTZ NOT NULL,
    attempts BIGINT NOT NULL
);

CREATE TABLE kernel_audit (
    id TEXT PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    before_json TEXT NOT NULL,
    after_json TEXT NOT NULL,
    client_ip TEXT NOT NULL,
    request_id TEXT NOT NULL
);
CREATE INDEX kernel_audit_at ON kernel_audit (at);
CREATE INDEX kernel_audit_subject ON kernel_audit (subject, at);
CREATE INDEX kernel_audit_object ON kernel_audit (object_id);

-- +goose Down
DROP TABLE kernel_audit;
DROP TABLE kernel_login_attempts;
DROP TABLE kernel_api_keys;
DROP TABLE kernel_sessions;
DROP TABLE kernel_citizens;
DROP TABLE kernel_user_roles;
DROP TABLE kernel_role_permissions;
DROP TABLE kernel_roles;
DROP TABLE kernel_users;
DROP TABLE kernel_schedules;
DROP TABLE kernel_jobs;
DROP TABLE kernel_subscriptions;
DROP TABLE kernel_outbox;
