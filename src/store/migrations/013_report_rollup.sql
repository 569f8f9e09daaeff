-- Reports read a rollup, not the history: per organization, local day and
-- (category, priority, assignee), the day's counts and a histogram of the
-- business-time durations of first responses and resolutions. A year's summary
-- then reads hundreds of rows instead of millions (issue 17: p99 < 200 ms at a
-- million tickets). Triggers keep it in step at write time, so every writer (the
-- API, the jobs thread, seed-demo, SLA backfills) updates it without knowing it
-- exists. It replaces report_events (migration 005), whose rows are copied.
--
-- Three layers, all derived:
--   report_facts   one row per thing a report counts, per ticket: created,
--                  resolved, closed, reopened (from tickets and the history), and
--                  first_response / resolution (when an SLA clock stops: its
--                  business time used and whether it met its target). Each fact
--                  carries its ticket's *current* category, priority and assignee
--                  and its local day, so a change of those moves the ticket's few
--                  facts, and a deleted ticket's facts go with it (cascade).
--   report_days    per (org, category, priority, assignee, day): counts.
--   report_times   per (org, category, priority, assignee, kind, span, start,
--                  bucket): how many durations fell in the bucket, their sum and
--                  how many met their SLA, over one day (span 0), an aligned
--                  block of 8 days (span 1) or of 64 days (span 2) starting on
--                  day `start`. A year has about 450 busy buckets a day: read day
--                  by day that is 160,000 rows, read as 64-, 8- and 1-day pieces
--                  (report_spans) at most about 16,000.
-- In the rollups -1 means "any": each fact is added to the 8 rows its three
-- values and "any" make (report_masks), so every filter combination is a key
-- lookup plus a day range. assignee 0 is "unassigned".
--
-- Local days: day = (at + the zone's UTC offset at `at`) / 86 400 000, with the
-- offset from report_zone_offsets, the organization's zone's transitions written
-- by store::report_rollup (SQL has no time zone database). When an
-- organization's zone changes, that module rewrites the offsets and rebuilds
-- the organization's days; at start-up it does so for any organization whose
-- stored offsets differ from its zone's (which, for the empty table this
-- migration leaves, is every organization: the rollups are built then).
--
-- Buckets: bucket 0 is [0, 1 s); bucket k >= 1 starts at 1000 * 1.02^(k-1) ms,
-- so each is 2 % wide and a percentile read from them (the mean of the values
-- in its bucket) is within 2 % of the exact one.

DROP TRIGGER report_first_response;
DROP TRIGGER report_status;

CREATE TABLE report_masks (m INTEGER PRIMARY KEY);
INSERT INTO report_masks (m) VALUES (0), (1), (2), (3), (4), (5), (6), (7);

CREATE TABLE report_spans (span INTEGER PRIMARY KEY, len INTEGER NOT NULL);
INSERT INTO report_spans (span, len) VALUES (0, 1), (1, 8), (2, 64);

CREATE TABLE report_buckets (
    low_ms  INTEGER PRIMARY KEY,
    bucket  INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO report_buckets (low_ms, bucket) VALUES (0, 0);
INSERT INTO report_buckets (low_ms, bucket)
WITH RECURSIVE b(k, low) AS (
    SELECT 1, 1000.0 UNION ALL SELECT k + 1, low * 1.02 FROM b WHERE k < 1300
)
SELECT CAST(low AS INTEGER), k FROM b;

CREATE TABLE report_zone_offsets (
    org_id     INTEGER NOT NULL,
    since_ms   INTEGER NOT NULL,
    offset_ms  INTEGER NOT NULL,
    PRIMARY KEY (org_id, since_ms)
) WITHOUT ROWID;

CREATE TABLE report_facts (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL,
    ticket_id    INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('created', 'resolved', 'closed', 'reopened',
                                               'first_response', 'resolution')),
    at           INTEGER NOT NULL,
    day          INTEGER NOT NULL,
    category_id  INTEGER NOT NULL,
    priority     INTEGER NOT NULL,
    assignee_id  INTEGER NOT NULL,
    -- The change to the backlog of a status move (-1 finishes, +1 reopens).
    delta        INTEGER NOT NULL DEFAULT 0,
    -- Durations only: business ms used, its bucket, 1 when it met its target.
    ms           INTEGER,
    bucket       INTEGER,
    met          INTEGER
);
CREATE INDEX report_facts_ticket ON report_facts(ticket_id);
CREATE INDEX report_facts_org ON report_facts(org_id);

