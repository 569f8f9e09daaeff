-- SLA in business hours (issue 13). Hours are read in the organization's
-- time zone (organizations.time_zone, migration 004). Each organization's business hours and
-- holidays and its targets per priority, optional overrides per category, and
-- on every ticket its two clocks with the instants the queue and the jobs
-- thread index. Tickets older than this migration have no clocks (sla_first
-- IS NULL) and show no SLA: their promises were never made.

CREATE TABLE sla_settings (
    org_id      INTEGER PRIMARY KEY REFERENCES organizations(id),
    calendar    TEXT NOT NULL,   -- {"hours": {...}, "holidays": [...]}
    targets     TEXT,            -- NULL: the defaults for the calendar; else {"urgent": {"first_response": 60, "resolution": 240}, ...}
    updated_at  INTEGER NOT NULL
);

-- Per category, the priorities whose targets differ from the organization's
-- (the same JSON shape, only the keys that differ).
CREATE TABLE sla_category_targets (
    category_id  INTEGER PRIMARY KEY REFERENCES categories(id) ON DELETE CASCADE,
    org_id       INTEGER NOT NULL REFERENCES organizations(id),
    targets      TEXT NOT NULL
);

-- The clocks as JSON (domain::ticket_sla::clock_to_json), the marks fired
-- (bits: 1/2 first-response warning/breach, 4/8 resolution), and instants:
-- sla_due_at the earliest due time of a running clock, sla_risk_at the earliest
-- at-risk instant, sla_next_at the next mark for the jobs thread.
ALTER TABLE tickets ADD COLUMN sla_first TEXT;
ALTER TABLE tickets ADD COLUMN sla_resolution TEXT;
ALTER TABLE tickets ADD COLUMN sla_fired INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN sla_due_at INTEGER;
ALTER TABLE tickets ADD COLUMN sla_risk_at INTEGER;
ALTER TABLE tickets ADD COLUMN sla_next_at INTEGER;

-- The queue sorted by due time, tickets without one last, straight off an index.
CREATE INDEX tickets_org_sla_due ON tickets(org_id, sla_due_at IS NULL, sla_due_at);
-- The jobs thread's "which marks are due", over every organization.
CREATE INDEX tickets_sla_next ON tickets(sla_next_at) WHERE sla_next_at IS NOT NULL;
