//! The searches against small desks built for them: scope, ranking, counts,
//! completion, the migration, and snippets.

use super::parts::without_markup;
use super::*;
use crate::domain::search_query;
use crate::domain::ticket_query::ListQuery;
use crate::domain::{OrgId, Role, UserId};
use crate::store::{search, ticket_list};
use rusqlite::params;

/// Two organizations. Org 1: an agent (user 1) and a requester (user 2) who filed
/// every 100th of `n` "printer" tickets. Org 2: `n` newer "printer" tickets.
fn two_desks(n: i64) -> Connection {
    let mut conn = Connection::open_in_memory().unwrap();
    crate::store::migrate::apply(&mut conn).unwrap();
    conn.execute_batch(
        "INSERT INTO organizations (id, name, slug, join_code, created_at)
             VALUES (1, 'Acme', 'acme', 'a', 0), (2, 'Globex', 'globex', 'g', 0);
         INSERT INTO users (id, org_id, name, email, role, password_hash, created_at, updated_at)
             VALUES (1, 1, 'Ann', 'ann@x.test', 'agent', 'x', 0, 0),
                    (2, 1, 'Rob', 'rob@x.test', 'requester', 'x', 0, 0),
                    (3, 2, 'Gus', 'gus@x.test', 'requester', 'x', 0, 0);
         INSERT INTO categories (id, org_id, name, position, created_at, updated_at)
             VALUES (1, 1, 'Other', 0, 0, 0), (2, 2, 'Other', 0, 0, 0);",
    )
    .unwrap();
    let tx = conn.transaction().unwrap();
    for id in 1..=2 * n {
        let (org, number) = if id <= n { (1, id) } else { (2, id - n) };
        let requester = match (org, id % 100) {
            (2, _) => 3,
            (_, 0) => 2,
            _ => 1,
        };
        tx.execute(
            "INSERT INTO tickets (id, org_id, number, category_id, requester_id, title,
                                  description, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?2, ?4, 'Printer jams', 'Paper stuck', ?1, ?1)",
            params![id, org, number, requester],
        )
        .unwrap();
        search::index_ticket(&tx, id, "Printer jams", "Paper stuck", "", "").unwrap();
    }
    tx.commit().unwrap();
    conn
}

fn q(text: &str) -> ListQuery {
    ListQuery::parse(&[("q".to_string(), text.to_string())]).unwrap()
}

#[test]
fn a_common_word_counts_to_a_thousand_and_says_more_after_filtering_by_org() {
    let conn = two_desks(1_200);
    let agent = Actor::person(UserId(1), OrgId(1), Role::Agent, None);
    let page = ticket_list::list(&conn, &agent, &q("printer"), 0).unwrap();
    assert_eq!(
        (page.total, page.capped, page.rows.len()),
        (1_000, true, 25)
    );
    // Org 2's 1,200 newer matches took no place in org 1's window.
    assert_eq!(page.rows[0].number, 1_200);
    let found = tickets(&conn, &agent, &search_query::parse("printer"), 25).unwrap();
    assert_eq!(
        (found.count, found.capped, found.hits.len()),
        (1_000, true, 25)
    );
    assert!(
        found.hits.iter().all(|h| h.number > 200),
        "the newest window"
    );
}

#[test]
fn a_requester_counts_only_their_own_matches_exactly() {
    let conn = two_desks(1_200);
    let rob = Actor::person(UserId(2), OrgId(1), Role::Requester, None);
    let page = ticket_list::list(&conn, &rob, &q("print"), 0).unwrap();
    assert_eq!((page.total, page.capped, page.rows.len()), (12, false, 12));
    let terms = completed(&conn, &search_query::parse("printe")).unwrap();
    let found = tickets(&conn, &rob, &terms, 25).unwrap();
    assert_eq!((found.count, found.capped), (12, false));
    assert!(found.hits.iter().all(|h| h.number % 100 == 0));
}

