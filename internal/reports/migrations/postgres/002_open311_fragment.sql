-- +goose Up
-- Each report's Open311 representation, encoded ahead of time in JSON and XML
-- (see open311.Fragment): kept current in the transaction of every change,
-- so a listing is an index range scan and a concatenation. Empty means not
-- rendered yet (rows from before this migration): the listing renders those.
ALTER TABLE reports_report ADD COLUMN o311_json TEXT NOT NULL DEFAULT '';
ALTER TABLE reports_report ADD COLUMN o311_xml TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE reports_report DROP COLUMN o311_xml;
ALTER TABLE reports_report DROP COLUMN o311_json;
