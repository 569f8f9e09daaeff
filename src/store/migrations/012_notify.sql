-- Notifications (issue 16): the in-app centre, preferences, the SMTP relay and
-- the durable e-mail outbox.

-- One line in a person's bell. ticket_number and title are copied so the list
-- reads without a join; deleting the ticket deletes its notifications.
CREATE TABLE notifications (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES organizations(id),
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    ticket_id      INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    ticket_number  INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    text           TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    read_at        INTEGER
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_ticket ON notifications(ticket_id);

-- Who hears of what, per kind: a person's own choice (user_id set) or the
-- organization's default (user_id NULL), set by admins. No row: both on.
CREATE TABLE notification_settings (
    id       INTEGER PRIMARY KEY,
    org_id   INTEGER NOT NULL REFERENCES organizations(id),
    user_id  INTEGER REFERENCES users(id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    in_app   INTEGER NOT NULL CHECK (in_app IN (0, 1)),
    email    INTEGER NOT NULL CHECK (email IN (0, 1))
);
CREATE UNIQUE INDEX notification_settings_one
    ON notification_settings(org_id, ifnull(user_id, 0), kind);

-- The organization's SMTP relay. The password is kept because the relay asks
-- for it at every connection; the API never sends it back (password_set only).
CREATE TABLE smtp_settings (
    org_id      INTEGER PRIMARY KEY REFERENCES organizations(id),
    host        TEXT NOT NULL,
    port        INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    security    TEXT NOT NULL CHECK (security IN ('starttls', 'tls', 'none')),
    username    TEXT NOT NULL DEFAULT '',
    password    TEXT NOT NULL DEFAULT '',
    sender      TEXT NOT NULL,
    -- Where links in e-mails point when --public-url is not set: the address
    -- the admin saved these settings from.
    link_base   TEXT NOT NULL DEFAULT '',
    updated_at  INTEGER NOT NULL,
    last_error  TEXT,
    last_error_at INTEGER
);

-- The outbox: every e-mail is a row first, so a relay that is down loses
-- nothing. merge_key gathers events on one ticket for one person while the
-- row waits (send_after); thread_id is the ticket's stable Message-ID that
-- In-Reply-To and References name.
CREATE TABLE mail_outbox (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organizations(id),
    to_addr      TEXT NOT NULL,
    to_name      TEXT NOT NULL,
    subject      TEXT NOT NULL,
    lines        TEXT NOT NULL,
    link         TEXT NOT NULL DEFAULT '',
    merge_key    TEXT,
    thread_id    TEXT,
    message_id   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    send_after   INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    sent_at      INTEGER,
    failed_at    INTEGER
);
CREATE INDEX mail_outbox_due ON mail_outbox(send_after) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX mail_outbox_merge ON mail_outbox(merge_key) WHERE sent_at IS NULL AND attempts = 0;
