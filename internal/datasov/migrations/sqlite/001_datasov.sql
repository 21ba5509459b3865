-- +goose Up
CREATE TABLE datasov_runs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    dir TEXT NOT NULL,
    engine TEXT NOT NULL,
    tables INTEGER NOT NULL,
    rows_total INTEGER NOT NULL,
    attachments INTEGER NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    error TEXT NOT NULL
);
CREATE INDEX datasov_runs_started ON datasov_runs (started_at);
-- +goose Down
DROP TABLE datasov_runs;
