-- The language of messages: per rule (NULL = the account's language), and the account's
-- own, English unless changed.
ALTER TABLE rules ADD COLUMN language TEXT CHECK (language IN ('en', 'ja', 'zh'));
ALTER TABLE accounts ADD COLUMN language TEXT NOT NULL DEFAULT 'en'
    CHECK (language IN ('en', 'ja', 'zh'));
