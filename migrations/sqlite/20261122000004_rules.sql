-- Event rules on a bus, their targets, the contacts voice/SMS/email targets reach, and
-- quota increase requests.
CREATE TABLE rules (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    bus_id INTEGER NOT NULL REFERENCES event_buses (id) ON DELETE CASCADE,
    -- Case-sensitive, like the policy language that names rules in ARNs.
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    enabled INTEGER NOT NULL DEFAULT 1,
    -- A catalog source id and a JSON array of its type ids.
    source TEXT NOT NULL,
    types TEXT NOT NULL,
    -- An event pattern on data (compact JSON); NULL matches every event of the types.
    pattern TEXT,
    -- Target units the rule may use (5 unless an increase was approved).
    quota INTEGER NOT NULL DEFAULT 5 CHECK (quota BETWEEN 1 AND 100),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (bus_id, name)
);
CREATE INDEX rules_account ON rules (account_id);

CREATE TABLE targets (
    id INTEGER PRIMARY KEY,
    rule_id INTEGER NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    -- The target's settings as JSON, sealed with the server's key (URLs carry tokens):
    -- never readable from the database alone. Contacts are in target_contacts instead.
    config TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX targets_rule ON targets (rule_id, position);

CREATE TABLE target_contacts (
    target_id INTEGER NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contacts (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (target_id, contact_id)
);
CREATE INDEX target_contacts_contact ON target_contacts (contact_id);

CREATE TABLE quota_requests (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    rule_id INTEGER NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
    current_quota INTEGER NOT NULL,
    requested INTEGER NOT NULL CHECK (requested BETWEEN 1 AND 100),
    reason TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    requested_by INTEGER NOT NULL REFERENCES users (id),
    decided_by INTEGER REFERENCES users (id),
    decided_at TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX quota_requests_account ON quota_requests (account_id, status);
-- At most one pending request per rule.
CREATE UNIQUE INDEX quota_requests_one_pending ON quota_requests (rule_id) WHERE status = 'pending';
