-- users.locale holds only a UI language Herald has (en, ja, zh) or NULL, as the CHECK of
-- rules.language and accounts.language does for messages. SQLite needed two triggers
-- (users_locale_insert, users_locale_update) because it cannot add a CHECK to an existing
-- column; PostgreSQL can. A value written before it (there should be none: the server
-- validates) is cleared.
UPDATE users SET locale = NULL WHERE locale NOT IN ('en', 'ja', 'zh');

ALTER TABLE users ADD CONSTRAINT users_locale_check
    CHECK (locale IN ('en', 'ja', 'zh'));
