//! Writing the tickets' full-text index (SQLite FTS5), read by the ticket list's `q`
//! and the one search (`store::site_search`); queries are built by
//! `domain::search_query`.
//!
//! One row per ticket (rowid = tickets.id) with five columns: title, description,
//! the public conversation, the internal notes, and `scope`: the token `o<id>` of
//! the organization, `r<id>` of the requester and `w<id>` of each watcher, which
//! narrow a search to what the person may see inside the index (migration 011).
//! Every word written here also joins `search_terms`, the list a still-typed last
//! word is completed from ([`completions`]). The other stores call these
//! functions in the same transaction as the change, instead of triggers, so a
//! bulk load (seed-demo) can write each ticket's text once. Edits and deletions
//! of comments and deleted tickets are followed by triggers (migration 007, remade in 011).

use super::StoreError;
use crate::domain::search_query::index_words;
use rusqlite::{params, Connection};

/// Completions looked up for a prefix; a prefix with more falls back to FTS5's
/// own prefix query (slower, but never wrong).
pub const MAX_COMPLETIONS: usize = 64;

/// Adds the words of `texts` to the word list prefixes are completed from.
fn record_words(conn: &Connection, texts: &[&str]) -> Result<(), StoreError> {
    let mut add = conn.prepare_cached("INSERT OR IGNORE INTO search_terms (term) VALUES (?1)")?;
    for text in texts {
        for word in index_words(text) {
            add.execute([word])?;
        }
    }
    Ok(())
}

/// The indexed words that start with `prefix` (folded), at most
/// [`MAX_COMPLETIONS`]; `None` when there are more.
pub fn completions(conn: &Connection, prefix: &str) -> Result<Option<Vec<String>>, StoreError> {
    let prefix = crate::domain::search_query::fold(prefix);
    // Every word that starts with `prefix` sorts (bytewise) before `prefix` followed by
    // the highest code point, which no word holds (it is not a letter or digit).
    let end = format!("{prefix}\u{10FFFF}");
    let words: Vec<String> = conn
        .prepare_cached(
            "SELECT term FROM search_terms WHERE term >= ?1 AND term < ?2 ORDER BY term LIMIT ?3",
        )?
        .query_map(params![prefix, end, MAX_COMPLETIONS as i64 + 1], |r| {
            r.get(0)
        })?
        .collect::<Result<_, _>>()?;
    Ok((words.len() <= MAX_COMPLETIONS).then_some(words))
}

/// Indexes a new ticket, or replaces its whole row.
pub fn index_ticket(
    conn: &Connection,
    ticket_id: i64,
    title: &str,
    description: &str,
    conversation: &str,
    notes: &str,
) -> Result<(), StoreError> {
    // The scope tokens come from the rows already written (the ticket and any
    // watchers); later watcher changes follow by trigger (migration 007, remade in 011).
    conn.prepare_cached(
        "INSERT OR REPLACE INTO ticket_search (rowid, title, description, conversation, notes,
                                               scope)
         VALUES (?1, ?2, ?3, ?4, ?5,
                 (SELECT 'o' || t.org_id || ' r' || t.requester_id
                         || coalesce((SELECT ' w' || group_concat(w.user_id, ' w')
                                      FROM watchers w WHERE w.ticket_id = t.id), '')
                  FROM tickets t WHERE t.id = ?1))",
    )?
    .execute(params![ticket_id, title, description, conversation, notes])?;
    record_words(conn, &[title, description, conversation, notes])
}

/// Follows an edit of the title or description.
pub fn update_text(
    conn: &Connection,
    ticket_id: i64,
    title: &str,
    description: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE ticket_search SET title = ?2, description = ?3 WHERE rowid = ?1")?
        .execute(params![ticket_id, title, description])?;
    record_words(conn, &[title, description])
}

