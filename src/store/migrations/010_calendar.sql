-- The staff calendar (issue 12): appointments, who takes part, and each staff
-- member's secret iCalendar feed. Times are UTC Unix milliseconds.

CREATE TABLE appointments (
    id                    INTEGER PRIMARY KEY,
    org_id                INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    -- The iCalendar UID: random, made once, so subscribed calendars keep one copy.
    uid                   TEXT NOT NULL UNIQUE,
    ticket_id             INTEGER REFERENCES tickets(id) ON DELETE SET NULL,
    title                 TEXT NOT NULL,
    location              TEXT NOT NULL DEFAULT '',
    notes                 TEXT NOT NULL DEFAULT '',
    starts_at             INTEGER NOT NULL,
    ends_at               INTEGER NOT NULL CHECK (ends_at > starts_at),
    visible_to_requester  INTEGER NOT NULL DEFAULT 0 CHECK (visible_to_requester IN (0, 1)),
    -- Cancelled appointments stay (the feeds say STATUS:CANCELLED); NULL = live.
    cancelled_at          INTEGER,
    -- The iCalendar SEQUENCE: raised on every change.
    sequence              INTEGER NOT NULL DEFAULT 0,
    created_by            INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
);
-- The calendar's window query: an organization's appointments starting in a range
-- (appointments last at most 14 days, so the range starts 14 days early).
CREATE INDEX appointments_org_start ON appointments(org_id, starts_at);
CREATE INDEX appointments_ticket ON appointments(ticket_id) WHERE ticket_id IS NOT NULL;

-- Who takes part; the times are copied from the appointment so one person's
-- calendar and conflict checks read one index range.
CREATE TABLE appointment_people (
    appointment_id  INTEGER NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    starts_at       INTEGER NOT NULL,
    ends_at         INTEGER NOT NULL,
    PRIMARY KEY (appointment_id, user_id)
);
-- Covering for the calendar's reads (one person's window, the team's participants),
-- so they never seek into the table.
CREATE INDEX appointment_people_user
    ON appointment_people(user_id, starts_at, ends_at, appointment_id);

-- One feed per staff member; only the SHA-256 of its secret is kept.
CREATE TABLE calendar_feeds (
    user_id     INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
);