/// Two organizations. Org 1: agent Ann (1) and requester Rob (2), who filed
/// tickets 1-4 with "printer" in the title (1), the description (2), a reply (3)
/// and an internal note (4). Org 2: agent Olga (4), requester Gus (3), ticket 5.
/// Articles: 1 published for everyone, 2 published for staff, 3 a draft (org 1),
/// 4 published for everyone in org 2.
fn small_desk() -> Connection {
    let mut conn = Connection::open_in_memory().unwrap();
    crate::store::migrate::apply(&mut conn).unwrap();
    conn.execute_batch(
        "INSERT INTO organizations (id, name, slug, join_code, created_at)
             VALUES (1, 'Acme', 'acme', 'a', 0), (2, 'Globex', 'globex', 'g', 0);
         INSERT INTO users (id, org_id, name, email, role, password_hash, created_at, updated_at)
             VALUES (1, 1, 'Ann', 'ann@x.test', 'agent', 'x', 0, 0),
                    (2, 1, 'Rob', 'rob@x.test', 'requester', 'x', 0, 0),
                    (3, 2, 'Gus', 'gus@x.test', 'requester', 'x', 0, 0),
                    (4, 2, 'Olga', 'olga@x.test', 'agent', 'x', 0, 0);
         INSERT INTO categories (id, org_id, name, position, created_at, updated_at)
             VALUES (1, 1, 'Other', 0, 0, 0), (2, 2, 'Other', 0, 0, 0);
         INSERT INTO articles (id, org_id, title, body, audience, status, author_id,
                               created_at, updated_at)
             VALUES (1, 1, 'Printer offline', 'Restart it', 'everyone', 'published', 1, 0, 0),
                    (2, 1, 'Printer vendor', 'Call them', 'staff', 'published', 1, 0, 0),
                    (3, 1, 'Printer drivers', 'Draft', 'everyone', 'draft', 1, 0, 0),
                    (4, 2, 'Printer Globex', 'Theirs', 'everyone', 'published', 4, 0, 0);",
    )
    .unwrap();
    let tickets = [
        (1, 1, 2, "Printer offline", "Nothing comes out", "", ""),
        (
            2,
            1,
            2,
            "Cannot print",
            "The printer shows an error",
            "",
            "",
        ),
        (
            3,
            1,
            2,
            "Slow laptop",
            "Fan noise",
            "Replaced the printer cable",
            "",
        ),
        (
            4,
            1,
            2,
            "VPN drops",
            "Every hour",
            "",
            "printer vendor secret",
        ),
        (5, 2, 3, "Printer jams", "Paper stuck", "", ""),
    ];
    for (id, org, requester, title, desc, conv, notes) in tickets {
        conn.execute(
            "INSERT INTO tickets (id, org_id, number, category_id, requester_id, title,
                                  description, created_at, updated_at)
             VALUES (?1, ?2, ?1, ?2, ?3, ?4, ?5, ?1, ?1)",
            params![id, org, requester, title, desc],
        )
        .unwrap();
        search::index_ticket(&conn, id, title, desc, conv, notes).unwrap();
    }
    conn
}

fn ann() -> Actor {
    Actor::person(UserId(1), OrgId(1), Role::Agent, None)
}

fn rob() -> Actor {
    Actor::person(UserId(2), OrgId(1), Role::Requester, None)
}

fn found(conn: &Connection, actor: &Actor, q: &str) -> Vec<(i64, &'static str)> {
    let terms = completed(conn, &search_query::parse(q)).unwrap();
    tickets(conn, actor, &terms, 25)
        .unwrap()
        .hits
        .iter()
        .map(|h| (h.number, h.kind))
        .collect()
}

#[test]
fn title_hits_rank_first_then_description_replies_and_notes() {
    let conn = small_desk();
    assert_eq!(
        found(&conn, &ann(), "printer"),
        vec![(1, "ticket"), (2, "ticket"), (3, "reply"), (4, "note")]
    );
    let terms = completed(&conn, &search_query::parse("printer")).unwrap();
    let hit = &tickets(&conn, &ann(), &terms, 1).unwrap().hits[0];
    assert_eq!(
        hit.title,
        vec![
            Part {
                text: "Printer".into(),
                hit: true
            },
            Part {
                text: " offline".into(),
                hit: false
            }
        ]
    );
}

