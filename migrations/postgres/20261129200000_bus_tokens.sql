-- EventBridge ingest tokens: one per bus, acting as the user who created it, for PutEvents
-- on that bus only. Only the token's SHA-256 is stored; rotation replaces the row.
CREATE TABLE bus_tokens (
    bus_id BIGINT PRIMARY KEY REFERENCES event_buses (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key_id TEXT NOT NULL UNIQUE,
    token_hash TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
);
