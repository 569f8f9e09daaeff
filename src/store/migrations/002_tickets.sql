-- Tickets: categories with their questionnaire, tickets, answers, the conversation,
-- tasks, watchers, the change history, and a full-text index for search.
-- Times are UTC Unix milliseconds. Every table reaches its organization through
-- tickets.org_id or categories.org_id; URLs use the per-organization number.

CREATE TABLE categories (
    id                INTEGER PRIMARY KEY,
    org_id            INTEGER NOT NULL REFERENCES organizations(id),
    name              TEXT NOT NULL,
    guidance          TEXT NOT NULL DEFAULT '',
    -- 0 low, 1 normal, 2 high, 3 urgent (sorts like the priority).
    default_priority  INTEGER NOT NULL DEFAULT 1 CHECK (default_priority BETWEEN 0 AND 3),
    active            INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    position          INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX categories_org ON categories(org_id, position);

-- A question taken off a category that already has answers is retired
-- (active = 0) instead of deleted, so old tickets still show what was asked.
CREATE TABLE questions (
    id           INTEGER PRIMARY KEY,
    category_id  INTEGER NOT NULL REFERENCES categories(id) ON DELETE CASCADE,
    label        TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('text', 'long_text', 'choice', 'yes_no')),
    required     INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),
    options      TEXT NOT NULL DEFAULT '[]',   -- JSON array of strings
    position     INTEGER NOT NULL DEFAULT 0,
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
CREATE INDEX questions_category ON questions(category_id, position);

CREATE TABLE tickets (
    id                INTEGER PRIMARY KEY,
    org_id            INTEGER NOT NULL REFERENCES organizations(id),
    number            INTEGER NOT NULL,
    category_id       INTEGER NOT NULL REFERENCES categories(id),
    requester_id      INTEGER NOT NULL REFERENCES users(id),
    assignee_id       INTEGER REFERENCES users(id),
    title             TEXT NOT NULL,
    description       TEXT NOT NULL,
    status            TEXT NOT NULL DEFAULT 'new' CHECK (status IN
                        ('new', 'open', 'in_progress', 'on_hold', 'resolved', 'closed')),
    priority          INTEGER NOT NULL DEFAULT 1 CHECK (priority BETWEEN 0 AND 3),
    tier              INTEGER NOT NULL DEFAULT 1 CHECK (tier BETWEEN 1 AND 3),
    escalated         INTEGER NOT NULL DEFAULT 0 CHECK (escalated IN (0, 1)),
    contact_name      TEXT NOT NULL DEFAULT '',
    contact_email     TEXT NOT NULL DEFAULT '',
    contact_phone     TEXT NOT NULL DEFAULT '',
    -- Set when staff first act; the requester's edit rights end there.
    staff_touched_at  INTEGER,
    -- The resolution log, kept for the knowledge base.
    resolution_cause  TEXT,
    resolution_steps  TEXT,
    resolved_at       INTEGER,
    resolved_by       INTEGER REFERENCES users(id),
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    closed_at         INTEGER,
    UNIQUE (org_id, number)
);
-- The list's filters and sorts: each starts with org_id so a query scoped to one
-- organization walks only its tickets, already in the wanted order.
CREATE INDEX tickets_org_updated   ON tickets(org_id, updated_at);
CREATE INDEX tickets_org_created   ON tickets(org_id, created_at);
CREATE INDEX tickets_org_priority  ON tickets(org_id, priority, updated_at);
CREATE INDEX tickets_org_status    ON tickets(org_id, status, updated_at);
CREATE INDEX tickets_org_status_priority ON tickets(org_id, status, priority, created_at);
CREATE INDEX tickets_org_assignee  ON tickets(org_id, assignee_id, updated_at);
CREATE INDEX tickets_org_requester ON tickets(org_id, requester_id, updated_at);
CREATE INDEX tickets_org_category  ON tickets(org_id, category_id, updated_at);
CREATE INDEX tickets_org_escalated ON tickets(org_id, escalated, updated_at);

CREATE TABLE answers (
    ticket_id    INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    question_id  INTEGER NOT NULL REFERENCES questions(id),
    value        TEXT NOT NULL,                 -- JSON: a string, or a bool for yes_no
    PRIMARY KEY (ticket_id, question_id)
) WITHOUT ROWID;
CREATE INDEX answers_question ON answers(question_id);

CREATE TABLE comments (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    author_id   INTEGER NOT NULL REFERENCES users(id),
    body        TEXT NOT NULL,
    internal    INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
    created_at  INTEGER NOT NULL
);
CREATE INDEX comments_ticket ON comments(ticket_id, internal, id);

CREATE TABLE tasks (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    done        INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    position    INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX tasks_ticket ON tasks(ticket_id, position);

CREATE TABLE watchers (
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, user_id)
) WITHOUT ROWID;
CREATE INDEX watchers_user ON watchers(user_id, ticket_id);

-- Every change to a ticket. old/new hold JSON text; internal marks entries about
-- internal notes, which requesters never see.
CREATE TABLE history (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    actor_id    INTEGER REFERENCES users(id),
    action      TEXT NOT NULL,
    field       TEXT,
    old_value   TEXT,
    new_value   TEXT,
    detail      TEXT,
    internal    INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
    created_at  INTEGER NOT NULL
);
CREATE INDEX history_ticket ON history(ticket_id, id);

-- Full-text search for the list's `q`. rowid is tickets.id. The store keeps it in
-- step (store::search) so bulk loads can write each ticket's text once.
-- `conversation` holds public replies; `notes` internal ones, searched for staff only.
CREATE VIRTUAL TABLE ticket_search USING fts5(
    title, description, conversation, notes,
    tokenize = 'unicode61 remove_diacritics 2'
);
