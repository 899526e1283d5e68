-- The engine claims due deliveries target by target (fair between accounts and targets),
-- wakes a target's waiting deliveries when its circuit closes, and deleting a target sets
-- its deliveries' target to NULL: each looks deliveries up by target.
CREATE INDEX deliveries_target ON deliveries (target_id, status, next_attempt_at);
