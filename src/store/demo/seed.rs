//! The demo generator: resets "Demo IT", creates its people through
//! [`super::people`], then writes the tickets in creation order through
//! [`super::ticket`], so numbers rise with time like a real desk's, and last
//! gives them SLA clocks ([`crate::store::sla_clocks::backfill`]).

use super::articles;
use super::people::{self, People};
use super::{ticket, AGENTS, DAY, ORG_NAME, REQUESTERS};
use crate::domain::category::Question;
use crate::domain::Name;
use crate::store::{categories, orgs, StoreError};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::Connection;

/// What was created, for the command's output and the tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub org_id: i64,
    pub admins: usize,
    pub agents: usize,
    pub requesters: usize,
    pub tickets: usize,
    pub articles: usize,
    pub sign_ins: Vec<(String, String)>,
}

/// Deletes a previous "Demo IT" and everything in it.
fn reset(conn: &Connection) -> Result<(), StoreError> {
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM organizations WHERE name = ?1")?
        .query_map([ORG_NAME], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for org in ids {
        conn.execute("DELETE FROM articles WHERE org_id = ?1", [org])?;
        conn.execute("DELETE FROM deflections WHERE org_id = ?1", [org])?;
        conn.execute(
            "DELETE FROM ticket_search WHERE rowid IN (SELECT id FROM tickets WHERE org_id = ?1)",
            [org],
        )?;
        // Their files are removed at the next server start (`Blobs::remove_unreferenced`).
        conn.execute("DELETE FROM attachments WHERE org_id = ?1", [org])?;
        conn.execute("DELETE FROM tickets WHERE org_id = ?1", [org])?;
        // The reports' rollup has no foreign keys (its rows are sums, not owned).
        for table in ["report_days", "report_times", "report_zone_offsets"] {
            conn.execute(&format!("DELETE FROM {table} WHERE org_id = ?1"), [org])?;
        }
        conn.execute("DELETE FROM sla_category_targets WHERE org_id = ?1", [org])?;
        conn.execute("DELETE FROM sla_settings WHERE org_id = ?1", [org])?;
        conn.execute("DELETE FROM categories WHERE org_id = ?1", [org])?;
        conn.execute(
            "DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE org_id = ?1)",
            [org],
        )?;
        conn.execute("DELETE FROM users WHERE org_id = ?1", [org])?;
        conn.execute("DELETE FROM organizations WHERE id = ?1", [org])?;
    }
    Ok(())
}

/// Seeds the demo organization inside `conn`'s transaction, tickets over the
/// last 120 days. `phc` is the demo password's hash (the caller hashes
/// [`PASSWORD`](super::PASSWORD) once).
pub fn seed(conn: &Connection, tickets: usize, phc: &str, now: i64) -> Result<Summary, StoreError> {
    seed_over(conn, tickets, DEFAULT_DAYS, phc, now)
}

/// How many days the demo's tickets spread over unless asked otherwise.
pub const DEFAULT_DAYS: i64 = 120;

/// [`seed`] with the tickets spread over the last `days` days (a year of data
/// for the reports' benchmark).
pub fn seed_over(
    conn: &Connection,
    tickets: usize,
    days: i64,
    phc: &str,
    now: i64,
) -> Result<Summary, StoreError> {
    let days = days.max(1);
    reset(conn)?;
    let mut rng = StdRng::seed_from_u64(0x4445_4d4f);
    let name = Name::try_from(ORG_NAME).map_err(|e| StoreError::Duplicate(e.to_string()))?;
    let org = orgs::create_org(conn, &name, now - (days + 10) * DAY)?;
    let org_id = org.id;
    let People {
        agents,
        requesters,
        sign_ins,
    } = people::add_people(conn, org_id, phc, now)?;

    let cats: Vec<(i64, Vec<Question>)> = conn
        .prepare("SELECT id FROM categories WHERE org_id = ?1 ORDER BY position")?
        .query_map([org_id.0], |r| r.get::<_, i64>(0))?
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .map(|id| Ok((id, categories::questions(conn, id)?)))
        .collect::<Result<_, StoreError>>()?;

    let mut created: Vec<i64> = (0..tickets)
        .map(|_| now - rng.gen_range(0..days * DAY))
        .collect();
    created.sort_unstable();
    for (i, &at) in created.iter().enumerate() {
        ticket::one_ticket(
            conn,
            &mut rng,
            org_id,
            i as i64 + 1,
            at,
            now,
            &cats,
            &agents,
            &requesters,
        )?;
    }
    let n_articles = articles::count_for(tickets);
    let cat_ids: Vec<i64> = cats.iter().map(|c| c.0).collect();
    articles::add_articles(conn, &mut rng, org_id.0, &cat_ids, &agents, n_articles, now)?;
    // Tickets are written without clocks (the generator writes rows, not
    // events); give them clocks as if they had always run.
    crate::store::sla_clocks::backfill(conn, org_id, now)?;
    Ok(Summary {
        org_id: org_id.0,
        articles: n_articles,
        admins: 1,
        agents: AGENTS,
        requesters: REQUESTERS,
        tickets,
        sign_ins,
    })
}
