//! Appointments on the staff calendar, who takes part in them, and the staff
//! members' iCalendar feed secrets (migration 010). The rules (what a valid
//! appointment is, what conflicts) are [`crate::domain::appointments`]; this file
//! only stores and reads.
//!
//! Every function but the feed lookup takes the [`Actor`] and reaches only its
//! organization: another organization's appointment is "not found", like a
//! missing one. [`feed_owner`] runs before anyone is signed in: the secret in
//! the feed's address is the credential, and it names one person.

use super::StoreError;
use crate::domain::appointments::{Booked, Draft};
use crate::domain::zone::from_ms;
use crate::domain::{Actor, OrgId, UserId};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use std::collections::HashMap;

/// How far before a window appointments are looked for: none lasts longer.
const LONGEST_MS: i64 = crate::domain::appointments::MAX_LENGTH_MS;

/// A person taking part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub id: i64,
    pub name: String,
}

/// The ticket an appointment is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TicketLink {
    pub number: i64,
    pub title: String,
}

/// One stored appointment.
#[derive(Debug, Clone, Serialize)]
pub struct Appointment {
    pub id: i64,
    #[serde(skip)]
    pub uid: String,
    pub title: String,
    pub start: i64,
    pub end: i64,
    pub location: String,
    pub notes: String,
    pub ticket: Option<TicketLink>,
    pub participants: Vec<Person>,
    pub visible_to_requester: bool,
    pub cancelled: bool,
    pub sequence: i64,
    pub updated_at: i64,
}

impl Appointment {
    /// The stored appointment as a draft, the base of an edit.
    pub fn draft(&self) -> Draft {
        Draft {
            title: self.title.clone(),
            start: from_ms(self.start),
            end: from_ms(self.end),
            location: self.location.clone(),
            ticket: self.ticket.as_ref().map(|t| t.number),
            participants: self.participants.iter().map(|p| UserId(p.id)).collect(),
            notes: self.notes.clone(),
            visible_to_requester: self.visible_to_requester,
        }
    }
}

const COLUMNS: &str = "a.id, a.uid, a.title, a.starts_at, a.ends_at, a.location, a.notes,
    t.number, t.title, a.visible_to_requester, a.cancelled_at, a.sequence, a.updated_at";
const FROM: &str = "appointments a LEFT JOIN tickets t ON t.id = a.ticket_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Appointment> {
    let number: Option<i64> = r.get(7)?;
    let ticket = match number {
        Some(number) => Some(TicketLink {
            number,
            title: r.get(8)?,
        }),
        None => None,
    };
    Ok(Appointment {
        id: r.get(0)?,
        uid: r.get(1)?,
        title: r.get(2)?,
        start: r.get(3)?,
        end: r.get(4)?,
        location: r.get(5)?,
        notes: r.get(6)?,
        ticket,
        participants: Vec::new(),
        visible_to_requester: r.get(9)?,
        cancelled: r.get::<_, Option<i64>>(10)?.is_some(),
        sequence: r.get(11)?,
        updated_at: r.get(12)?,
    })
}

