-- The age of the oldest pending delivery, for /metrics: one seek into this index instead of
-- a walk over every pending delivery (deliveries_due orders them by due time, not by age).
CREATE INDEX deliveries_pending_age ON deliveries (COALESCE(queued_at, created_at))
    WHERE status = 'pending';
