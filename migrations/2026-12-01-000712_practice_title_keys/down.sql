DROP INDEX practices_title_key_idx;
