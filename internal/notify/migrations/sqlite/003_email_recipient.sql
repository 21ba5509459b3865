-- +goose Up
-- Messages to a person known only by an e-mail address (no fiscal code).
-- email: the address, kept only until the e-mail delivery is settled (sent
-- or failed), then emptied. email_ref: its pseudonym (masked address and a
-- short hash), what lists, exports, the API and the audit log show, and
-- what a search by address compares.
ALTER TABLE notify_messages ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE notify_messages ADD COLUMN email_ref TEXT NOT NULL DEFAULT '';
CREATE INDEX notify_messages_email_ref ON notify_messages (email_ref, created_at);

-- +goose Down
DROP INDEX notify_messages_email_ref;
ALTER TABLE notify_messages DROP COLUMN email_ref;
ALTER TABLE notify_messages DROP COLUMN email;
