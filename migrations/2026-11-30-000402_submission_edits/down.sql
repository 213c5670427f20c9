ALTER TABLE submissions DROP COLUMN submitted_payload;
