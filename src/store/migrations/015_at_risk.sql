-- The queue's "at risk" filter at a million tickets (issue 13). Migration 014
-- gave it the range of running clocks (due after now) with their at-risk
-- instant in the index, but whether a clock has already breached lived only in
-- the table: counting the first 1,001 matches read about 11,000 rows, and a
-- page looked up all of its 2,000-odd matches to sort them (p99 16-18 ms).
-- With the fired marks in the index too, the count reads the index alone, and
-- a page sorted by due time walks it in order (the list orders at-risk tickets
-- by the index's own columns, see store/ticket_list.rs) and stops after 25.
DROP INDEX tickets_org_sla_running;
CREATE INDEX tickets_org_sla_running ON tickets(org_id, sla_due_at, sla_risk_at, sla_fired)
    WHERE sla_due_at IS NOT NULL;
