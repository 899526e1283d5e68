-- AccessKeys for the platform's API calls, events put on a bus, one delivery per matching
-- target, and each delivery's attempts.
CREATE TABLE access_keys (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- The public part of the token (`hk_<key_id>_…`), to find the row.
    key_id TEXT NOT NULL UNIQUE,
    -- SHA-256 (hex) of the whole token; the token itself is shown once and never stored.
    token_hash TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX access_keys_account ON access_keys (account_id);

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    bus_id INTEGER NOT NULL REFERENCES event_buses (id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    -- The CloudEvent's own id; (bus, source, ce_id) is unique, so a re-sent event is a no-op.
    ce_id TEXT NOT NULL,
    type TEXT NOT NULL,
    subject TEXT,
    -- The CloudEvent `time` (RFC 3339), or the time it was received.
    time TEXT NOT NULL,
    -- The whole CloudEvent as received (JSON), data included.
    envelope TEXT NOT NULL,
    received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (bus_id, source, ce_id)
);
CREATE INDEX events_bus_time ON events (bus_id, id DESC);

CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    rule_id INTEGER REFERENCES rules (id) ON DELETE SET NULL,
    target_id INTEGER REFERENCES targets (id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    -- Stable across attempts and redeliveries, so receivers can deduplicate (webhook-id).
    webhook_id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'delivered', 'failed', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    -- Unix milliseconds: when the next attempt is due, and until when a worker holds it.
    next_attempt_at INTEGER NOT NULL,
    lease_until INTEGER,
    last_reason TEXT,
    last_detail TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_event ON deliveries (event_id);
CREATE INDEX deliveries_rule ON deliveries (rule_id, status);

CREATE TABLE attempts (
    id INTEGER PRIMARY KEY,
    delivery_id INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    latency_ms INTEGER NOT NULL,
    -- What was sent, secrets redacted (URL tokens, signing keys, header values).
    request TEXT NOT NULL,
    response_status INTEGER,
    -- The first 2 KiB of the answer.
    response_body TEXT,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX attempts_delivery ON attempts (delivery_id, number);
