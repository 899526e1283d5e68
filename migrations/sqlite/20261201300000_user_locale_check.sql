-- users.locale holds only a UI language Herald has (en, ja, zh) or NULL, as the CHECK of
-- rules.language and accounts.language does for messages. SQLite cannot add a CHECK to an
-- existing column without rebuilding the table, so two triggers refuse anything else; a
-- value written before them (there should be none: the server validates) is cleared.
UPDATE users SET locale = NULL WHERE locale NOT IN ('en', 'ja', 'zh');

CREATE TRIGGER users_locale_insert BEFORE INSERT ON users
WHEN NEW.locale IS NOT NULL AND NEW.locale NOT IN ('en', 'ja', 'zh')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: users.locale must be en, ja or zh');
END;

CREATE TRIGGER users_locale_update BEFORE UPDATE OF locale ON users
WHEN NEW.locale IS NOT NULL AND NEW.locale NOT IN ('en', 'ja', 'zh')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: users.locale must be en, ja or zh');
END;