CREATE TABLE report_days (
    org_id          INTEGER NOT NULL,
    category_id     INTEGER NOT NULL,
    priority        INTEGER NOT NULL,
    assignee_id     INTEGER NOT NULL,
    day             INTEGER NOT NULL,
    created         INTEGER NOT NULL DEFAULT 0,
    resolved        INTEGER NOT NULL DEFAULT 0,
    closed          INTEGER NOT NULL DEFAULT 0,
    reopened        INTEGER NOT NULL DEFAULT 0,
    backlog_change  INTEGER NOT NULL DEFAULT 0,
    deflections     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, category_id, priority, assignee_id, day)
) WITHOUT ROWID;

CREATE TABLE report_times (
    org_id       INTEGER NOT NULL,
    category_id  INTEGER NOT NULL,
    priority     INTEGER NOT NULL,
    assignee_id  INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    span         INTEGER NOT NULL,
    start        INTEGER NOT NULL,
    bucket       INTEGER NOT NULL,
    n            INTEGER NOT NULL DEFAULT 0,
    sum_ms       INTEGER NOT NULL DEFAULT 0,
    met          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, category_id, priority, assignee_id, kind, span, start, bucket)
) WITHOUT ROWID;

-- The existing data as facts, with UTC days for now: the start-up rebuild
-- (store::report_rollup::sync_zones) sets the local days and builds the rollups.
-- The rollup triggers are created after this, so the copy does not feed them.
INSERT INTO report_facts (org_id, ticket_id, kind, at, day, category_id, priority, assignee_id)
SELECT org_id, id, 'created', created_at, created_at / 86400000, category_id, priority,
       COALESCE(assignee_id, 0)
FROM tickets;

INSERT INTO report_facts (org_id, ticket_id, kind, at, day, category_id, priority,
                          assignee_id, delta)
SELECT e.org_id, e.ticket_id, e.kind, e.at, e.at / 86400000, t.category_id, t.priority,
       COALESCE(t.assignee_id, 0), e.delta
FROM report_events e JOIN tickets t ON t.id = e.ticket_id
WHERE e.kind IN ('resolved', 'closed', 'reopened')
ORDER BY e.id;

INSERT INTO report_facts (org_id, ticket_id, kind, at, day, category_id, priority,
                          assignee_id, ms, bucket, met)
SELECT t.org_id, t.id, c.kind, c.at, c.at / 86400000, t.category_id, t.priority,
       COALESCE(t.assignee_id, 0), c.u,
       (SELECT bucket FROM report_buckets WHERE low_ms <= MAX(c.u, 0)
        ORDER BY low_ms DESC LIMIT 1),
       CASE WHEN c.due IS NOT NULL THEN c.at < c.due ELSE c.u < c.t * 60000 END
FROM tickets t
JOIN (SELECT id, 'first_response' AS kind, json_extract(sla_first, '$.run') AS run,
             json_extract(sla_first, '$.at') AS at, json_extract(sla_first, '$.u') AS u,
             json_extract(sla_first, '$.t') AS t, json_extract(sla_first, '$.due') AS due
      FROM tickets WHERE sla_first IS NOT NULL
      UNION ALL
      SELECT id, 'resolution', json_extract(sla_resolution, '$.run'),
             json_extract(sla_resolution, '$.at'), json_extract(sla_resolution, '$.u'),
             json_extract(sla_resolution, '$.t'), json_extract(sla_resolution, '$.due')
      FROM tickets WHERE sla_resolution IS NOT NULL) c ON c.id = t.id
WHERE c.run = 'stopped' AND c.at IS NOT NULL AND c.u IS NOT NULL;

DROP TABLE report_events;

-- Facts from writes. The local day of instant X for organization O is
--   (X + COALESCE((SELECT offset_ms FROM report_zone_offsets z WHERE z.org_id = O
--                  AND z.since_ms <= X ORDER BY z.since_ms DESC LIMIT 1), 0)) / 86400000
-- written out in each trigger (triggers cannot call functions of ours).

CREATE TRIGGER report_ticket_created AFTER INSERT ON tickets
BEGIN
    INSERT INTO report_facts (org_id, ticket_id, kind, at, day, category_id, priority,
                              assignee_id)
    VALUES (NEW.org_id, NEW.id, 'created', NEW.created_at,
            (NEW.created_at + COALESCE((SELECT offset_ms FROM report_zone_offsets z
                WHERE z.org_id = NEW.org_id AND z.since_ms <= NEW.created_at
                ORDER BY z.since_ms DESC LIMIT 1), 0)) / 86400000,
            NEW.category_id, NEW.priority, COALESCE(NEW.assignee_id, 0));
