-- Day-one administration (issue 19). Written as one migration on its branch;
-- renumber when merging after other migrations.

-- Personal API tokens. Only the SHA-256 of a token is kept, like sessions, so a
-- copy of the database hands out no working token. A token acts as its owner,
-- limited by its scope; revoked and expired rows stay so the owner sees them.
CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES organizations(id),
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    scope         TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER,
    last_used_at  INTEGER,
    revoked_at    INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens(user_id, id);
CREATE INDEX api_tokens_org ON api_tokens(org_id, id);

-- Ticket numbers are never reused: deleting a ticket raises this floor to its
-- number, and a new ticket's number is above both the floor and every ticket left.
ALTER TABLE organizations ADD COLUMN ticket_number_floor INTEGER NOT NULL DEFAULT 0;

-- Satisfaction: one rating per ticket, by its requester, once it is resolved.
-- org_id is kept on the row so reports can count an organization's ratings
-- without joining tickets.
CREATE TABLE ticket_ratings (
    ticket_id   INTEGER PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
    org_id      INTEGER NOT NULL REFERENCES organizations(id),
    rater_id    INTEGER NOT NULL REFERENCES users(id),
    good        INTEGER NOT NULL CHECK (good IN (0, 1)),
    comment     TEXT,
    created_at  INTEGER NOT NULL
);
CREATE INDEX ticket_ratings_org ON ticket_ratings(org_id, created_at);

-- Time spent: minutes staff log on a ticket (with a reply, or alone).
CREATE TABLE time_entries (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    minutes     INTEGER NOT NULL CHECK (minutes > 0),
    note        TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);
CREATE INDEX time_entries_ticket ON time_entries(ticket_id, id);

-- The audit log: who did what to the organization's people, settings and
-- tickets, when, and from which address. Kept for a named period
-- (Config::audit_days) and pruned as new entries are written.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organizations(id),
    actor_id    INTEGER REFERENCES users(id),
    action      TEXT NOT NULL,
    target      TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);
CREATE INDEX audit_log_org_time ON audit_log(org_id, created_at);
CREATE INDEX audit_log_org_action ON audit_log(org_id, action, created_at);

-- Canned replies: shared ones (owner_id NULL) managed by admins, personal ones
-- by their owner. Bodies may hold placeholders ({{requester.name}}, ...).
CREATE TABLE canned_replies (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organizations(id),
    owner_id    INTEGER REFERENCES users(id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX canned_replies_org ON canned_replies(org_id, owner_id);

-- Merging: a duplicate is closed and points at the ticket it was merged into.
ALTER TABLE tickets ADD COLUMN merged_into INTEGER REFERENCES tickets(id) ON DELETE SET NULL;

-- Related tickets, linked both ways: one row per direction, so each side finds
-- its links with one index lookup.
CREATE TABLE ticket_links (
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    linked_id   INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, linked_id),
    CHECK (ticket_id <> linked_id)
) WITHOUT ROWID;

-- One-time links to set a password: an invitation for a person an admin created,
-- or a reset an admin made. Only the SHA-256 of the token is stored.
CREATE TABLE password_links (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
) WITHOUT ROWID;
CREATE INDEX password_links_user ON password_links(user_id);
