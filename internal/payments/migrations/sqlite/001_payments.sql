-- +goose Up
CREATE TABLE payments_debt_type (
    code TEXT PRIMARY KEY,
    description TEXT NOT NULL,
    category TEXT NOT NULL,
    iban TEXT NOT NULL,
    postal_account TEXT NOT NULL DEFAULT '',
    due_date_required BOOLEAN NOT NULL DEFAULT TRUE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE payments_iuv_counter (
    segregation_code INTEGER PRIMARY KEY,
    next_base INTEGER NOT NULL
);

CREATE TABLE payments_position (
    id TEXT PRIMARY KEY,
    iupd TEXT NOT NULL, -- creditor CF + "-" + id: unique by construction, never searched
    debt_type TEXT NOT NULL REFERENCES payments_debt_type(code),
    debtor_type TEXT NOT NULL,
    debtor_cf TEXT NOT NULL,
    debtor_name TEXT NOT NULL,
    street TEXT NOT NULL DEFAULT '',
    civic TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    province TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    gpd_sync TEXT NOT NULL,
    gpd_error TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    import_iud TEXT UNIQUE,
    import_id TEXT,
    import_line INTEGER NOT NULL DEFAULT 0,
    content_hash TEXT NOT NULL DEFAULT '',
    collection TEXT NOT NULL DEFAULT '',
    budget TEXT NOT NULL DEFAULT '',
    total_cents INTEGER NOT NULL,
    paid_cents INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    paid_at TIMESTAMP
);
CREATE INDEX payments_position_debtor ON payments_position (debtor_cf);
CREATE INDEX payments_position_type_status ON payments_position (debt_type, status);
CREATE INDEX payments_position_sync ON payments_position (gpd_sync);

CREATE TABLE payments_option (
    id TEXT PRIMARY KEY,
    position_id TEXT NOT NULL REFERENCES payments_position(id),
    iuv TEXT NOT NULL UNIQUE,
    notice_number TEXT NOT NULL, -- "3" + iuv: unique through iuv, looked up through iuv
    amount_cents INTEGER NOT NULL,
    description TEXT NOT NULL,
    due_date TIMESTAMP NOT NULL,
    is_partial BOOLEAN NOT NULL,
    instalment INTEGER NOT NULL,
    status TEXT NOT NULL,
    paid_at TIMESTAMP,
    receipt_id TEXT
);
CREATE INDEX payments_option_position ON payments_option (position_id);

CREATE TABLE payments_transfer (
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

CREATE TABLE payments_status_history (
    id TEXT PRIMARY KEY,
    position_id TEXT NOT NULL REFERENCES payments_position(id),
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    reason TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX payments_status_history_position ON payments_status_history (position_id, at);

CREATE TABLE payments_receipt (
    id TEXT PRIMARY KEY,
    receipt_id TEXT NOT NULL,
    creditor_cf TEXT NOT NULL,
    notice_number TEXT NOT NULL,
    iuv TEXT NOT NULL,
    option_id TEXT REFERENCES payments_option(id),
    position_id TEXT REFERENCES payments_position(id),
    outcome TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    payment_date TIMESTAMP NOT NULL,
    psp_id TEXT NOT NULL,
    psp_name TEXT NOT NULL,
    anomaly TEXT NOT NULL DEFAULT '',
    payload TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    UNIQUE (creditor_cf, notice_number, receipt_id)
);
CREATE INDEX payments_receipt_position ON payments_receipt (position_id);

CREATE TABLE payments_import (
    id TEXT PRIMARY KEY,
    file_name TEXT NOT NULL,
    flow_id TEXT NOT NULL,
    version TEXT NOT NULL,
    blob_key TEXT NOT NULL,
    status TEXT NOT NULL,
    total_rows INTEGER NOT NULL DEFAULT 0,
    loaded INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    rejections_key TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    job_id TEXT NOT NULL DEFAULT '',
    actor TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);

-- +goose Down
DROP TABLE payments_import;
DROP TABLE payments_receipt;
DROP TABLE payments_status_history;
DROP TABLE payments_transfer;
DROP TABLE payments_option;
DROP TABLE payments_position;
DROP TABLE payments_iuv_counter;
DROP TABLE payments_debt_type;
