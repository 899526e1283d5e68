-- Users can be deleted: quota requests keep their history without them, and a session
-- names the user's current session nonce so it never outlives the user (ids may be reused
-- after a delete) nor a disable or password reset.

-- SQLite rebuilt quota_requests to change these two references; here they are altered in
-- place (the names are PostgreSQL's defaults from 20261122000004_rules.sql).
ALTER TABLE quota_requests ALTER COLUMN requested_by DROP NOT NULL;
ALTER TABLE quota_requests DROP CONSTRAINT quota_requests_requested_by_fkey,
    ADD CONSTRAINT quota_requests_requested_by_fkey
        FOREIGN KEY (requested_by) REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE quota_requests DROP CONSTRAINT quota_requests_decided_by_fkey,
    ADD CONSTRAINT quota_requests_decided_by_fkey
        FOREIGN KEY (decided_by) REFERENCES users (id) ON DELETE SET NULL;

-- Changes when the user is disabled or its password is reset or changed; sessions hold it.
ALTER TABLE users ADD COLUMN session_nonce TEXT NOT NULL DEFAULT '';
-- 32 random hex digits, as SQLite's lower(hex(randomblob(16))).
UPDATE users SET session_nonce = replace(gen_random_uuid()::text, '-', '');
