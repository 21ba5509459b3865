-- +goose Up
-- GPD's validityDate (when a published position becomes payable) and
-- switchToExpired (unpaid options past their due date expire).
ALTER TABLE payments_position ADD COLUMN validity_date TIMESTAMP;
ALTER TABLE payments_position ADD COLUMN switch_to_expired BOOLEAN NOT NULL DEFAULT FALSE;
-- Partial indexes: the lifecycle job reads only these rows, and imported
-- positions (VALID, switch_to_expired false) never enter them.
CREATE INDEX payments_position_validity ON payments_position (validity_date) WHERE status = 'PUBLISHED';
CREATE INDEX payments_position_expiring ON payments_position (id) WHERE switch_to_expired = TRUE AND status IN ('VALID', 'PARTIALLY_PAID');

-- +goose Down
DROP INDEX payments_position_expiring;
DROP INDEX payments_position_validity;
ALTER TABLE payments_position DROP COLUMN switch_to_expired;
ALTER TABLE payments_position DROP COLUMN validity_date;