END;

CREATE TRIGGER report_status AFTER INSERT ON history
WHEN NEW.action = 'status'
BEGIN
    INSERT INTO report_facts (org_id, ticket_id, kind, at, day, category_id, priority,
                              assignee_id, delta)
    SELECT t.org_id, t.id, k.kind, NEW.created_at,
           (NEW.created_at + COALESCE((SELECT offset_ms FROM report_zone_offsets z
               WHERE z.org_id = t.org_id AND z.since_ms <= NEW.created_at
               ORDER BY z.since_ms DESC LIMIT 1), 0)) / 86400000,
           t.category_id, t.priority, COALESCE(t.assignee_id, 0),
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

-- An SLA clock that stops is a duration: the first public staff reply stops the
-- first-response clock, resolving stops the resolution clock (a reopen resumes
-- it, so a second resolution counts the business time of both spells). "Met"
-- is domain::sla::SlaClock::state's rule for a stopped clock: before the
-- hand-set due time when there is one, else less business time than the target.
CREATE TRIGGER report_first_response AFTER UPDATE OF sla_first ON tickets
WHEN json_extract(NEW.sla_first, '$.run') = 'stopped'
 AND (OLD.sla_first IS NULL OR json_extract(OLD.sla_first, '$.run') <> 'stopped')
BEGIN
    INSERT INTO report_facts (org_id, ticket_id, kind, at, day, category_id, priority,
                              assignee_id, ms, bucket, met)
    SELECT NEW.org_id, NEW.id, 'first_response', c.at,
           (c.at + COALESCE((SELECT offset_ms FROM report_zone_offsets z
               WHERE z.org_id = NEW.org_id AND z.since_ms <= c.at
               ORDER BY z.since_ms DESC LIMIT 1), 0)) / 86400000,
           NEW.category_id, NEW.priority, COALESCE(NEW.assignee_id, 0), c.u,
           (SELECT bucket FROM report_buckets WHERE low_ms <= MAX(c.u, 0)
            ORDER BY low_ms DESC LIMIT 1),
           CASE WHEN c.due IS NOT NULL THEN c.at < c.due ELSE c.u < c.t * 60000 END
    FROM (SELECT json_extract(NEW.sla_first, '$.at') AS at,
                 json_extract(NEW.sla_first, '$.u') AS u,
                 json_extract(NEW.sla_first, '$.t') AS t,
                 json_extract(NEW.sla_first, '$.due') AS due) c
    WHERE c.at IS NOT NULL AND c.u IS NOT NULL;
END;

CREATE TRIGGER report_resolution AFTER UPDATE OF sla_resolution ON tickets
WHEN json_extract(NEW.sla_resolution, '$.run') = 'stopped'
 AND (OLD.sla_resolution IS NULL OR json_extract(OLD.sla_resolution, '$.run') <> 'stopped')
BEGIN
    INSERT INTO report_facts (org_id, ticket_id, kind, at, day, category_id, priority,
                              assignee_id, ms, bucket, met)
    SELECT NEW.org_id, NEW.id, 'resolution', c.at,
           (c.at + COALESCE((SELECT offset_ms FROM report_zone_offsets z
               WHERE z.org_id = NEW.org_id AND z.since_ms <= c.at
               ORDER BY z.since_ms DESC LIMIT 1), 0)) / 86400000,
           NEW.category_id, NEW.priority, COALESCE(NEW.assignee_id, 0), c.u,
           (SELECT bucket FROM report_buckets WHERE low_ms <= MAX(c.u, 0)
            ORDER BY low_ms DESC LIMIT 1),
           CASE WHEN c.due IS NOT NULL THEN c.at < c.due ELSE c.u < c.t * 60000 END
    FROM (SELECT json_extract(NEW.sla_resolution, '$.at') AS at,
                 json_extract(NEW.sla_resolution, '$.u') AS u,
                 json_extract(NEW.sla_resolution, '$.t') AS t,
                 json_extract(NEW.sla_resolution, '$.due') AS due) c
    WHERE c.at IS NOT NULL AND c.u IS NOT NULL;
END;

-- Filters use a ticket's current values: a change moves its facts.
CREATE TRIGGER report_ticket_moved AFTER UPDATE OF category_id, priority, assignee_id ON tickets
WHEN OLD.category_id IS NOT NEW.category_id OR OLD.priority IS NOT NEW.priority
  OR OLD.assignee_id IS NOT NEW.assignee_id