/// Fills in the participants of a short `list`, one indexed query each.
fn with_people(
    conn: &Connection,
    mut list: Vec<Appointment>,
) -> Result<Vec<Appointment>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.id, u.name FROM appointment_people p JOIN users u ON u.id = p.user_id
         WHERE p.appointment_id = ?1 ORDER BY u.name, u.id",
    )?;
    for a in &mut list {
        let rows = stmt.query_map([a.id], |r| {
            Ok(Person {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        })?;
        a.participants = rows.collect::<Result<_, _>>()?;
    }
    Ok(list)
}

/// Fills in the participants of a whole organization's window in one query:
/// a month of a large team is thousands of appointments, and a query each
/// would cost more than the rest of the answer. Names come from the team list
/// (one small query) instead of a join per row. Only staff are read: someone
/// demoted to requester since drops out of the team's view of an appointment
/// (the single-appointment answers still name them).
fn with_people_in_window(
    conn: &Connection,
    actor: &Actor,
    (early, to, from): (i64, i64, i64),
    mut list: Vec<Appointment>,
) -> Result<Vec<Appointment>, StoreError> {
    let index: HashMap<i64, usize> = list.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
    let team: Vec<(i64, String)> = {
        let mut stmt = conn.prepare_cached(
            "SELECT id, name FROM users WHERE org_id = ?1 AND role IN ('agent', 'admin')",
        )?;
        let rows = stmt.query_map([actor.org_id.0], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    // Each person's range of the covering index (user_id, starts_at, ends_at,
    // appointment_id): no seek into either table. Cancelled appointments' rows
    // match too and are dropped by the `index` lookup.
    let mut stmt = conn.prepare_cached(
        "SELECT appointment_id FROM appointment_people
         WHERE user_id = ?1 AND starts_at >= ?2 AND starts_at < ?3 AND ends_at > ?4",
    )?;
    for (id, name) in &team {
        let rows = stmt.query_map(params![id, early, to, from], |r| r.get::<_, i64>(0))?;
        for aid in rows {
            if let Some(&i) = index.get(&aid?) {
                list[i].participants.push(Person {
                    id: *id,
                    name: name.clone(),
                });
            }
        }
    }
    for a in &mut list {
        a.participants
            .sort_by(|x, y| (&x.name, x.id).cmp(&(&y.name, y.id)));
    }
    Ok(list)
}

/// Active agents and admins of the actor's organization among `ids`, by id;
/// anyone missing is not one (another organization, a requester, deactivated).
pub fn staff_named(
    conn: &Connection,
    actor: &Actor,
    ids: &[UserId],
) -> Result<HashMap<UserId, String>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT name FROM users WHERE id = ?1 AND org_id = ?2 AND active = 1
           AND role IN ('agent', 'admin')",
    )?;
    let mut out = HashMap::new();
    for id in ids {
        if let Some(name) = stmt
            .query_row(params![id.0, actor.org_id.0], |r| r.get::<_, String>(0))
            .optional()?
        {
            out.insert(*id, name);
        }
    }
    Ok(out)
}

/// Every active agent and admin of the organization, by name.
pub fn team(conn: &Connection, actor: &Actor) -> Result<Vec<Person>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name FROM users WHERE org_id = ?1 AND active = 1
           AND role IN ('agent', 'admin') ORDER BY name, id",
    )?;
    let rows = stmt.query_map([actor.org_id.0], |r| {
        Ok(Person {
            id: r.get(0)?,
            name: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn write_people(conn: &Connection, id: i64, d: &Draft) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM appointment_people WHERE appointment_id = ?1")?
        .execute([id])?;
    let mut add = conn.prepare_cached(
        "INSERT INTO appointment_people (appointment_id, user_id, starts_at, ends_at)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for p in &d.participants {
        add.execute(params![
            id,
            p.0,
            d.start.as_millisecond(),
            d.end.as_millisecond()
        ])?;
    }
    Ok(())
}

/// Stores a new appointment (participants checked by the caller); its id.
pub fn insert(
    conn: &Connection,
    actor: &Actor,
    uid: &str,
    d: &Draft,
    ticket_id: Option<i64>,
    now: i64,
) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO appointments (org_id, uid, ticket_id, title, location, notes, starts_at,
             ends_at, visible_to_requester, created_by, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
    )?
    .execute(params![
        actor.org_id.0,
        uid,
        ticket_id,
        d.title,
        d.location,
        d.notes,
        d.start.as_millisecond(),
        d.end.as_millisecond(),
        d.visible_to_requester,
        super::person(actor),
        now
    ])?;
    let id = conn.last_insert_rowid();
    write_people(conn, id, d)?;
    Ok(id)
}

/// Replaces a live appointment's fields and raises its sequence; false when
/// there is no such live appointment in the organization.
pub fn update(
    conn: &Connection,
    actor: &Actor,
    id: i64,
    d: &Draft,
    ticket_id: Option<i64>,
    now: i64,
) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached(
            "UPDATE appointments SET ticket_id = ?3, title = ?4, location = ?5, notes = ?6,
                 starts_at = ?7, ends_at = ?8, visible_to_requester = ?9,
                 sequence = sequence + 1, updated_at = ?10
             WHERE id = ?1 AND org_id = ?2 AND cancelled_at IS NULL",
        )?
        .execute(params![
            id,
            actor.org_id.0,
            ticket_id,
            d.title,
            d.location,
            d.notes,
            d.start.as_millisecond(),
            d.end.as_millisecond(),
            d.visible_to_requester,
            now
        ])?;
    if n == 1 {
        write_people(conn, id, d)?;
    }
    Ok(n == 1)
}

/// Cancels a live appointment (it stays, for the feeds); false when there is
/// none such.
pub fn cancel(conn: &Connection, actor: &Actor, id: i64, now: i64) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached(
            "UPDATE appointments SET cancelled_at = ?3, sequence = sequence + 1, updated_at = ?3
             WHERE id = ?1 AND org_id = ?2 AND cancelled_at IS NULL",
        )?
        .execute(params![id, actor.org_id.0, now])?;
    Ok(n == 1)
}

/// One appointment of the organization, cancelled or not.
pub fn get(conn: &Connection, actor: &Actor, id: i64) -> Result<Option<Appointment>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE a.id = ?1 AND a.org_id = ?2");
    let found = conn
        .prepare_cached(&sql)?
        .query_row(params![id, actor.org_id.0], from_row)
        .optional()?;
    Ok(with_people(conn, found.into_iter().collect())?.pop())
}

