-- +goose Up
-- A treasury movement an operator linked by hand to a reporting flow (its
-- causale was truncated or missing). The movement's iuf is overwritten while
-- the link exists; what the causale gave is kept here to undo it.
CREATE TABLE reconcile_link (
    movement_id TEXT PRIMARY KEY,
    iuf TEXT NOT NULL,
    causale_iuf TEXT NOT NULL,
    causale_truncated BOOLEAN NOT NULL,
    linked_by TEXT NOT NULL,
    linked_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE reconcile_link;
