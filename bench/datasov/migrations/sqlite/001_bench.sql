-- +goose Up
CREATE TABLE bench_row (
    id TEXT PRIMARY KEY,
    amount_cents INTEGER NOT NULL,
    paid BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    note TEXT NOT NULL,
    ratio REAL NOT NULL,
    fiscal_code TEXT NOT NULL
);
-- +goose Down
DROP TABLE bench_row;
