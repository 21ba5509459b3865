-- +goose Up
CREATE TABLE notify_templates (
    key        TEXT PRIMARY KEY,
    subject_it TEXT NOT NULL,
    subject_en TEXT NOT NULL,
    body_it    TEXT NOT NULL,
    body_en    TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE notify_messages (
    id              TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    fiscal_code     TEXT NOT NULL,
    template        TEXT NOT NULL,
    data            TEXT NOT NULL,
    lang            TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    due_date        TIMESTAMPTZ,
    payment         TEXT,
    legal           BOOLEAN NOT NULL,
    campaign_id     TEXT,
    route           TEXT NOT NULL,
    read_at         TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX notify_messages_citizen ON notify_messages (fiscal_code, created_at);
CREATE INDEX notify_messages_created ON notify_messages (created_at);
CREATE INDEX notify_messages_campaign ON notify_messages (campaign_id);

CREATE TABLE notify_deliveries (
    id              TEXT PRIMARY KEY,
    message_id      TEXT NOT NULL REFERENCES notify_messages (id),
    channel         TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL,
    reason          TEXT NOT NULL,
    external_id     TEXT NOT NULL,
    detail          TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (message_id, channel)
);
CREATE INDEX notify_deliveries_status ON notify_deliveries (status, channel);

CREATE TABLE notify_preferences (
    fiscal_code   TEXT PRIMARY KEY,
    io            BOOLEAN NOT NULL,
    email         BOOLEAN NOT NULL,
    email_address TEXT NOT NULL,
    lang          TEXT NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE notify_campaigns (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    template        TEXT NOT NULL,
    data            TEXT NOT NULL,
    status          TEXT NOT NULL,
    total           INTEGER NOT NULL,
    done            INTEGER NOT NULL,
    rate_per_minute INTEGER NOT NULL,
    job_id          TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE notify_campaign_recipients (
    campaign_id TEXT NOT NULL REFERENCES notify_campaigns (id),
    seq         INTEGER NOT NULL,
    fiscal_code TEXT NOT NULL,
    message_id  TEXT,
    PRIMARY KEY (campaign_id, seq)
);

-- +goose Down
DROP TABLE notify_campaign_recipients;
DROP TABLE notify_campaigns;
DROP TABLE notify_preferences;
DROP TABLE notify_deliveries;
DROP TABLE notify_messages;
DROP TABLE notify_templates;
