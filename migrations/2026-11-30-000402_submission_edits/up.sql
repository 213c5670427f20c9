-- A moderator may correct a suggestion before approving it (a typo, a wrong year, a clearer
-- title). What the submitter sent is kept beside what was published.
ALTER TABLE submissions ADD COLUMN submitted_payload jsonb
    CHECK (jsonb_typeof(submitted_payload) = 'object');
