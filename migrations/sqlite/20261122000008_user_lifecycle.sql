-- Users can be deleted: quota requests keep their history without them, and a session
-- names the user's current session nonce so it never outlives the user (ids may be reused
-- after a delete) nor a disable or password reset.

CREATE TABLE quota_requests_new (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    rule_id INTEGER NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
    current_quota INTEGER NOT NULL,
    requested INTEGER NOT NULL CHECK (requested BETWEEN 1 AND 100),
    reason TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    -- NULL once the user is deleted.
    requested_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    decided_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    decided_at TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
INSERT INTO quota_requests_new
    SELECT id, account_id, rule_id, current_quota, requested, reason, status, requested_by,
           decided_by, decided_at, created_at
    FROM quota_requests;
DROP TABLE quota_requests;
ALTER TABLE quota_requests_new RENAME TO quota_requests;
CREATE INDEX quota_requests_account ON quota_requests (account_id, status);
-- At most one pending request per rule.
CREATE UNIQUE INDEX quota_requests_one_pending ON quota_requests (rule_id) WHERE status = 'pending';

-- Changes when the user is disabled or its password is reset or changed; sessions hold it.
ALTER TABLE users ADD COLUMN session_nonce TEXT NOT NULL DEFAULT '';
UPDATE users SET session_nonce = lower(hex(randomblob(16)));
