//! The demo knowledge base: one article per hundred tickets (at least 30, at most
//! 10,000), drafted from the same problems and resolutions the tickets use, so
//! typing a demo problem suggests something. Most are published for everyone,
//! some are staff-only, a few are drafts; each has a plausible solved count.

use super::people::Person;
use super::{text, DAY};
use rand::rngs::StdRng;
use rand::Rng;
use rusqlite::{params, Connection};

/// How many articles `seed-demo --tickets N` writes.
pub fn count_for(tickets: usize) -> usize {
    (tickets / 100).clamp(30, 10_000)
}

const SETTINGS: &[&str] = &[
    "on Windows",
    "on a Mac",
    "when working from home",
    "in the office",
    "for new starters",
    "after an update",
    "on the guest network",
    "on a shared desk",
];

/// Writes `n` articles into `org_id` (the search index follows by trigger).
pub fn add_articles(
    conn: &Connection,
    rng: &mut StdRng,
    org_id: i64,
    cats: &[i64],
    staff: &[Person],
    n: usize,
    now: i64,
) -> Result<(), rusqlite::Error> {
    let mut article = conn.prepare_cached(
        "INSERT INTO articles (org_id, title, body, category_id, tags, audience, status,
                               author_id, solved_count, created_at, updated_at, published_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11)",
    )?;
    let mut revision = conn.prepare_cached(
        "INSERT INTO article_revisions (article_id, revision, title, body, category_id, tags,
                                        audience, status, editor_id, created_at)
         VALUES (?1, 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for i in 0..n {
        let ci = i % cats.len().min(text::TICKETS.len());
        let problems = text::TICKETS[ci];
        let (problem, description) = problems[rng.gen_range(0..problems.len())];
        let fixes = text::RESOLUTIONS[ci.min(text::RESOLUTIONS.len() - 1)];
        let (cause, steps) = fixes[rng.gen_range(0..fixes.len())];
        let setting = SETTINGS[(i / cats.len()) % SETTINGS.len()];
        let title = format!("{problem} {setting}");
        let body = format!(
            "## Problem\n\n{description}\n\n## Cause\n\n{cause}\n\n## Steps\n\n1. {steps}\n2. If it \
             happens again {setting}, reply to your ticket with the time it started.\n"
        );
        let audience = if rng.gen_bool(0.8) {
            "everyone"
        } else {
            "staff"
        };
        let status = if rng.gen_bool(0.92) {
            "published"
        } else {
            "draft"
        };
        let author = staff[rng.gen_range(0..staff.len())].id;
        let at = now - rng.gen_range(DAY..120 * DAY);
        let tags = format!("demo {}", setting.split(' ').next_back().unwrap_or("it"));
        let solved: i64 = if status == "published" {
            rng.gen_range(0..60)
        } else {
            0
        };
        article.execute(params![
            org_id,
            title,
            body,
            cats[ci],
            tags,
            audience,
            status,
            author,
            solved,
            at,
            (status == "published").then_some(at)
        ])?;
        let id = conn.last_insert_rowid();
        revision.execute(params![
            id, title, body, cats[ci], tags, audience, status, author, at
        ])?;
    }
    Ok(())
}
