-- The place search puts listed cities whose name starts with a short text first: their folded
-- names are searched by prefix (`text_pattern_ops`, as `places.name_key`), so the search reads
-- the few cities under the prefix instead of comparing every listed city's names.
CREATE INDEX cities_name_key_prefix_idx ON cities (name_key text_pattern_ops);
CREATE INDEX cities_name_key_de_prefix_idx ON cities (name_key_de text_pattern_ops);
