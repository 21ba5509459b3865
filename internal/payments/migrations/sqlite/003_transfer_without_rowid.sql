-- +goose Up
-- Transfers are only ever read by their key (option_id, idx): as a WITHOUT
-- ROWID table the key is the table, so each insert writes one b-tree instead of
-- a rowid table plus the key's index. The foreign key is checked at COMMIT
-- (every write of this table is part of a transaction that fails as a whole),
-- so a multi-row INSERT OR FAIL needs no statement journal. No table
-- references payments_transfer.
CREATE TABLE payments_transfer_k (
    option_id TEXT NOT NULL REFERENCES payments_option(id) DEFERRABLE INITIALLY DEFERRED,
    idx INTEGER NOT NULL,
    amount_cents INTEGER NOT NULL,
    creditor_cf TEXT NOT NULL,
    company_name TEXT NOT NULL DEFAULT '',
    iban TEXT NOT NULL,
    postal_iban TEXT NOT NULL DEFAULT '',
    remittance TEXT NOT NULL,
    category TEXT NOT NULL,
    PRIMARY KEY (option_id, idx)
) WITHOUT ROWID;
INSERT INTO payments_transfer_k (option_id, idx, amount_cents, creditor_cf, company_name, iban, postal_iban, remittance, category)
    SELECT option_id, idx, amount_cents, creditor_cf, company_name, iban, postal_iban, remittance, category FROM payments_transfer;
DROP TABLE payments_transfer;
ALTER TABLE payments_transfer_k RENAME TO payments_transfer;

-- +goose Down
CREATE TABLE payments_transfer_r (
    option_id TEXT NOT NULL REFERENCES payments_option(id),
    idx INTEGER NOT NULL,
    amount_cents INTEGER NOT NULL,
    creditor_cf TEXT NOT NULL,
    company_name TEXT NOT NULL DEFAULT '',
    iban TEXT NOT NULL,
    postal_iban TEXT NOT NULL DEFAULT '',
    remittance TEXT NOT NULL,
    category TEXT NOT NULL,
    PRIMARY KEY (option_id, idx)
);
INSERT INTO payments_transfer_r SELECT * FROM payments_transfer;
DROP TABLE payments_transfer;
ALTER TABLE payments_transfer_r RENAME TO payments_transfer;
