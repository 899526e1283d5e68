-- Contacts ("Message receiving settings"): who voice, SMS and email targets reach.
CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL COLLATE NOCASE,
    -- E.164, e.g. +8613800000000; NULL when the contact has only an email.
    phone TEXT,
    email TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (account_id, name),
    CHECK (phone IS NOT NULL OR email IS NOT NULL)
);