BEGIN
    UPDATE report_facts
    SET category_id = NEW.category_id, priority = NEW.priority,
        assignee_id = COALESCE(NEW.assignee_id, 0)
    WHERE ticket_id = NEW.id;
END;

-- Facts into the rollups: +1 on insert, -1 on delete, both on a move.
CREATE TRIGGER report_days_add AFTER INSERT ON report_facts
WHEN NEW.kind IN ('created', 'resolved', 'closed', 'reopened')
BEGIN
    INSERT INTO report_days (org_id, category_id, priority, assignee_id, day,
                             created, resolved, closed, reopened, backlog_change)
    SELECT NEW.org_id,
           CASE WHEN m & 1 THEN NEW.category_id ELSE -1 END,
           CASE WHEN m & 2 THEN NEW.priority ELSE -1 END,
           CASE WHEN m & 4 THEN NEW.assignee_id ELSE -1 END,
           NEW.day, NEW.kind = 'created', NEW.kind = 'resolved', NEW.kind = 'closed',
           NEW.kind = 'reopened', NEW.delta
    FROM report_masks WHERE true
    ON CONFLICT DO UPDATE SET created = created + excluded.created,
        resolved = resolved + excluded.resolved, closed = closed + excluded.closed,
        reopened = reopened + excluded.reopened,
        backlog_change = backlog_change + excluded.backlog_change;
END;

CREATE TRIGGER report_days_remove AFTER DELETE ON report_facts
WHEN OLD.kind IN ('created', 'resolved', 'closed', 'reopened')
BEGIN
    INSERT INTO report_days (org_id, category_id, priority, assignee_id, day,
                             created, resolved, closed, reopened, backlog_change)
    SELECT OLD.org_id,
           CASE WHEN m & 1 THEN OLD.category_id ELSE -1 END,
           CASE WHEN m & 2 THEN OLD.priority ELSE -1 END,
           CASE WHEN m & 4 THEN OLD.assignee_id ELSE -1 END,
           OLD.day, -(OLD.kind = 'created'), -(OLD.kind = 'resolved'),
           -(OLD.kind = 'closed'), -(OLD.kind = 'reopened'), -OLD.delta
    FROM report_masks WHERE true
    ON CONFLICT DO UPDATE SET created = created + excluded.created,
        resolved = resolved + excluded.resolved, closed = closed + excluded.closed,
        reopened = reopened + excluded.reopened,
        backlog_change = backlog_change + excluded.backlog_change;
END;

CREATE TRIGGER report_times_add AFTER INSERT ON report_facts
WHEN NEW.kind IN ('first_response', 'resolution')
BEGIN
    INSERT INTO report_times (org_id, category_id, priority, assignee_id, kind, span, start,
                              bucket, n, sum_ms, met)
    SELECT NEW.org_id,
           CASE WHEN m & 1 THEN NEW.category_id ELSE -1 END,
           CASE WHEN m & 2 THEN NEW.priority ELSE -1 END,
           CASE WHEN m & 4 THEN NEW.assignee_id ELSE -1 END,
           NEW.kind, span, (NEW.day / len) * len, NEW.bucket, 1, NEW.ms, NEW.met
    FROM report_masks, report_spans WHERE true
    ON CONFLICT DO UPDATE SET n = n + excluded.n, sum_ms = sum_ms + excluded.sum_ms,
        met = met + excluded.met;
END;

CREATE TRIGGER report_times_remove AFTER DELETE ON report_facts
WHEN OLD.kind IN ('first_response', 'resolution')
BEGIN
    INSERT INTO report_times (org_id, category_id, priority, assignee_id, kind, span, start,
                              bucket, n, sum_ms, met)
    SELECT OLD.org_id,
           CASE WHEN m & 1 THEN OLD.category_id ELSE -1 END,
           CASE WHEN m & 2 THEN OLD.priority ELSE -1 END,
           CASE WHEN m & 4 THEN OLD.assignee_id ELSE -1 END,
           OLD.kind, span, (OLD.day / len) * len, OLD.bucket, -1, -OLD.ms, -OLD.met
    FROM report_masks, report_spans WHERE true
    ON CONFLICT DO UPDATE SET n = n + excluded.n, sum_ms = sum_ms + excluded.sum_ms,
        met = met + excluded.met;
END;

