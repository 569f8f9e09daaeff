-- The help desk acts by itself too (automatic assignment, SLA marks,
-- notifications). Such history rows have no actor_id; actor_label names the rule
-- that acted, and the API shows the row as the help desk, never as a person.
ALTER TABLE history ADD COLUMN actor_label TEXT;
