-- RAM users (sub-users of an account), their policies, and the audit log.

-- A RAM user has a login name unique in its account (owners have NULL and log in by email).
ALTER TABLE users ADD COLUMN login_name TEXT COLLATE NOCASE;
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
-- Set for a new RAM user and after a reset: it must choose its own password first.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX users_login_name ON users (account_id, login_name)
    WHERE login_name IS NOT NULL;

CREATE TABLE policies (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- Case-sensitive, like every name a policy can refer to.
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- The document as the owner wrote it (validated at save).
    document TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (account_id, name)
);

CREATE TABLE user_policies (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    policy_id INTEGER NOT NULL REFERENCES policies (id) ON DELETE CASCADE,
    attached_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (user_id, policy_id)
);
CREATE INDEX user_policies_policy ON user_policies (policy_id);

-- Who did what, when. Kept when the user is deleted (actor is the name at the time).
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    actor_user_id INTEGER,
    actor TEXT NOT NULL,
    -- An action name, e.g. eventbridge:CreateRule or herald:Login.
    action TEXT NOT NULL,
    resource TEXT NOT NULL,
    -- ok | failed
    outcome TEXT NOT NULL,
    -- JSON {"before": …, "after": …} or {"reason": …}, secrets masked.
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_account ON audit_log (account_id, id);
