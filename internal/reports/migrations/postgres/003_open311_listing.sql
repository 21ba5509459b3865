-- +goose Up
-- o311_rev counts the rewrites of a report's Open311 fragment: a process
-- that remembers fragments by (id, o311_rev) knows from the listing index
-- alone whether what it holds is current. The listing index now carries
-- every column a listing reads besides the fragment, so a page whose
-- fragments are remembered is an index-only scan.
ALTER TABLE reports_report ADD COLUMN o311_rev INTEGER NOT NULL DEFAULT 0;
DROP INDEX reports_report_created;
CREATE INDEX reports_report_listing ON reports_report (created_at, id, category_id, state_type, state, o311_rev);

-- +goose Down
DROP INDEX reports_report_listing;
CREATE INDEX reports_report_created ON reports_report (created_at, id, category_id, state_type);
ALTER TABLE reports_report DROP COLUMN o311_rev;
