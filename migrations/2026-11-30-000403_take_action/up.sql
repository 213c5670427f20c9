-- Guides for campaigners who want their own municipality to act, one per Seebrücke demand and
-- per policy area and language (`data/take_action.csv`): who decides, what a council motion
-- asks for, what it costs, what opponents say, what to do next. Paragraphs are parted by
-- blank lines. The cities that acted are not stored here: the pages read them from the data.
CREATE TABLE take_action_guides (
    key         text NOT NULL CHECK (key ~ '^[a-z0-9_-]+$'),
    kind        text NOT NULL CHECK (kind IN ('demand', 'policy_area')),
    lang        lang NOT NULL,
    title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    intro       text NOT NULL,
    who_decides text NOT NULL,
    motion      text NOT NULL,
    costs       text NOT NULL,
    objections  text NOT NULL,
    next_steps  text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (key, lang)
);

CREATE TRIGGER take_action_guides_updated_at BEFORE UPDATE ON take_action_guides
    FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER take_action_guides_version_ins AFTER INSERT ON take_action_guides
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER take_action_guides_version_upd AFTER UPDATE ON take_action_guides
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER take_action_guides_version_del AFTER DELETE ON take_action_guides
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
