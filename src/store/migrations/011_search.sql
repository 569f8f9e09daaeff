-- Search at a million tickets (issue 14). Three changes, each so that a query
-- restricts inside the index instead of checking rows one by one:
--
-- 1. The ticket index's `scope` column gains the organization's token "o<org id>"
--    beside "r<requester id>" and "w<watcher id>": staff search with
--    `scope : "o<org>"`, so another organization's tickets are never even read.
-- 2. The article index gains a `scope` column: "o<org>" on every article,
--    "o<org>p" when published, "o<org>e" when published for everyone. Who may read
--    what is then part of the MATCH, and ranking needs no join per match.
-- 3. `search_terms`, every word the ticket index holds (folded like the index
--    folds it). The last, still-typed word of a search is looked up here and
--    searched as those whole words: an FTS5 prefix query ("printer"*) copies the
--    whole list of every matching ticket before it returns the first row.
--
-- FTS5 tables cannot add a column, so both indexes are rebuilt once. The triggers
-- that name ticket_search are dropped first and made again after the rename.

DROP TRIGGER watchers_search_insert;
DROP TRIGGER watchers_search_delete;
DROP TRIGGER comments_search_update;
DROP TRIGGER comments_search_delete;
DROP TRIGGER tickets_search_delete;

CREATE VIRTUAL TABLE ticket_search_new USING fts5(
    title, description, conversation, notes, scope,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO ticket_search_new (rowid, title, description, conversation, notes, scope)
    SELECT s.rowid, s.title, s.description, s.conversation, s.notes,
           'o' || t.org_id || ' ' || s.scope
    FROM ticket_search s JOIN tickets t ON t.id = s.rowid;
DROP TABLE ticket_search;
ALTER TABLE ticket_search_new RENAME TO ticket_search;

CREATE TRIGGER watchers_search_insert AFTER INSERT ON watchers BEGIN
    UPDATE ticket_search SET scope =
        (SELECT 'o' || t.org_id || ' r' || t.requester_id
                || coalesce((SELECT ' w' || group_concat(w.user_id, ' w')
                             FROM watchers w WHERE w.ticket_id = t.id), '')
         FROM tickets t WHERE t.id = new.ticket_id)
    WHERE rowid = new.ticket_id;
END;
CREATE TRIGGER watchers_search_delete AFTER DELETE ON watchers BEGIN
    UPDATE ticket_search SET scope =
        (SELECT 'o' || t.org_id || ' r' || t.requester_id
                || coalesce((SELECT ' w' || group_concat(w.user_id, ' w')
                             FROM watchers w WHERE w.ticket_id = t.id), '')
         FROM tickets t WHERE t.id = old.ticket_id)
    WHERE rowid = old.ticket_id;
END;
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

DROP TRIGGER articles_search_insert;
DROP TRIGGER articles_search_update;
DROP TRIGGER articles_search_delete;
DROP TABLE article_search;
CREATE VIRTUAL TABLE article_search USING fts5(
    title, body, tags, scope,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO article_search (rowid, title, body, tags, scope)
    SELECT id, title, body, tags,
           'o' || org_id
           || CASE WHEN status = 'published' THEN ' o' || org_id || 'p' ELSE '' END
           || CASE WHEN status = 'published' AND audience = 'everyone'
                   THEN ' o' || org_id || 'e' ELSE '' END
    FROM articles;
CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN
    INSERT INTO article_search (rowid, title, body, tags, scope)
    VALUES (new.id, new.title, new.body, new.tags,
            'o' || new.org_id
            || CASE WHEN new.status = 'published' THEN ' o' || new.org_id || 'p' ELSE '' END
            || CASE WHEN new.status = 'published' AND new.audience = 'everyone'
                    THEN ' o' || new.org_id || 'e' ELSE '' END);
END;
CREATE TRIGGER articles_search_update
AFTER UPDATE OF title, body, tags, status, audience, org_id ON articles BEGIN
    UPDATE article_search SET title = new.title, body = new.body, tags = new.tags,
        scope = 'o' || new.org_id
            || CASE WHEN new.status = 'published' THEN ' o' || new.org_id || 'p' ELSE '' END
            || CASE WHEN new.status = 'published' AND new.audience = 'everyone'
                    THEN ' o' || new.org_id || 'e' ELSE '' END
    WHERE rowid = new.id;
END;
CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
    DELETE FROM article_search WHERE rowid = old.id;
END;

-- Words only ever join this list (a word no ticket holds any more costs one
-- failed look-up in a search); the store adds a text's words when it indexes it.
CREATE TABLE search_terms (term TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE VIRTUAL TABLE ticket_search_words USING fts5vocab(ticket_search, 'col');
INSERT OR IGNORE INTO search_terms (term)
    SELECT term FROM ticket_search_words WHERE col <> 'scope';
DROP TABLE ticket_search_words;
