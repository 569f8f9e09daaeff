-- The knowledge base: articles with revisions, audience and status; the
-- deflections counted when an article solved a problem before a ticket was filed;
-- the format of each comment (Markdown from the editor, plain text before it);
-- and triggers that keep the ticket index in step with edits and deletions.

ALTER TABLE comments ADD COLUMN format TEXT NOT NULL DEFAULT 'text'
    CHECK (format IN ('text', 'markdown'));

CREATE TABLE articles (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES organizations(id),
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    category_id     INTEGER REFERENCES categories(id) ON DELETE SET NULL,
    -- Lower-case tags joined by a single space (each tag is one word or dashed).
    tags            TEXT NOT NULL DEFAULT '',
    audience        TEXT NOT NULL CHECK (audience IN ('staff', 'everyone')),
    status          TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    author_id       INTEGER NOT NULL REFERENCES users(id),
    -- The resolved ticket this article was drafted from, if any.
    source_ticket_id INTEGER REFERENCES tickets(id) ON DELETE SET NULL,
    -- How often "This solved it" was pressed: the ranking's popularity signal.
    solved_count    INTEGER NOT NULL DEFAULT 0,
    revision        INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    published_at    INTEGER
);
CREATE INDEX articles_org ON articles(org_id, status, updated_at);
CREATE UNIQUE INDEX articles_source ON articles(source_ticket_id)
    WHERE source_ticket_id IS NOT NULL;

-- Every saved state of an article, the current one included (revision = articles.revision).
CREATE TABLE article_revisions (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    revision    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    category_id INTEGER,
    tags        TEXT NOT NULL,
    audience    TEXT NOT NULL,
    status      TEXT NOT NULL,
    editor_id   INTEGER NOT NULL REFERENCES users(id),
    -- Set when this revision restored an earlier one.
    restored_from INTEGER,
    created_at  INTEGER NOT NULL,
    UNIQUE (article_id, revision)
);

CREATE TABLE deflections (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organizations(id),
    article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    created_at  INTEGER NOT NULL
);
CREATE INDEX deflections_org ON deflections(org_id, created_at);

-- Articles are few (thousands) and written one at a time, so triggers keep their
-- index; rowid is articles.id.
CREATE VIRTUAL TABLE article_search USING fts5(
    title, body, tags,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN
    INSERT INTO article_search (rowid, title, body, tags)
    VALUES (new.id, new.title, new.body, new.tags);
END;
CREATE TRIGGER articles_search_update AFTER UPDATE OF title, body, tags ON articles BEGIN
    UPDATE article_search SET title = new.title, body = new.body, tags = new.tags
    WHERE rowid = new.id;
END;
CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
    DELETE FROM article_search WHERE rowid = old.id;
END;

-- The ticket index gains a `scope` column: "r<requester id>" and "w<watcher id>"
-- tokens, so a requester's search is narrowed inside the index (an AND with their
-- own tokens) instead of checking a hundred thousand matches one by one. FTS5
-- tables cannot add a column, so the index is rebuilt once.
CREATE VIRTUAL TABLE ticket_search_new USING fts5(
    title, description, conversation, notes, scope,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO ticket_search_new (rowid, title, description, conversation, notes, scope)
    SELECT s.rowid, s.title, s.description, s.conversation, s.notes,
           'r' || t.requester_id || coalesce((SELECT ' w' || group_concat(w.user_id, ' w')
                                              FROM watchers w WHERE w.ticket_id = t.id), '')
    FROM ticket_search s JOIN tickets t ON t.id = s.rowid;
DROP TABLE ticket_search;
ALTER TABLE ticket_search_new RENAME TO ticket_search;

CREATE TRIGGER watchers_search_insert AFTER INSERT ON watchers BEGIN
    UPDATE ticket_search SET scope =
        (SELECT 'r' || t.requester_id || coalesce((SELECT ' w' || group_concat(w.user_id, ' w')
                                                   FROM watchers w WHERE w.ticket_id = t.id), '')
         FROM tickets t WHERE t.id = new.ticket_id)
    WHERE rowid = new.ticket_id;
END;
CREATE TRIGGER watchers_search_delete AFTER DELETE ON watchers BEGIN
    UPDATE ticket_search SET scope =
        (SELECT 'r' || t.requester_id || coalesce((SELECT ' w' || group_concat(w.user_id, ' w')
                                                   FROM watchers w WHERE w.ticket_id = t.id), '')
         FROM tickets t WHERE t.id = old.ticket_id)
    WHERE rowid = old.ticket_id;
END;

-- The ticket index is written by code on insert (bulk loads write each ticket's
-- text once), and until now a comment was only ever appended. These triggers
-- rebuild a ticket's conversation and notes when a comment is edited or deleted,
-- and drop a deleted ticket's row, whichever code path does it.
CREATE TRIGGER comments_search_update AFTER UPDATE OF body, internal ON comments BEGIN
    UPDATE ticket_search SET
        conversation = (SELECT coalesce(group_concat(body, char(10)), '') FROM
            (SELECT body FROM comments WHERE ticket_id = new.ticket_id AND internal = 0 ORDER BY id)),
        notes = (SELECT coalesce(group_concat(body, char(10)), '') FROM
            (SELECT body FROM comments WHERE ticket_id = new.ticket_id AND internal = 1 ORDER BY id))
    WHERE rowid = new.ticket_id;
END;
CREATE TRIGGER comments_search_delete AFTER DELETE ON comments BEGIN
    UPDATE ticket_search SET
        conversation = (SELECT coalesce(group_concat(body, char(10)), '') FROM
            (SELECT body FROM comments WHERE ticket_id = old.ticket_id AND internal = 0 ORDER BY id)),
        notes = (SELECT coalesce(group_concat(body, char(10)), '') FROM
            (SELECT body FROM comments WHERE ticket_id = old.ticket_id AND internal = 1 ORDER BY id))
    WHERE rowid = old.ticket_id;
END;
CREATE TRIGGER tickets_search_delete AFTER DELETE ON tickets BEGIN
    DELETE FROM ticket_search WHERE rowid = old.id;
END;
