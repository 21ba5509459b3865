-- +goose Up
CREATE TABLE datasov_runs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    dir TEXT NOT NULL,
    engine TEXT NOT NULL,
    tables BIGINT NOT NULL,
    rows_total BIGINT NOT NULL,
    attachments BIGINT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    error TEXT NOT NULL
);
CREATE INDEX datasov_runs_started ON datasov_runs (started_at);
-- +goose Down
DROP TABLE datasov_runs;
