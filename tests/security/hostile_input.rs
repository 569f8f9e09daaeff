//! Hostile values where a handler parses numbers and text out of the URL: ids
//! that overflow or are negative, page numbers past `i64`, and search text full of
//! FTS5 query syntax. Each gets a clean 4xx or a normal answer, never a 500.

use crate::desk::desk;

#[test]
fn overflowing_and_negative_ids_in_paths_answer_404() {
    let mut d = desk();
    let gets = [
        "/api/tickets/9223372036854775808",
        "/api/tickets/99999999999999999999999",
        "/api/tickets/-1",
        "/api/tickets/0",
        "/api/tickets/1e3",
        "/api/tickets/%2B1",
        "/api/tickets/9223372036854775807/comments",
        "/api/tickets/-9223372036854775808/history",
    ];
    for path in gets {
        let r = d.admin.get(path);
        assert_eq!(r.status, 404, "{path}: {}", r.text());
        assert_eq!(r.error_code(), "not_found", "{path}");
    }
    let n = d.ticket;
    let patches = [
        "/api/users/-1".to_string(),
        "/api/users/9223372036854775808".to_string(),
        "/api/categories/-1".to_string(),
        "/api/categories/18446744073709551616".to_string(),
        format!("/api/tickets/{n}/tasks/-1"),
        format!("/api/tickets/{n}/tasks/9223372036854775808"),
    ];
    for path in &patches {
        let r = d.admin.patch_json(path, &serde_json::json!({}));
        assert_eq!(r.status, 404, "{path}: {}", r.text());
    }
    for path in [
        format!("/api/tickets/{n}/watchers/-1"),
        format!("/api/tickets/{n}/watchers/9223372036854775808"),
        format!("/api/tickets/{n}/tasks/99999999999999999999"),
    ] {
        let r = d.admin.delete(&path);
        assert_eq!(r.status, 404, "{path}: {}", r.text());
    }
}

#[test]
fn out_of_range_pages_are_422_or_an_empty_page() {
    let mut d = desk();
    for query in [
        "page=99999999999999999999",
        "page=-1",
        "page=0",
        "per_page=-1",
        "per_page=0",
        "per_page=101",
        "per_page=18446744073709551616",
        "created_from=x",
        "category=-5",
    ] {
        let r = d.admin.get(&format!("/api/tickets?{query}"));
        assert_eq!(r.status, 422, "{query}: {}", r.text());
        assert_eq!(r.error_code(), "validation_failed", "{query}");
    }
    for query in [
        "page=9223372036854775807",
        "page=9223372036854775807&per_page=100",
        "created_from=-9223372036854775808&created_to=9223372036854775807",
        "category=9223372036854775807",
        "assignee=9223372036854775807",
    ] {
        let r = d.admin.get(&format!("/api/tickets?{query}"));
        assert_eq!(r.status, 200, "{query}: {}", r.text());
        assert!(r.json()["tickets"].is_array(), "{query}");
    }
}

#[test]
fn fts5_query_syntax_in_q_is_plain_text_not_a_500() {
    let mut d = desk();
    for q in [
        "%22",
        "%22%22%22",
        "*",
        "NEAR(",
        "NEAR(a%20b)",
        "-",
        "AND%20OR",
        "OR",
        "NOT%20x",
        "^",
        "title:x",
        "%7Btitle%7D:x",
        "a%22b*",
        "(((",
        "%E2%80%8B",
        "%C2%B2",
        "x%00y",
        "Printer%20%22jams",
    ] {
        let r = d.admin.get(&format!("/api/tickets?q={q}"));
        assert_eq!(r.status, 200, "q={q}: {}", r.text());
        assert!(r.json()["tickets"].is_array(), "q={q}");
    }
    let found = d.admin.get("/api/tickets?q=Printer%22%20jams*");
    assert_eq!(
        found.json()["total"],
        1,
        "syntax characters are dropped, words still match"
    );
}
