-- +goose Up
-- A payment item's key is its IUV followed by "/": the classification reads
-- the stored items of a batch of IUVs by key range on the primary key, so the
-- (iuv, kind) index only cost one more index on every item written (issue 5
-- benchmark). Searches by IUV already scan: their OR with iuf, which has no
-- index, cannot use it.
DROP INDEX reconcile_item_iuv;
-- Flow rows are written only by the import of their flow, in the same
-- transaction, and flows are never deleted: the foreign key only added a
-- trigger call per row (a million at a time in a bulk load).
ALTER TABLE reconcile_flow_row DROP CONSTRAINT reconcile_flow_row_flow_id_fkey;

-- +goose Down
ALTER TABLE reconcile_flow_row ADD CONSTRAINT reconcile_flow_row_flow_id_fkey FOREIGN KEY (flow_id) REFERENCES reconcile_flow (id);
CREATE INDEX reconcile_item_iuv ON reconcile_item (iuv, kind);
