-- +goose Up
-- MyPivot's accertamenti (mygov_accertamento and mygov_accertamento_dettaglio):
-- a named dossier for one debt type (cod_tipo_dovuto) on one budget line
-- (cod_ufficio, cod_capitolo, cod_accertamento of an esercizio) to which
-- operators assign collected payments. INSERITO while payments are added or
-- removed; CHIUSO freezes it for the accounting system; ANNULLATO releases its
-- payments but keeps the rows, as MyPivot does, so the dossier can still be read.
CREATE TABLE reconcile_accertamento (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    debt_type TEXT NOT NULL,
    office TEXT NOT NULL,
    chapter TEXT NOT NULL,
    code TEXT NOT NULL,
    year INTEGER NOT NULL,
    description TEXT NOT NULL,
    forecast_cents INTEGER NOT NULL,
    state TEXT NOT NULL,
    assigned_count INTEGER NOT NULL,
    assigned_cents INTEGER NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP
);
CREATE INDEX reconcile_accertamento_state ON reconcile_accertamento (state, created_at);

-- One payment (a reconcile_item of kind payment) in an accertamento, with its
-- amount as it was when assigned (num_importo). A payment belongs to at most
-- one accertamento that is not ANNULLATO.
CREATE TABLE reconcile_accertamento_payment (
    accertamento_id TEXT NOT NULL REFERENCES reconcile_accertamento (id),
    payment_key TEXT NOT NULL,
    iuv TEXT NOT NULL,
    day TIMESTAMP NOT NULL,
    amount_cents INTEGER NOT NULL,
    active BOOLEAN NOT NULL,
    assigned_by TEXT NOT NULL,
    assigned_at TIMESTAMP NOT NULL,
    PRIMARY KEY (accertamento_id, payment_key)
);
CREATE UNIQUE INDEX reconcile_accertamento_payment_active ON reconcile_accertamento_payment (payment_key) WHERE active;

-- A treasury credit split by hand over several reporting flows (one SCT
-- paying two or more IUFs): one row per flow with the part of the credit it
-- receives; the parts add up to the credit. While split, the movement's iuf is
-- emptied; what the causale gave is kept on every row to undo it.
CREATE TABLE reconcile_split (
    movement_id TEXT NOT NULL,
    iuf TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    causale_iuf TEXT NOT NULL,
    causale_truncated BOOLEAN NOT NULL,
    linked_by TEXT NOT NULL,
    linked_at TIMESTAMP NOT NULL,
    PRIMARY KEY (movement_id, iuf)
);
CREATE INDEX reconcile_split_iuf ON reconcile_split (iuf);

-- +goose Down
DROP TABLE reconcile_split;
DROP TABLE reconcile_accertamento_payment;
DROP TABLE reconcile_accertamento;