#[test]
fn an_internal_notes_words_never_find_a_ticket_for_its_requester() {
    let conn = small_desk();
    assert_eq!(found(&conn, &ann(), "secret"), vec![(4, "note")]);
    assert!(found(&conn, &rob(), "secret").is_empty());
    assert!(found(&conn, &rob(), "vendor secret").is_empty());
    assert_eq!(
        found(&conn, &rob(), "printer"),
        vec![(1, "ticket"), (2, "ticket"), (3, "reply")]
    );
}

#[test]
fn another_organizations_tickets_are_never_candidates() {
    let conn = small_desk();
    let olga = Actor::person(UserId(4), OrgId(2), Role::Agent, None);
    assert_eq!(found(&conn, &olga, "printer"), vec![(5, "ticket")]);
    assert!(found(&conn, &olga, "secret").is_empty());
    let terms = search_query::parse("jams");
    let none = tickets(&conn, &ann(), &terms, 25).unwrap();
    assert_eq!((none.count, none.hits.len()), (0, 0));
}

#[test]
fn a_watcher_finds_the_ticket_and_staff_keep_finding_it_as_watchers_change() {
    let conn = small_desk();
    // Ticket 5 is org 2's; a second org-2 requester watches it, then stops.
    conn.execute_batch(
        "INSERT INTO users (id, org_id, name, email, role, password_hash, created_at, updated_at)
             VALUES (5, 2, 'Wes', 'wes@x.test', 'requester', 'x', 0, 0);
         INSERT INTO watchers (ticket_id, user_id, created_at) VALUES (5, 5, 0);",
    )
    .unwrap();
    let wes = Actor::person(UserId(5), OrgId(2), Role::Requester, None);
    let olga = Actor::person(UserId(4), OrgId(2), Role::Agent, None);
    assert_eq!(found(&conn, &wes, "jams"), vec![(5, "ticket")]);
    assert_eq!(found(&conn, &olga, "jams"), vec![(5, "ticket")]);
    conn.execute("DELETE FROM watchers WHERE user_id = 5", [])
        .unwrap();
    assert!(found(&conn, &wes, "jams").is_empty());
    assert_eq!(
        found(&conn, &olga, "jams"),
        vec![(5, "ticket")],
        "the org token stays"
    );
}

#[test]
fn a_still_typed_word_finds_the_words_it_completes_including_new_ones() {
    let conn = small_desk();
    // "prin" completes to print, printer (and others' words, which scope drops):
    // both titles hold one of them, so the newer ticket comes first.
    assert_eq!(
        found(&conn, &rob(), "prin"),
        vec![(2, "ticket"), (1, "ticket"), (3, "reply")]
    );
    assert!(found(&conn, &rob(), "smud").is_empty());
    search::add_comment(&conn, 3, "Toner smudges everywhere", false).unwrap();
    assert_eq!(found(&conn, &rob(), "smud"), vec![(3, "reply")]);
    // A completed prefix is the same search as FTS5's own prefix query.
    let native = tickets(&conn, &ann(), &search_query::parse("prin"), 25).unwrap();
    let native: Vec<_> = native.hits.iter().map(|h| (h.number, h.kind)).collect();
    assert_eq!(native, found(&conn, &ann(), "prin"));
}

