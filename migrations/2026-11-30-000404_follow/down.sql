ALTER TABLE outbox DROP COLUMN list_unsubscribe, DROP COLUMN follow_id;
DROP TABLE follows;
