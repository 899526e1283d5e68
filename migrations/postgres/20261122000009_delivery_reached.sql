-- Voice and SMS targets send to each contact separately: the numbers an earlier attempt
-- reached (a JSON array), so a retry goes only to the contacts not reached yet.
ALTER TABLE deliveries ADD COLUMN reached TEXT;