/// Live appointments overlapping `from..to` (ms), earliest first: the whole
/// organization's, or those `who` takes part in.
pub fn window(
    conn: &Connection,
    actor: &Actor,
    from: i64,
    to: i64,
    who: Option<UserId>,
) -> Result<Vec<Appointment>, StoreError> {
    let early = from.saturating_sub(LONGEST_MS);
    let list = match who {
        None => {
            let sql = format!(
                "SELECT {COLUMNS} FROM {FROM} WHERE a.org_id = ?1 AND a.starts_at >= ?2
                   AND a.starts_at < ?3 AND a.ends_at > ?4 AND a.cancelled_at IS NULL
                 ORDER BY a.starts_at, a.id"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(params![actor.org_id.0, early, to, from], from_row)?;
            let list = rows.collect::<Result<Vec<_>, _>>()?;
            return with_people_in_window(conn, actor, (early, to, from), list);
        }
        Some(user) => {
            let sql = format!(
                "SELECT {COLUMNS} FROM appointment_people p JOIN appointments a
                   ON a.id = p.appointment_id LEFT JOIN tickets t ON t.id = a.ticket_id
                 WHERE p.user_id = ?1 AND a.org_id = ?2 AND p.starts_at >= ?3
                   AND p.starts_at < ?4 AND p.ends_at > ?5 AND a.cancelled_at IS NULL
                 ORDER BY a.starts_at, a.id"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows =
                stmt.query_map(params![user.0, actor.org_id.0, early, to, from], from_row)?;
            rows.collect::<Result<Vec<_>, _>>()?
        }
    };
    with_people(conn, list)
}

/// A ticket's appointments, cancelled ones included, earliest first.
pub fn for_ticket(
    conn: &Connection,
    actor: &Actor,
    ticket_id: i64,
) -> Result<Vec<Appointment>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE a.ticket_id = ?1 AND a.org_id = ?2
         ORDER BY a.starts_at, a.id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![ticket_id, actor.org_id.0], from_row)?;
    with_people(conn, rows.collect::<Result<Vec<_>, _>>()?)
}

/// Each of `users`' live appointments overlapping `from..to`, but `except`
/// (the one being moved): what the conflict rules compare with.
pub fn booked(
    conn: &Connection,
    actor: &Actor,
    users: &[UserId],
    from: i64,
    to: i64,
    except: Option<i64>,
) -> Result<HashMap<UserId, Vec<Booked>>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.title, a.starts_at, a.ends_at FROM appointment_people p
         JOIN appointments a ON a.id = p.appointment_id
         WHERE p.user_id = ?1 AND a.org_id = ?2 AND p.starts_at >= ?3 AND p.starts_at < ?4
           AND p.ends_at > ?5 AND a.cancelled_at IS NULL AND a.id != ?6
         ORDER BY a.starts_at",
    )?;
    let mut out = HashMap::new();
    for u in users {
        let rows = stmt.query_map(
            params![
                u.0,
                actor.org_id.0,
                from.saturating_sub(LONGEST_MS),
                to,
                from,
                except.unwrap_or(0)
            ],
            |r| {
                Ok(Booked {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    start: from_ms(r.get(2)?),
                    end: from_ms(r.get(3)?),
                })
            },
        )?;
        out.insert(*u, rows.collect::<Result<Vec<_>, _>>()?);
    }
    Ok(out)
}

/// The owner of a feed secret's hash: an active staff member, with their
/// organization and name. Runs before anyone is signed in (see module docs).
pub fn feed_owner(
    conn: &Connection,
    hash: &str,
) -> Result<Option<(UserId, OrgId, String)>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT u.id, u.org_id, u.name FROM calendar_feeds f JOIN users u ON u.id = f.user_id
             WHERE f.token_hash = ?1 AND u.active = 1 AND u.role IN ('agent', 'admin')",
        )?
        .query_row([hash], |r| {
            Ok((UserId(r.get(0)?), OrgId(r.get(1)?), r.get(2)?))
        })
        .optional()?)
}

/// A person's feed: their appointments overlapping `from..to`, cancelled ones
/// included (so subscribed calendars learn of the cancellation).
pub fn feed(
    conn: &Connection,
    user: UserId,
    from: i64,
    to: i64,
) -> Result<Vec<Appointment>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM appointment_people p JOIN appointments a ON a.id = p.appointment_id
           LEFT JOIN tickets t ON t.id = a.ticket_id
         WHERE p.user_id = ?1 AND p.starts_at >= ?2 AND p.starts_at < ?3 AND p.ends_at > ?4
         ORDER BY a.starts_at, a.id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![user.0, from.saturating_sub(LONGEST_MS), to, from],
        from_row,
    )?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// When the actor's feed secret was made, if they have one.
pub fn feed_created(conn: &Connection, user: UserId) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT created_at FROM calendar_feeds WHERE user_id = ?1")?
        .query_row([user.0], |r| r.get(0))
        .optional()?)
}

/// Sets (or replaces: the old address stops working) a person's feed secret hash.
pub fn set_feed(conn: &Connection, user: UserId, hash: &str, now: i64) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash,
             created_at = excluded.created_at",
    )?
    .execute(params![user.0, hash, now])?;
    Ok(())
}

/// Turns a person's feed off.
pub fn delete_feed(conn: &Connection, user: UserId) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM calendar_feeds WHERE user_id = ?1")?
        .execute([user.0])?;
    Ok(())
}
