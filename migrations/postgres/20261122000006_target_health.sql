-- A target that fails without a break for long enough is disabled, and the rule list flags
-- it; saving the rule again turns it back on.
ALTER TABLE targets ADD COLUMN failing_since BIGINT;
ALTER TABLE targets ADD COLUMN disabled_at TEXT;
ALTER TABLE targets ADD COLUMN disabled_reason TEXT;
