-- Full text on the practices finds a practice whose original title starts with the text
-- (folded: case and accents dropped). Without an index that prefix test folded the title of
-- every practice per search: 2.6 s of the search box's 4 s with 1,000,000 practices.
CREATE INDEX practices_title_key_idx ON practices (haven_fold(title ->> original_lang) text_pattern_ops);
