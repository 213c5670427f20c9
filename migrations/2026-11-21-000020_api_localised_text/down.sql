DROP FUNCTION haven_pick_lang(jsonb, text, text);
