-- +goose Up
-- next_at: when the dispatcher must act on the delivery (send it, retry it,
-- or ask the channel what became of it); NULL when nothing is left to do.
-- lease_until/lease_owner: the dispatcher working on it, so two processes
-- never hand the same delivery to a channel at once.
ALTER TABLE notify_deliveries ADD COLUMN next_at TIMESTAMP;
ALTER TABLE notify_deliveries ADD COLUMN polls INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notify_deliveries ADD COLUMN lease_until TIMESTAMP;
ALTER TABLE notify_deliveries ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
CREATE INDEX notify_deliveries_due ON notify_deliveries (next_at);

-- +goose Down
DROP INDEX notify_deliveries_due;
ALTER TABLE notify_deliveries DROP COLUMN lease_owner;
ALTER TABLE notify_deliveries DROP COLUMN lease_until;
ALTER TABLE notify_deliveries DROP COLUMN polls;
ALTER TABLE notify_deliveries DROP COLUMN next_at;
