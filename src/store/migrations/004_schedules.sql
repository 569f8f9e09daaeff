-- Who works when (issue 11): the organization's time zone and automatic-assignment
-- switches, each staff member's weekly hours, categories, cap and Available/Away
-- switch, their time off, and how each ticket's assignment was made.
-- Times are UTC Unix milliseconds; weekly hours are wall-clock times in the
-- organization's zone, kept as the JSON of domain::schedule::WeeklyHours.

-- NULL: the server's zone (HELPDESK_TIME_ZONE, TZ or the host's), so an
-- organization created before this migration follows the machine it runs on.
ALTER TABLE organizations ADD COLUMN time_zone TEXT;
ALTER TABLE organizations ADD COLUMN auto_assign INTEGER NOT NULL DEFAULT 1
    CHECK (auto_assign IN (0, 1));
ALTER TABLE categories ADD COLUMN auto_assign INTEGER NOT NULL DEFAULT 1
    CHECK (auto_assign IN (0, 1));

-- One row per staff member who has settings; a staff member without a row has no
-- hours (never on shift), takes every category, has no cap and is Available.
CREATE TABLE staff_schedules (
    user_id           INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    hours             TEXT NOT NULL DEFAULT '{}',
    categories        TEXT NOT NULL DEFAULT '[]',   -- JSON array of category ids; [] = all
    cap               INTEGER CHECK (cap IS NULL OR cap >= 0),
    available         INTEGER NOT NULL DEFAULT 1 CHECK (available IN (0, 1)),
    last_assigned_at  INTEGER,
    updated_at        INTEGER NOT NULL
);

CREATE TABLE time_off (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    starts_at   INTEGER NOT NULL,
    ends_at     INTEGER NOT NULL CHECK (ends_at > starts_at),
    reason      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);
CREATE INDEX time_off_user ON time_off(user_id, ends_at);

-- How the current assignment was made: 'automatic' (the engine, reason says why),
-- 'manual' (a person; the engine never changes it, an unassignment included), or
-- NULL (never assigned, or freed by escalation: the engine may fill it).
-- assignment_reason holds the engine's last decision, also while a ticket waits.
ALTER TABLE tickets ADD COLUMN assignment_kind TEXT
    CHECK (assignment_kind IS NULL OR assignment_kind IN ('automatic', 'manual'));
ALTER TABLE tickets ADD COLUMN assignment_reason TEXT;
-- Each person's open tickets (new, open, in progress), kept by triggers so every
-- assignment decision reads one row per person instead of counting a large desk's
-- tickets inside the write transaction. Every path that changes a ticket's status
-- or assignee (the API, the engine, demo data) is covered, because SQLite runs these.
CREATE TABLE open_tickets (
    user_id  INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    n        INTEGER NOT NULL DEFAULT 0
);
INSERT INTO open_tickets (user_id, n)
    SELECT assignee_id, COUNT(*) FROM tickets
    WHERE assignee_id IS NOT NULL AND status IN ('new', 'open', 'in_progress')
    GROUP BY assignee_id;
CREATE TRIGGER open_tickets_insert AFTER INSERT ON tickets
    WHEN NEW.assignee_id IS NOT NULL AND NEW.status IN ('new', 'open', 'in_progress')
BEGIN
    INSERT INTO open_tickets (user_id, n) VALUES (NEW.assignee_id, 1)
        ON CONFLICT (user_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER open_tickets_delete AFTER DELETE ON tickets
    WHEN OLD.assignee_id IS NOT NULL AND OLD.status IN ('new', 'open', 'in_progress')
BEGIN
    UPDATE open_tickets SET n = n - 1 WHERE user_id = OLD.assignee_id;
END;
CREATE TRIGGER open_tickets_update AFTER UPDATE OF assignee_id, status ON tickets
BEGIN
    UPDATE open_tickets SET n = n - 1
        WHERE user_id = OLD.assignee_id AND OLD.status IN ('new', 'open', 'in_progress');
    INSERT INTO open_tickets (user_id, n)
        SELECT NEW.assignee_id, 1
        WHERE NEW.assignee_id IS NOT NULL AND NEW.status IN ('new', 'open', 'in_progress')
        ON CONFLICT (user_id) DO UPDATE SET n = n + 1;
END;
-- Waiting tickets, most urgent and oldest first, without walking closed ones.
CREATE INDEX tickets_waiting ON tickets(org_id, priority DESC, created_at)
    WHERE assignee_id IS NULL AND assignment_kind IS NULL
      AND status IN ('new', 'open', 'in_progress');
