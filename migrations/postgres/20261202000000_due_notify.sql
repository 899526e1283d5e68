-- Several nodes share one PostgreSQL: a statement that stores deliveries nobody holds
-- (ingest whose node could not hand them to its own workers, or a node without an engine)
-- tells every listening node at once (NOTIFY herald_due), so idle workers elsewhere claim
-- them without waiting for their next poll. Deliveries leased to the inserting node are
-- its own and wake nobody. One notice per statement, sent when its transaction commits.
CREATE FUNCTION herald_announce_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM inserted WHERE status = 'pending' AND lease_until IS NULL) THEN
        PERFORM pg_notify('herald_due', '');
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER deliveries_announce_due AFTER INSERT ON deliveries
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION herald_announce_due();
