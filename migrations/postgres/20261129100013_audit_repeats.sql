-- Repeated failed logins are counted in one audit row per (login, reason) and hour instead
-- of a row each: a stranger guessing names cannot fill an account's log.
ALTER TABLE audit_log ADD COLUMN count BIGINT NOT NULL DEFAULT 1;
-- Set on rows that count repeats: what makes two attempts the same entry.
ALTER TABLE audit_log ADD COLUMN repeat_key TEXT;
CREATE UNIQUE INDEX audit_log_repeats ON audit_log (account_id, repeat_key)
    WHERE repeat_key IS NOT NULL;
-- The retention purge walks entries by age.
CREATE INDEX audit_log_at ON audit_log (at);
-- Expired login counters are found by the start of their window.
CREATE INDEX login_failures_window ON login_failures (window_start);
