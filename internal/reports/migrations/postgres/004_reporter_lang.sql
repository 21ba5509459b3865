-- +goose Up
-- The language the reporter filed in ("it" or "en"): the e-mails to an
-- anonymous reporter (confirmation link, state changes) are written in it.
-- A citizen known by fiscal code gets the language of their own preferences.
ALTER TABLE reports_report ADD COLUMN reporter_lang TEXT NOT NULL DEFAULT 'it';

-- +goose Down
ALTER TABLE reports_report DROP COLUMN reporter_lang;