/// Adds a comment's text to the ticket's conversation (or notes, when internal).
pub fn add_comment(
    conn: &Connection,
    ticket_id: i64,
    body: &str,
    internal: bool,
) -> Result<(), StoreError> {
    let sql = if internal {
        "UPDATE ticket_search SET notes = notes || char(10) || ?2 WHERE rowid = ?1"
    } else {
        "UPDATE ticket_search SET conversation = conversation || char(10) || ?2 WHERE rowid = ?1"
    };
    conn.prepare_cached(sql)?
        .execute(params![ticket_id, body])?;
    record_words(conn, &[body])
}

/// Rebuilds a ticket's conversation and notes columns from its comments, after
/// a reply became an internal note: its text must leave the public column, or a
/// requester could still find the ticket by it. (The trigger of migration 007
/// does the same on `UPDATE OF internal`; this call keeps the store's intent
/// explicit and costs one indexed update.)
pub fn reindex_comments(conn: &Connection, ticket_id: i64) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE ticket_search SET
           conversation = (SELECT COALESCE(group_concat(body, char(10)), '') FROM
                             (SELECT body FROM comments WHERE ticket_id = ?1 AND internal = 0 ORDER BY id)),
           notes = (SELECT COALESCE(group_concat(body, char(10)), '') FROM
                      (SELECT body FROM comments WHERE ticket_id = ?1 AND internal = 1 ORDER BY id))
         WHERE rowid = ?1",
    )?
    .execute([ticket_id])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(conn: &Connection, expr: &str) -> Vec<i64> {
        conn.prepare("SELECT rowid FROM ticket_search WHERE ticket_search MATCH ?1")
            .unwrap()
            .query_map([expr], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// A database at the latest schema with one ticket (id 1) and two comments.
    fn one_ticket() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::migrate::apply(&mut conn).unwrap();
        conn.execute_batch(
            "INSERT INTO organizations (id, name, slug, join_code, created_at)
                 VALUES (1, 'Acme', 'acme', 'code', 0);
             INSERT INTO users (id, org_id, name, email, role, password_hash, created_at, updated_at)
                 VALUES (1, 1, 'Ann', 'ann@x.test', 'agent', 'x', 0, 0);
             INSERT INTO categories (id, org_id, name, position, created_at, updated_at)
                 VALUES (1, 1, 'Other', 0, 0, 0);
             INSERT INTO tickets (id, org_id, number, category_id, requester_id, title,
                                  description, created_at, updated_at)
                 VALUES (1, 1, 1, 1, 1, 'Printer', 'Jams', 0, 0);
             INSERT INTO comments (id, ticket_id, author_id, body, internal, created_at)
                 VALUES (1, 1, 1, 'toner replaced', 0, 0), (2, 1, 1, 'vendor secret', 1, 0);",
        )
        .unwrap();
        index_ticket(&conn, 1, "Printer", "Jams", "", "").unwrap();
        add_comment(&conn, 1, "toner replaced", false).unwrap();
        add_comment(&conn, 1, "vendor secret", true).unwrap();
        conn
    }

    #[test]
    fn an_edited_or_deleted_comment_leaves_the_index_with_it() {
        let conn = one_ticket();
        assert_eq!(matches(&conn, "conversation : toner"), vec![1]);
        conn.execute(
            "UPDATE comments SET body = 'drum replaced' WHERE id = 1",
            [],
        )
        .unwrap();
        assert!(matches(&conn, "toner").is_empty());
        assert_eq!(matches(&conn, "conversation : drum"), vec![1]);
        conn.execute("DELETE FROM comments WHERE id = 2", [])
            .unwrap();
        assert!(matches(&conn, "secret").is_empty());
        assert_eq!(
            matches(&conn, "printer"),
            vec![1],
            "the ticket itself stays"
        );
    }

    #[test]
    fn a_deleted_ticket_leaves_the_index() {
        let conn = one_ticket();
        conn.execute("DELETE FROM tickets WHERE id = 1", [])
            .unwrap();
        assert!(matches(&conn, "printer").is_empty());
        let rows: i64 = conn
            .query_row("SELECT COUNT(*) FROM ticket_search", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 0);
    }
}
