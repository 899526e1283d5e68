-- When a delivery was last queued by hand ("Redeliver"); NULL means when it was created.
-- The age of the oldest pending delivery (`/metrics`) counts from here.
ALTER TABLE deliveries ADD COLUMN queued_at TEXT;
