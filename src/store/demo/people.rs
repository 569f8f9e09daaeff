//! The demo organization's people: one admin (tier 3), six agents two per tier,
//! and forty requesters, all sharing the demo password's hash.

use super::{text, AGENTS, DAY, REQUESTERS};
use crate::domain::OrgId;
use crate::store::StoreError;
use rusqlite::{params, Connection};

/// A staff member tickets can be assigned to, with the tier they work at.
pub struct Person {
    pub id: i64,
    pub tier: i64,
}

/// Everyone created, and the sign-ins to print.
pub struct People {
    pub agents: Vec<Person>,
    pub requesters: Vec<i64>,
    pub sign_ins: Vec<(String, String)>,
}

/// Creates the admin, the agents and the requesters of `org_id`.
pub fn add_people(
    conn: &Connection,
    org_id: OrgId,
    phc: &str,
    now: i64,
) -> Result<People, StoreError> {
    let mut sign_ins = vec![("admin@demo.test".to_string(), "admin".to_string())];
    let admin = add_user(
        conn,
        org_id,
        ("Dana Admin", "admin@demo.test", "admin", Some(3)),
        phc,
        now,
    )?;
    let mut agents = vec![Person { id: admin, tier: 3 }];
    for i in 1..=AGENTS {
        let tier = (i as i64 - 1) / 2 + 1;
        let email = format!("agent{i}@demo.test");
        // The tier is shown beside the name wherever it matters (assignee
        // lists say "tier 2"); in the name itself it would be said twice.
        let full = format!("{} {}", text::FIRST_NAMES[i], text::LAST_NAMES[i]);
        let id = add_user(conn, org_id, (&full, &email, "agent", Some(tier)), phc, now)?;
        add_schedule(conn, org_id, id, i, now)?;
        sign_ins.push((email, format!("agent, tier {tier}")));
        agents.push(Person { id, tier });
    }
    let mut requesters = Vec::new();
    for i in 1..=REQUESTERS {
        let full = format!(
            "{} {}",
            text::FIRST_NAMES[(i * 7) % text::FIRST_NAMES.len()],
            text::LAST_NAMES[(i * 5) % text::LAST_NAMES.len()]
        );
        let email = format!("user{i}@demo.test");
        requesters.push(add_user(
            conn,
            org_id,
            (&full, &email, "requester", None),
            phc,
            now,
        )?);
    }
    sign_ins.push((
        "user1@demo.test".into(),
        format!("requester (user1..user{REQUESTERS})"),
    ));

    Ok(People {
        agents,
        requesters,
        sign_ins,
    })
}

/// Weekly hours for demo agent `i` (from 1): day shifts, a late shift, a split
/// shift and weekend cover, so the "Who's on now" board has something to show at
/// most hours of the week. Times are in the organization's zone.
fn add_schedule(
    conn: &Connection,
    org: OrgId,
    id: i64,
    i: usize,
    now: i64,
) -> Result<(), StoreError> {
    use crate::domain::availability::StaffSettings;
    use crate::domain::schedule::WeeklyHours;
    let weekdays = |from: &str, to: &str| {
        let day = serde_json::json!([[from, to]]);
        serde_json::json!({"mon": day, "tue": day, "wed": day, "thu": day, "fri": day})
    };
    let mut hours = match i % 4 {
        1 => weekdays("08:00", "17:00"),
        2 => weekdays("12:00", "21:00"),
        3 => weekdays("07:00", "15:00"),
        _ => weekdays("09:00", "17:00"),
    };
    if i == AGENTS {
        hours["sat"] = serde_json::json!([["10:00", "14:00"]]);
        hours["sun"] = serde_json::json!([["10:00", "14:00"]]);
    }
    let settings = StaffSettings {
        hours: WeeklyHours::parse("hours", &hours).map_err(|p| {
            StoreError::Corrupt(crate::store::row::CorruptRow {
                table: "staff_schedules",
                row: id,
                detail: format!("demo hours: {p:?}"),
            })
        })?,
        categories: Vec::new(),
        cap: Some(15),
        available: true,
    };
    let actor = crate::domain::Actor::system(org, "demo data");
    super::super::schedules::put_settings(conn, &actor, crate::domain::UserId(id), &settings, now)
}

fn add_user(
    conn: &Connection,
    org: OrgId,
    (name, email, role, tier): (&str, &str, &str, Option<i64>),
    phc: &str,
    now: i64,
) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO users (org_id, name, email, phone, role, tier, active, password_hash,
                            created_at, updated_at)
         VALUES (?1, ?2, ?3, '', ?4, ?5, 1, ?6, ?7, ?7)",
    )?
    .execute(params![
        org.0,
        name,
        email,
        role,
        tier,
        phc,
        now - 130 * DAY
    ])?;
    Ok(conn.last_insert_rowid())
}
