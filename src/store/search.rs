//! The full-text index behind the ticket list's `q` (SQLite FTS5).
//!
//! One row per ticket (rowid = tickets.id) with four columns: title, description,
//! the public conversation and the internal notes. The other stores call these
//! functions in the same transaction as the change, instead of triggers, so a
//! bulk load (seed-demo) can write each ticket's text once.

use super::StoreError;
use rusqlite::{params, Connection};

/// Indexes a new ticket, or replaces its whole row.
pub fn index_ticket(
    conn: &Connection,
    ticket_id: i64,
    title: &str,
    description: &str,
    conversation: &str,
    notes: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO ticket_search (rowid, title, description, conversation, notes)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![ticket_id, title, description, conversation, notes])?;
    Ok(())
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
    Ok(())
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
    Ok(())
}

/// Rebuilds a ticket's conversation and notes columns from its comments, after
/// a reply became an internal note: its text must leave the public column, or a
/// requester could still find the ticket by it.
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

/// Turns what a person typed into an FTS5 query: every word must appear, as a
/// prefix, in the searchable columns. Each word is quoted, so FTS syntax
/// characters in the input are plain text. `None` when there is no word at all.
///
/// Requesters search title, description and the public conversation only, so
/// internal notes cannot be probed through the search box.
pub fn match_expression(q: &str, include_notes: bool) -> Option<String> {
    let words: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("\"{w}\"*"))
        .collect();
    if words.is_empty() {
        return None;
    }
    let columns = if include_notes {
        "{title description conversation notes}"
    } else {
        "{title description conversation}"
    };
    Some(format!("{columns} : ({})", words.join(" AND ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_become_quoted_prefixes_that_must_all_match() {
        assert_eq!(
            match_expression("VPN drops\"*", false).unwrap(),
            "{title description conversation} : (\"VPN\"* AND \"drops\"*)"
        );
        assert!(match_expression(" -*() ", true).is_none());
    }
}
