-- Sessions that can be listed and ended one by one, and credentials whose change ends them.

-- A number to name a session in the account's list of sessions (the primary key is the hash
-- of the cookie's secret and is never shown).
ALTER TABLE sessions ADD COLUMN number bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE sessions ADD CONSTRAINT sessions_number_key UNIQUE (number);

-- A new role or a new password ends every session of the account, whoever changes it (the
-- server, `haven admin create-moderator`, an operator in psql), and a new password ends the
-- account's other password-reset links.
CREATE FUNCTION end_sessions_on_credential_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM sessions WHERE user_id = NEW.id;
    IF OLD.password_hash IS DISTINCT FROM NEW.password_hash THEN
        UPDATE user_tokens SET used_at = now()
         WHERE user_id = NEW.id AND purpose = 'reset_password' AND used_at IS NULL;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER users_credentials_changed AFTER UPDATE OF role, password_hash ON users
    FOR EACH ROW
    WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.password_hash IS DISTINCT FROM NEW.password_hash)
    EXECUTE FUNCTION end_sessions_on_credential_change();
