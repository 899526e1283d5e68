-- Unknown event types (issue 13, item 4). Each bus chooses what to do with an event whose
-- source or type the catalog does not know: `refuse` it naming the type (the behaviour
-- before this migration), or `accept` it, store it and count it here. System buses
-- (`pai-system-*`, those with a workspace) accept: EventBridge's PAI strings are not
-- published, so a real PAI event must not be lost there; buses made by hand refuse.
ALTER TABLE event_buses ADD COLUMN unknown_types TEXT NOT NULL DEFAULT 'refuse'
    CHECK (unknown_types IN ('refuse', 'accept'));
UPDATE event_buses SET unknown_types = 'accept' WHERE workspace_id IS NOT NULL;

-- "Types seen but not in the catalog": one row per (bus, source, type) an accepting bus
-- stored, upserted in the event's own write transaction. At most 1,000 pairs per bus; past
-- that, events are still stored and counted in the one row ('', '') (no event has an empty
-- source or type). The sample is the latest event's envelope, cut to 8 KiB.
CREATE TABLE unknown_types (
    bus_id BIGINT NOT NULL REFERENCES event_buses (id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    type TEXT NOT NULL,
    count BIGINT NOT NULL,
    sample TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    PRIMARY KEY (bus_id, source, type)
);
