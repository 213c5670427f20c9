-- When an unsent message is next tried: now for a new one, later after each failure
-- (attempts² minutes), so a relay outage does not use up a message's attempts at once.
ALTER TABLE outbox ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now();
DROP INDEX outbox_unsent_idx;
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE sent_at IS NULL;