-- A moved fact leaves the rows of its old values and joins those of its new
-- ones (the "any" rows it shares with both see -1 then +1).
CREATE TRIGGER report_days_move AFTER UPDATE OF category_id, priority, assignee_id
ON report_facts
WHEN NEW.kind IN ('created', 'resolved', 'closed', 'reopened')
BEGIN
    INSERT INTO report_days (org_id, category_id, priority, assignee_id, day,
                             created, resolved, closed, reopened, backlog_change)
    SELECT OLD.org_id,
           CASE WHEN m & 1 THEN OLD.category_id ELSE -1 END,
           CASE WHEN m & 2 THEN OLD.priority ELSE -1 END,
           CASE WHEN m & 4 THEN OLD.assignee_id ELSE -1 END,
           OLD.day, -(OLD.kind = 'created'), -(OLD.kind = 'resolved'),
           -(OLD.kind = 'closed'), -(OLD.kind = 'reopened'), -OLD.delta
    FROM report_masks WHERE m > 0
    ON CONFLICT DO UPDATE SET created = created + excluded.created,
        resolved = resolved + excluded.resolved, closed = closed + excluded.closed,
        reopened = reopened + excluded.reopened,
        backlog_change = backlog_change + excluded.backlog_change;
    INSERT INTO report_days (org_id, category_id, priority, assignee_id, day,
                             created, resolved, closed, reopened, backlog_change)
    SELECT NEW.org_id,
           CASE WHEN m & 1 THEN NEW.category_id ELSE -1 END,
           CASE WHEN m & 2 THEN NEW.priority ELSE -1 END,
           CASE WHEN m & 4 THEN NEW.assignee_id ELSE -1 END,
           NEW.day, NEW.kind = 'created', NEW.kind = 'resolved', NEW.kind = 'closed',
           NEW.kind = 'reopened', NEW.delta
    FROM report_masks WHERE m > 0
    ON CONFLICT DO UPDATE SET created = created + excluded.created,
        resolved = resolved + excluded.resolved, closed = closed + excluded.closed,
        reopened = reopened + excluded.reopened,
        backlog_change = backlog_change + excluded.backlog_change;
END;

CREATE TRIGGER report_times_move AFTER UPDATE OF category_id, priority, assignee_id
ON report_facts
WHEN NEW.kind IN ('first_response', 'resolution')
BEGIN
    INSERT INTO report_times (org_id, category_id, priority, assignee_id, kind, span, start,
                              bucket, n, sum_ms, met)
    SELECT OLD.org_id,
           CASE WHEN m & 1 THEN OLD.category_id ELSE -1 END,
           CASE WHEN m & 2 THEN OLD.priority ELSE -1 END,
           CASE WHEN m & 4 THEN OLD.assignee_id ELSE -1 END,
           OLD.kind, span, (OLD.day / len) * len, OLD.bucket, -1, -OLD.ms, -OLD.met
    FROM report_masks, report_spans WHERE m > 0
    ON CONFLICT DO UPDATE SET n = n + excluded.n, sum_ms = sum_ms + excluded.sum_ms,
        met = met + excluded.met;
    INSERT INTO report_times (org_id, category_id, priority, assignee_id, kind, span, start,
                              bucket, n, sum_ms, met)
    SELECT NEW.org_id,
           CASE WHEN m & 1 THEN NEW.category_id ELSE -1 END,
           CASE WHEN m & 2 THEN NEW.priority ELSE -1 END,
           CASE WHEN m & 4 THEN NEW.assignee_id ELSE -1 END,
           NEW.kind, span, (NEW.day / len) * len, NEW.bucket, 1, NEW.ms, NEW.met
    FROM report_masks, report_spans WHERE m > 0
    ON CONFLICT DO UPDATE SET n = n + excluded.n, sum_ms = sum_ms + excluded.sum_ms,
        met = met + excluded.met;
END;

-- "This solved it" on an article: a deflection, counted for the whole desk (it
-- has no ticket, so no category, priority or assignee).
CREATE TRIGGER report_deflection AFTER INSERT ON deflections
BEGIN
    INSERT INTO report_days (org_id, category_id, priority, assignee_id, day, deflections)
    VALUES (NEW.org_id, -1, -1, -1,
            (NEW.created_at + COALESCE((SELECT offset_ms FROM report_zone_offsets z
                WHERE z.org_id = NEW.org_id AND z.since_ms <= NEW.created_at
                ORDER BY z.since_ms DESC LIMIT 1), 0)) / 86400000, 1)
    ON CONFLICT DO UPDATE SET deflections = deflections + 1;
END;
