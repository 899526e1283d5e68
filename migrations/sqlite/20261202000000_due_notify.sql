-- Nothing on SQLite: one process owns the file and hands new deliveries to its workers in
-- memory. (migrations/postgres has a trigger here that wakes the other nodes.)
SELECT 1;
