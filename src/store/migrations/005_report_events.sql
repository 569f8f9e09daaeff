-- Reports read their figures from the history, but the history has no org_id and
-- its rows are wide: counting a year of resolutions across a million tickets by
-- joining it to tickets costs seconds. report_events is a narrow, derived copy of
-- the history rows the reports need, written by triggers on history, so every
-- writer (the API, the jobs thread, the demo generator) keeps it in step without
-- knowing it exists, and the figures stay right for any past range.
--
-- kind:
--   'response'  the first public reply by staff on a ticket (first-response time)
--   'resolved'  a move to resolved (resolution time, resolved per day)
--   'closed'    a move to closed
--   'reopened'  a move from resolved or closed back to a working status
-- delta is the change to the backlog (tickets not resolved or closed): -1 when a
-- move finishes a working ticket, +1 when a reopen brings it back, else 0.
-- created_at is the ticket's, so durations need no join.
CREATE TABLE report_events (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL,
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('response', 'resolved', 'closed', 'reopened')),
    at          INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    delta       INTEGER NOT NULL DEFAULT 0 CHECK (delta BETWEEN -1 AND 1)
);
-- Every report query is "this organization, this kind, this range": index-only.
CREATE INDEX report_events_range ON report_events(org_id, kind, at, created_at, delta);
CREATE INDEX report_events_ticket ON report_events(ticket_id, kind);
-- Created per day by category and priority, and the backlog's starting count,
-- without touching the table.
CREATE INDEX tickets_org_created_report
    ON tickets(org_id, created_at, category_id, priority, assignee_id);
-- Open tickets per assignee now, from the index alone (the status index alone
-- would look up every open ticket's row for its assignee).
CREATE INDEX tickets_org_status_assignee
    ON tickets(org_id, status, assignee_id, category_id, priority);

CREATE TRIGGER report_first_response AFTER INSERT ON history
WHEN NEW.action = 'replied' AND NEW.internal = 0 AND NEW.actor_id IS NOT NULL
BEGIN
    INSERT INTO report_events (org_id, ticket_id, kind, at, created_at)
    SELECT t.org_id, t.id, 'response', NEW.created_at, t.created_at
    FROM tickets t JOIN users u ON u.id = NEW.actor_id AND u.role IN ('agent', 'admin')
    WHERE t.id = NEW.ticket_id
      AND NOT EXISTS (SELECT 1 FROM report_events e
                      WHERE e.ticket_id = NEW.ticket_id AND e.kind = 'response');
END;

CREATE TRIGGER report_status AFTER INSERT ON history
WHEN NEW.action = 'status'
BEGIN
    INSERT INTO report_events (org_id, ticket_id, kind, at, created_at, delta)
    SELECT t.org_id, t.id, k.kind, NEW.created_at, t.created_at,
           (NEW.old_value IN ('"resolved"', '"closed"'))
             - (NEW.new_value IN ('"resolved"', '"closed"'))
    FROM tickets t,
         (SELECT CASE
                   WHEN NEW.new_value = '"resolved"' THEN 'resolved'
                   WHEN NEW.new_value = '"closed"' THEN 'closed'
                   WHEN NEW.old_value IN ('"resolved"', '"closed"') THEN 'reopened'
                 END AS kind) k
    WHERE t.id = NEW.ticket_id AND k.kind IS NOT NULL;
END;

-- The history written before this migration, in order.
INSERT INTO report_events (org_id, ticket_id, kind, at, created_at)
SELECT t.org_id, t.id, 'response', MIN(h.created_at), t.created_at
FROM history h
JOIN tickets t ON t.id = h.ticket_id
JOIN users u ON u.id = h.actor_id AND u.role IN ('agent', 'admin')
WHERE h.action = 'replied' AND h.internal = 0
GROUP BY t.id;

INSERT INTO report_events (org_id, ticket_id, kind, at, created_at, delta)
SELECT t.org_id, t.id,
       CASE
         WHEN h.new_value = '"resolved"' THEN 'resolved'
         WHEN h.new_value = '"closed"' THEN 'closed'
         ELSE 'reopened'
       END,
       h.created_at, t.created_at,
       (h.old_value IN ('"resolved"', '"closed"')) - (h.new_value IN ('"resolved"', '"closed"'))
FROM history h JOIN tickets t ON t.id = h.ticket_id
WHERE h.action = 'status'
  AND (h.new_value IN ('"resolved"', '"closed"') OR h.old_value IN ('"resolved"', '"closed"'))
ORDER BY h.id;
