-- The UI language a user chose (en, ja or zh; NULL: not chosen, the browser decides).
-- Read with the user's row on every page (users.id is the primary key): no index needed.
ALTER TABLE users ADD COLUMN locale TEXT;
