-- A rule's own message title and body: minijinja templates over the event, checked when
-- the rule is saved. NULL: the built-in headline and facts.
ALTER TABLE rules ADD COLUMN title_template TEXT;
ALTER TABLE rules ADD COLUMN body_template TEXT;
