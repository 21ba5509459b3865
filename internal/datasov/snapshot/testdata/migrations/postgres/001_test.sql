-- +goose Up
CREATE TABLE snap_parent (
    id TEXT PRIMARY KEY,
    amount_cents BIGINT NOT NULL,
    paid BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    closed_at TIMESTAMPTZ,
    ratio DOUBLE PRECISION,
    raw BYTEA,
    note TEXT
);
CREATE TABLE snap_child (
    parent_id TEXT NOT NULL REFERENCES snap_parent (id),
    line BIGINT NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (parent_id, line)
);
CREATE TABLE snap_log (
    at TIMESTAMPTZ NOT NULL,
    message TEXT NOT NULL
);
-- +goose Down
DROP TABLE snap_log;
DROP TABLE snap_child;
DROP TABLE snap_parent;
