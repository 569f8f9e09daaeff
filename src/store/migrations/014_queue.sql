-- The queue at a million tickets (issues 13 and 14). Every sort the queue offers
-- should read an index in its order and stop after the page; two orders mixed
-- directions, so SQLite sorted a whole group of rows for each page:
--   * due time, latest first: "no due time last" ascending, due times descending
--     (160,000 running clocks sorted per page);
--   * priority, lowest first: priorities ascending, most recently updated first
--     within one (a quarter of a million rows per priority).
-- These indexes hold those orders; the ticket list breaks ties by id in index
-- order (store/ticket_list.rs), so no sort step is left.
CREATE INDEX tickets_org_sla_due_desc ON tickets(org_id, sla_due_at IS NULL, sla_due_at DESC);
CREATE INDEX tickets_org_priority_recent ON tickets(org_id, priority, updated_at DESC);

-- "At risk" (80 % used, not yet due, no breach) is a few thousand of a million
-- tickets, and no order finds them early: a queue page walked past every
-- breached ticket to fill itself (140,000 of them in the demo data). Running
-- clocks due after now, with their at-risk instant in the index, are read as a
-- range without touching the table; the few that match are then sorted.
CREATE INDEX tickets_org_sla_running ON tickets(org_id, sla_due_at, sla_risk_at)
    WHERE sla_due_at IS NOT NULL;

-- The "Mine" and "Unassigned" tabs sorted by due time: unassigned tickets are
-- the newest, so the due-time walk passed 150,000 others to find them (0.7 s).
CREATE INDEX tickets_org_assignee_sla_due ON tickets(org_id, assignee_id, sla_due_at IS NULL, sla_due_at);
