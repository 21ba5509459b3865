-- +goose Up
CREATE TABLE bench_row (
    id TEXT PRIMARY KEY,
    amount_cents BIGINT NOT NULL,
    paid BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    note TEXT NOT NULL,
    ratio DOUBLE PRECISION NOT NULL,
    fiscal_code TEXT NOT NULL
);
-- +goose Down
DROP TABLE bench_row;
