-- A submission is pending, published or rejected: nothing ever wrote `approved` (approval
-- publishes in the same transaction), so the status is no longer allowed.
ALTER TABLE submissions DROP CONSTRAINT submissions_status_check;
ALTER TABLE submissions ADD CONSTRAINT submissions_status_check
    CHECK (status IN ('pending', 'rejected', 'published'));
