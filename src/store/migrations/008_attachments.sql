-- Attachments (issue 15): files on a ticket, optionally bound to one comment.
-- The bytes live in data/attachments/, named by their SHA-256, stored once
-- however many rows point at them; a file is removed with its last row
-- (store/attachments.rs, store/blobs.rs).
CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES organizations(id),
    ticket_id     INTEGER NOT NULL REFERENCES tickets(id),
    -- A reply or internal note the file belongs to; NULL for the ticket itself.
    -- No cascades: rows must be deleted through store::attachments so their
    -- files go too.
    comment_id    INTEGER REFERENCES comments(id),
    uploader_id   INTEGER NOT NULL REFERENCES users(id),
    name          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL CHECK (size > 0),
    sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
    created_at    INTEGER NOT NULL
);
CREATE INDEX attachments_ticket ON attachments(ticket_id, id);
CREATE INDEX attachments_sha256 ON attachments(sha256);

-- The organization's attachment limit in bytes; NULL means the default (25 MiB).
-- An admin may raise it up to the operator's --attachment-ceiling.
ALTER TABLE organizations ADD COLUMN attachment_limit_bytes INTEGER;
