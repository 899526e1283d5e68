-- What several nodes on one database must agree on before they send. Used on PostgreSQL;
-- on SQLite one process sends and keeps both in its memory, and the tables stay empty.
--
-- A robot's (or a rate-limited HTTP target's) recent sends: `key` is 'robot:' and the
-- SHA-256 of the robot's webhook URL (the URL carries its token, so it is never stored
-- here), or 'target:' and the target's id; `sends` the Unix milliseconds of the sends in
-- its longest window, comma-separated; `last_slot` the last later slot given to a
-- delivery that had to wait.
CREATE TABLE paces (
    key TEXT PRIMARY KEY NOT NULL,
    sends TEXT NOT NULL DEFAULT '',
    last_slot BIGINT NOT NULL,
    touched_ms BIGINT NOT NULL
);
-- Targets whose circuit breaker is open: until when (Unix ms) and how many times it opened
-- without closing in between. A closed circuit has no row.
CREATE TABLE circuits (
    target_id BIGINT PRIMARY KEY REFERENCES targets (id) ON DELETE CASCADE,
    until_ms BIGINT NOT NULL,
    opened BIGINT NOT NULL
);
