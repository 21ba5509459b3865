-- +goose Up
-- The rectangles covered on the public copy of a redacted photo (JSON list
-- of {X,Y,W,H} in percent), written with blob_key in one statement so they
-- always describe the copy it points to; '' when the photo is not redacted.
-- Staff see them outlined over the original.
ALTER TABLE reports_media ADD COLUMN redactions TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE reports_media DROP COLUMN redactions;
