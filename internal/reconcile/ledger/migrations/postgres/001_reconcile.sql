-- +goose Up
CREATE TABLE reconcile_file (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    blob_key TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_skipped BIGINT NOT NULL,
    problems TEXT NOT NULL,
    source TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX reconcile_file_imported ON reconcile_file (imported_at);

CREATE TABLE reconcile_flow (
    id TEXT PRIMARY KEY,
    file_id TEXT NOT NULL REFERENCES reconcile_file (id),
    iuf TEXT NOT NULL,
    psp_id TEXT NOT NULL,
    psp_name TEXT NOT NULL,
    ec_fiscal_code TEXT NOT NULL,
    revision BIGINT NOT NULL,
    flow_time TIMESTAMPTZ NOT NULL,
    regulation TEXT NOT NULL,
    regulation_date TIMESTAMPTZ NOT NULL,
    declared_count BIGINT NOT NULL,
    declared_total BIGINT NOT NULL,
    row_count BIGINT NOT NULL,
    total_cents BIGINT NOT NULL,
    is_current BOOLEAN NOT NULL,
    UNIQUE (ec_fiscal_code, psp_id, iuf, revision, flow_time)
);
CREATE INDEX reconcile_flow_iuf ON reconcile_flow (iuf, is_current);
-- One current version per flow, even when two versions are loaded at once.
CREATE UNIQUE INDEX reconcile_flow_current ON reconcile_flow (ec_fiscal_code, iuf) WHERE is_current;

CREATE TABLE reconcile_flow_row (
    flow_id TEXT NOT NULL REFERENCES reconcile_flow (id),
    idx BIGINT NOT NULL,
    iuv TEXT NOT NULL,
    iur TEXT NOT NULL,
    transfer_index BIGINT NOT NULL,
    amount_cents BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    pay_date TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (flow_id, idx)
);
CREATE INDEX reconcile_flow_row_iuv ON reconcile_flow_row (iuv);

CREATE TABLE reconcile_receipt (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    iuv TEXT NOT NULL,
    iur TEXT NOT NULL,
    ec_fiscal_code TEXT NOT NULL,
    iud TEXT NOT NULL,
    iupd TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    payment_date TIMESTAMPTZ NOT NULL,
    psp_id TEXT NOT NULL,
    psp_name TEXT NOT NULL,
    debt_type TEXT NOT NULL,
    transfers TEXT NOT NULL,
    file_id TEXT
);
CREATE INDEX reconcile_receipt_iuv ON reconcile_receipt (iuv);

CREATE TABLE reconcile_notification (
    iud TEXT PRIMARY KEY,
    iuv TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    pay_date TIMESTAMPTZ NOT NULL,
    debt_type TEXT NOT NULL,
    file_id TEXT NOT NULL
);
CREATE INDEX reconcile_notification_iuv ON reconcile_notification (iuv);

CREATE TABLE reconcile_movement (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    file_id TEXT NOT NULL,
    year BIGINT NOT NULL,
    bill TEXT NOT NULL,
    op_date TIMESTAMPTZ NOT NULL,
    value_date TIMESTAMPTZ NOT NULL,
    amount_cents BIGINT NOT NULL,
    causale TEXT NOT NULL,
    payer TEXT NOT NULL,
    end_to_end_id TEXT NOT NULL,
    sospeso TEXT NOT NULL,
    iuf TEXT NOT NULL,
    iuv TEXT NOT NULL,
    truncated BOOLEAN NOT NULL,
    regularized BOOLEAN NOT NULL
);
CREATE INDEX reconcile_movement_iuf ON reconcile_movement (iuf);
CREATE INDEX reconcile_movement_iuv ON reconcile_movement (iuv);

CREATE TABLE reconcile_item (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    code TEXT NOT NULL,
    severity TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    day TIMESTAMPTZ NOT NULL,
    iuv TEXT NOT NULL,
    iuf TEXT NOT NULL,
    debt_type TEXT NOT NULL,
    why TEXT NOT NULL,
    classified_at TIMESTAMPTZ NOT NULL,
    hidden BOOLEAN NOT NULL DEFAULT FALSE,
    note TEXT NOT NULL DEFAULT '',
    noted_by TEXT NOT NULL DEFAULT '',
    noted_at TIMESTAMPTZ,
    PRIMARY KEY (kind, key)
);
CREATE INDEX reconcile_item_code_day ON reconcile_item (code, day);
CREATE INDEX reconcile_item_day ON reconcile_item (day);
CREATE INDEX reconcile_item_iuv ON reconcile_item (iuv, kind);

CREATE TABLE reconcile_dirty (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);

CREATE TABLE reconcile_debt_type (
    debt_type TEXT PRIMARY KEY,
    description TEXT NOT NULL,
    chapter TEXT NOT NULL,
    accertamento TEXT NOT NULL,
    notified BOOLEAN NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE reconcile_debt_type;
DROP TABLE reconcile_dirty;
DROP TABLE reconcile_item;
DROP TABLE reconcile_movement;
DROP TABLE reconcile_notification;
DROP TABLE reconcile_receipt;
DROP TABLE reconcile_flow_row;
DROP TABLE reconcile_flow;
DROP TABLE reconcile_file;