#[test]
fn articles_are_scoped_by_organization_audience_and_status_inside_the_index() {
    let conn = small_desk();
    let ids = |actor: &Actor| -> Vec<i64> {
        let expr = search_query::match_expression("printer", ARTICLE_COLUMNS).unwrap();
        let mut ids: Vec<i64> = articles(&conn, actor, &expr, 25)
            .unwrap()
            .hits
            .iter()
            .map(|h| h.id)
            .collect();
        ids.sort();
        ids
    };
    let suggested = |actor: &Actor| -> Vec<i64> {
        let expr = search_query::suggestion_expression("my printer", ARTICLE_COLUMNS).unwrap();
        let mut ids: Vec<i64> = suggest(&conn, actor, &expr)
            .unwrap()
            .iter()
            .map(|h| h.id)
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&ann()), vec![1, 2, 3]);
    assert_eq!(ids(&rob()), vec![1]);
    assert_eq!(suggested(&ann()), vec![1, 2], "drafts are never suggested");
    assert_eq!(suggested(&rob()), vec![1]);
    // Publishing the draft and hiding article 1 from requesters move their tokens.
    conn.execute_batch(
        "UPDATE articles SET status = 'published' WHERE id = 3;
         UPDATE articles SET audience = 'staff' WHERE id = 1;",
    )
    .unwrap();
    assert_eq!(ids(&rob()), vec![3]);
    assert_eq!(suggested(&rob()), vec![3]);
    conn.execute("DELETE FROM articles WHERE id = 3", [])
        .unwrap();
    assert!(ids(&rob()).is_empty());
}

#[test]
fn the_search_migration_rebuilds_both_indexes_with_scope_and_the_word_list() {
    let mut conn = Connection::open_in_memory().unwrap();
    crate::store::migrate::migrate_to(&mut conn, 9).unwrap();
    conn.execute_batch(
        "INSERT INTO organizations (id, name, slug, join_code, created_at)
             VALUES (7, 'Acme', 'acme', 'a', 0);
         INSERT INTO users (id, org_id, name, email, role, password_hash, created_at, updated_at)
             VALUES (1, 7, 'Ann', 'ann@x.test', 'agent', 'x', 0, 0);
         INSERT INTO categories (id, org_id, name, position, created_at, updated_at)
             VALUES (1, 7, 'Other', 0, 0, 0);
         INSERT INTO tickets (id, org_id, number, category_id, requester_id, title,
                              description, created_at, updated_at)
             VALUES (1, 7, 1, 1, 1, 'Café printer', 'Jams', 0, 0);
         INSERT INTO ticket_search (rowid, title, description, conversation, notes, scope)
             VALUES (1, 'Café printer', 'Jams', '', 'secret', 'r1');
         INSERT INTO articles (id, org_id, title, body, audience, status, author_id,
                               created_at, updated_at)
             VALUES (1, 7, 'Printer', 'Restart', 'everyone', 'published', 1, 0, 0);",
    )
    .unwrap();
    crate::store::migrate::apply(&mut conn).unwrap();
    let rows = |table: &str, expr: &str| -> i64 {
        conn.query_row(
            &format!("SELECT count(*) FROM {table} WHERE {table} MATCH ?1"),
            [expr],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(rows("ticket_search", "printer AND scope : (o7 AND r1)"), 1);
    assert_eq!(
        rows("article_search", "printer AND scope : (o7 AND o7p AND o7e)"),
        1
    );
    let words: Vec<String> = conn
        .prepare("SELECT term FROM search_terms ORDER BY term")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        words,
        vec!["cafe", "jams", "printer", "secret"],
        "no scope tokens"
    );
}

#[test]
fn marked_snippets_become_plain_parts() {
    let p = parts("the \u{2}printer\u{3} <b>jams</b>");
    assert_eq!(
        p,
        vec![
            Part {
                text: "the ".into(),
                hit: false
            },
            Part {
                text: "printer".into(),
                hit: true
            },
            Part {
                text: " <b>jams</b>".into(),
                hit: false
            },
        ]
    );
    assert!(parts("").is_empty());
}

#[test]
fn article_snippets_lose_their_markdown_but_keep_spacing() {
    let p = without_markup(parts("## Problem Every \u{2}Outlook\u{3} **shows**"));
    let text: String = p.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(text, "Problem Every Outlook shows");
}
