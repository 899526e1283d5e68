-- The event list's filters, found through indexes at any size of history (a page is read
-- by walking an index newest first, never the whole table):
-- by type, newest first;
CREATE INDEX events_bus_type ON events (bus_id, type, id);
-- "received since": the first event of a bus received at or after a time;
CREATE INDEX events_bus_received ON events (bus_id, received_at);
-- by delivery status: a delivery knows its event's bus, so the events of a bus with a
-- failed (or pending, or delivered) delivery are read newest first from this index alone,
-- however few of them there are.
ALTER TABLE deliveries ADD COLUMN bus_id BIGINT;
UPDATE deliveries SET bus_id = (SELECT e.bus_id FROM events e WHERE e.id = deliveries.event_id);
CREATE INDEX deliveries_bus_status ON deliveries (bus_id, status, event_id);
