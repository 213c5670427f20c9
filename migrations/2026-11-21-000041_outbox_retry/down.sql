DROP INDEX outbox_due_idx;
CREATE INDEX outbox_unsent_idx ON outbox (created_at) WHERE sent_at IS NULL;
ALTER TABLE outbox DROP COLUMN next_attempt_at;
