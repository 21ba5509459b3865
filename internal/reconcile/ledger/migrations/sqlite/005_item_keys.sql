-- +goose Up
-- A payment item's key is its IUV followed by "/": the classification reads
-- the stored items of a batch of IUVs by key range on the primary key, so the
-- (iuv, kind) index only cost one more B-tree on every item written (issue 5
-- benchmark). Searches by IUV already scan: their OR with iuf, which has no
-- index, cannot use it.
DROP INDEX reconcile_item_iuv;

-- +goose Down
CREATE INDEX reconcile_item_iuv ON reconcile_item (iuv, kind);
