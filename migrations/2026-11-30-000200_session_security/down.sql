DROP TRIGGER users_credentials_changed ON users;
DROP FUNCTION end_sessions_on_credential_change();
ALTER TABLE sessions DROP COLUMN number;
