-- +goose Up
-- The write path of a bulk load (issue 5 benchmark). The dirty-key queue
-- becomes WITHOUT ROWID: its rows are only their key, so SQLite keeps one
-- B-tree instead of a rowid table plus an index for the key, and every mark
-- and claim writes one tree less. The items' day index goes: lists filter by
-- code (code, day) or IUV; sorting a page by day is cheaper than maintaining
-- one more tree on every classification.
CREATE TABLE reconcile_dirty_new (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
INSERT INTO reconcile_dirty_new (kind, key) SELECT kind, key FROM reconcile_dirty;
DROP TABLE reconcile_dirty;
ALTER TABLE reconcile_dirty_new RENAME TO reconcile_dirty;

DROP INDEX reconcile_item_day;

-- +goose Down
CREATE INDEX reconcile_item_day ON reconcile_item (day);
