-- +goose Up
CREATE TABLE snap_parent (
    id TEXT PRIMARY KEY,
    amount_cents INTEGER NOT NULL,
    paid BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP,
    ratio REAL,
    raw BLOB,
    note TEXT
);
CREATE TABLE snap_child (
    parent_id TEXT NOT NULL REFERENCES snap_parent (id),
    line INTEGER NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (parent_id, line)
);
CREATE TABLE snap_log (
    at TIMESTAMP NOT NULL,
    message TEXT NOT NULL
);
-- +goose Down
DROP TABLE snap_log;
DROP TABLE snap_child;
DROP TABLE snap_parent;
