-- +goose Up
-- The items' day index goes (issue 5 benchmark): lists filter by code
-- (code, day) or IUV; sorting a page by day is cheaper than maintaining one
-- more index on every classification. (On SQLite the same migration also
-- turns small key-addressed tables into WITHOUT ROWID ones.)
DROP INDEX reconcile_item_day;

-- +goose Down
CREATE INDEX reconcile_item_day ON reconcile_item (day);
