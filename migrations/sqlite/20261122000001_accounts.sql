-- Accounts (tenants), their users, login throttling.
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    -- NULL until "Activate for free": the ServiceNotEnable state.
    eventbridge_activated_at TEXT
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- Owners log in by email, which is unique across the install.
    email TEXT COLLATE NOCASE UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_owner INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX users_account ON users (account_id);

-- Failed logins per login name, to slow down guessing.
CREATE TABLE login_failures (
    login TEXT PRIMARY KEY COLLATE NOCASE,
    failures INTEGER NOT NULL,
    -- Unix seconds of the first failure of the current window.
    window_start INTEGER NOT NULL,
    -- Unix seconds until which logins for this name are refused.
    locked_until INTEGER
);
