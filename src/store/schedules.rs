//! Who works when: each staff member's settings (weekly hours, categories they
//! take, cap, the Available/Away switch), their time off, and the
//! organization's time zone and automatic-assignment switches. The rules that
//! read these (on shift? available? who gets a ticket?) are the domain's
//! ([`crate::domain::availability`], [`crate::domain::assignment`]); this file
//! only stores them and builds [`StaffState`]s.
//!
//! Every function takes the [`Actor`] and reaches only its organization's users:
//! another organization's user id is "not found", like a missing one.

use super::row::At;
use super::users::tier_col;
use super::StoreError;
use crate::domain::availability::{StaffSettings, StaffState};
use crate::domain::schedule::WeeklyHours;
use crate::domain::time_off::TimeOff;
use crate::domain::zone::{from_ms, parse_time_zone};
use crate::domain::{Actor, Tier, UserId};
use jiff::tz::TimeZone;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::collections::HashMap;

/// The organization's scheduling settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgScheduling {
    /// The IANA zone set by an admin; `None` follows the server's zone.
    pub time_zone: Option<String>,
    /// Automatic assignment on for the organization.
    pub auto_assign: bool,
    /// Categories whose tickets are only assigned by hand.
    pub manual_categories: Vec<i64>,
}

impl OrgScheduling {
    /// The zone to compute in: the organization's, else `server_zone`. A stored
    /// name the bundled database no longer knows falls back too (and is logged),
    /// so an old row cannot stop assignment.
    pub fn zone(&self, server_zone: &TimeZone) -> TimeZone {
        match self.time_zone.as_deref().map(parse_time_zone) {
            Some(Ok(tz)) => tz,
            Some(Err(e)) => {
                log::warn!("organization time zone ignored: {e}");
                server_zone.clone()
            }
            None => server_zone.clone(),
        }
    }
}

/// The actor's organization's scheduling settings.
pub fn org_scheduling(conn: &Connection, actor: &Actor) -> Result<OrgScheduling, StoreError> {
    let (time_zone, auto_assign) = conn
        .prepare_cached("SELECT time_zone, auto_assign FROM organizations WHERE id = ?1")?
        .query_row([actor.org_id.0], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let manual_categories = conn
        .prepare_cached(
            "SELECT id FROM categories WHERE org_id = ?1 AND auto_assign = 0 ORDER BY id",
        )?
        .query_map([actor.org_id.0], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(OrgScheduling {
        time_zone,
        auto_assign,
        manual_categories,
    })
}

/// Changes what is `Some`; `manual_categories` replaces the list (ids of other
/// organizations are ignored by the `org_id` filter). The zone is
/// [`super::orgs::set_time_zone`].
pub fn set_org_scheduling(
    conn: &Connection,
    actor: &Actor,
    auto_assign: Option<bool>,
    manual_categories: Option<&[i64]>,
) -> Result<(), StoreError> {
    if let Some(on) = auto_assign {
        conn.execute(
            "UPDATE organizations SET auto_assign = ?2 WHERE id = ?1",
            params![actor.org_id.0, on],
        )?;
    }
    if let Some(ids) = manual_categories {
        conn.execute(
            "UPDATE categories SET auto_assign = 1 WHERE org_id = ?1",
            [actor.org_id.0],
        )?;
        let mut off = conn.prepare_cached(
            "UPDATE categories SET auto_assign = 0 WHERE org_id = ?1 AND id = ?2",
        )?;
        for id in ids {
            off.execute(params![actor.org_id.0, id])?;
        }
    }
    Ok(())
}

/// A staff member's settings as stored; the defaults when they have no row.
fn settings_from(
    at: At,
    hours: &str,
    categories: &str,
    cap: Option<i64>,
    available: bool,
) -> rusqlite::Result<StaffSettings> {
    let hours: serde_json::Value = at.check("hours", serde_json::from_str(hours))?;
    let hours = at.check(
        "hours",
        WeeklyHours::parse("hours", &hours).map_err(|p| format!("{p:?}")),
    )?;
    let categories: Vec<i64> = at.check("categories", serde_json::from_str(categories))?;
    let cap = cap.map(|c| at.check("cap", u32::try_from(c))).transpose()?;
    Ok(StaffSettings {
        hours,
        categories,
        cap,
        available,
    })
}

/// A user's settings (defaults when none are stored). The caller found the
/// user in the actor's organization.
pub fn settings(
    conn: &Connection,
    actor: &Actor,
    user: UserId,
) -> Result<StaffSettings, StoreError> {
    let found = conn
        .prepare_cached(
            "SELECT s.hours, s.categories, s.cap, s.available FROM staff_schedules s
             JOIN users u ON u.id = s.user_id WHERE s.user_id = ?1 AND u.org_id = ?2",
        )?
        .query_row(params![user.0, actor.org_id.0], |r| {
            let (h, c): (String, String) = (r.get(0)?, r.get(1)?);
            settings_from(
                At::new("staff_schedules", user.0),
                &h,
                &c,
                r.get(2)?,
                r.get(3)?,
            )
        })
        .optional()?;
    Ok(found.unwrap_or(StaffSettings {
        available: true,
        ..StaffSettings::default()
    }))
}

/// Stores a user's settings (keeping when they were last assigned).
pub fn put_settings(
    conn: &Connection,
    actor: &Actor,
    user: UserId,
    s: &StaffSettings,
    now: i64,
) -> Result<(), StoreError> {
    let categories = serde_json::Value::from(s.categories.clone()).to_string();
    conn.prepare_cached(
        "INSERT INTO staff_schedules (user_id, hours, categories, cap, available, updated_at)
         SELECT id, ?3, ?4, ?5, ?6, ?7 FROM users WHERE id = ?1 AND org_id = ?2
         ON CONFLICT (user_id) DO UPDATE SET hours = excluded.hours,
             categories = excluded.categories, cap = excluded.cap,
             available = excluded.available, updated_at = excluded.updated_at",
    )?
    .execute(params![
        user.0,
        actor.org_id.0,
        s.hours.to_json().to_string(),
        categories,
        s.cap,
        s.available,
        now
    ])?;
    Ok(())
}

/// Flips a user's Available/Away switch, keeping the rest of their settings.
pub fn set_available(
    conn: &Connection,
    actor: &Actor,
    user: UserId,
    available: bool,
    now: i64,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO staff_schedules (user_id, available, updated_at)
         SELECT id, ?3, ?4 FROM users WHERE id = ?1 AND org_id = ?2
         ON CONFLICT (user_id) DO UPDATE SET available = excluded.available,
             updated_at = excluded.updated_at",
    )?
    .execute(params![user.0, actor.org_id.0, available, now])?;
    Ok(())
}

/// Notes that a ticket was just assigned to `user` (by anyone): the "longest
/// since their last assignment" tie-break reads it.
pub fn mark_assigned(conn: &Connection, user: i64, now: i64) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO staff_schedules (user_id, last_assigned_at, updated_at) VALUES (?1, ?2, ?2)
         ON CONFLICT (user_id) DO UPDATE SET last_assigned_at = excluded.last_assigned_at",
    )?
    .execute(params![user, now])?;
    Ok(())
}

/// One stored stretch of time off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeOffRow {
    pub id: i64,
    pub time_off: TimeOff,
}

fn time_off_from(id: i64, start: i64, end: i64, reason: &str) -> rusqlite::Result<TimeOff> {
    At::new("time_off", id).check(
        "ends_at",
        TimeOff::new(from_ms(start), from_ms(end), reason).map_err(|p| format!("{p:?}")),
    )
}

/// A user's time off ending after `since` (ms), earliest first.
pub fn time_off(
    conn: &Connection,
    actor: &Actor,
    user: UserId,
    since: i64,
) -> Result<Vec<TimeOffRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.starts_at, t.ends_at, t.reason FROM time_off t
         JOIN users u ON u.id = t.user_id
         WHERE t.user_id = ?1 AND u.org_id = ?2 AND t.ends_at > ?3
         ORDER BY t.starts_at, t.id",
    )?;
    let rows = stmt.query_map(params![user.0, actor.org_id.0, since], |r| {
        let id: i64 = r.get(0)?;
        let reason: String = r.get(3)?;
        Ok(TimeOffRow {
            id,
            time_off: time_off_from(id, r.get(1)?, r.get(2)?, &reason)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Adds time off for a user of the actor's organization; its id.
pub fn add_time_off(
    conn: &Connection,
    actor: &Actor,
    user: UserId,
    t: &TimeOff,
    now: i64,
) -> Result<Option<i64>, StoreError> {
    let n = conn
        .prepare_cached(
            "INSERT INTO time_off (user_id, starts_at, ends_at, reason, created_at)
             SELECT id, ?3, ?4, ?5, ?6 FROM users WHERE id = ?1 AND org_id = ?2",
        )?
        .execute(params![
            user.0,
            actor.org_id.0,
            t.start().as_millisecond(),
            t.end().as_millisecond(),
            t.reason(),
            now
        ])?;
    Ok((n == 1).then(|| conn.last_insert_rowid()))
}

/// Deletes one stretch of a user's time off; false when there is none such.
pub fn delete_time_off(
    conn: &Connection,
    actor: &Actor,
    user: UserId,
    id: i64,
) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached(
            "DELETE FROM time_off WHERE id = ?1 AND user_id = ?2
               AND user_id IN (SELECT id FROM users WHERE org_id = ?3)",
        )?
        .execute(params![id, user.0, actor.org_id.0])?;
    Ok(n == 1)
}

/// Every active agent and admin of the actor's organization as assignment sees
/// them at `now` (ms): settings, time off not yet over, open tickets (new, open,
/// in progress, from the `open_tickets` counts the triggers keep) and last
/// assignment. Lowest id first. Three queries whatever the number of people or
/// tickets.
pub fn staff_states(
    conn: &Connection,
    actor: &Actor,
    now: i64,
) -> Result<Vec<StaffState>, StoreError> {
    let org = actor.org_id.0;
    let mut open: HashMap<i64, u32> = HashMap::new();
    {
        // Kept by triggers on tickets (migration 004): one row per person.
        let mut stmt = conn.prepare_cached(
            "SELECT o.user_id, o.n FROM open_tickets o JOIN users u ON u.id = o.user_id
             WHERE u.org_id = ?1",
        )?;
        let rows = stmt.query_map([org], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (id, n) = row?;
            open.insert(id, u32::try_from(n.max(0)).unwrap_or(u32::MAX));
        }
    }
    let mut away: HashMap<i64, Vec<TimeOff>> = HashMap::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT t.id, t.user_id, t.starts_at, t.ends_at, t.reason FROM time_off t
             JOIN users u ON u.id = t.user_id WHERE u.org_id = ?1 AND t.ends_at > ?2",
        )?;
        let rows = stmt.query_map(params![org, now], |r| {
            let reason: String = r.get(4)?;
            let t = time_off_from(r.get(0)?, r.get(2)?, r.get(3)?, &reason)?;
            Ok((r.get::<_, i64>(1)?, t))
        })?;
        for row in rows {
            let (user, t) = row?;
            away.entry(user).or_default().push(t);
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT u.id, u.name, u.tier, s.hours, s.categories, s.cap, s.available,
                s.last_assigned_at
         FROM users u LEFT JOIN staff_schedules s ON s.user_id = u.id
         WHERE u.org_id = ?1 AND u.active = 1 AND u.role IN ('agent', 'admin')
         ORDER BY u.id",
    )?;
    let rows = stmt.query_map([org], |r| {
        let id: i64 = r.get(0)?;
        let at = At::new("users", id);
        let hours: Option<String> = r.get(3)?;
        let settings = match hours {
            Some(h) => settings_from(
                At::new("staff_schedules", id),
                &h,
                &r.get::<_, String>(4)?,
                r.get(5)?,
                r.get(6)?,
            )?,
            None => StaffSettings {
                available: true,
                ..StaffSettings::default()
            },
        };
        Ok(StaffState {
            id: UserId(id),
            name: r.get(1)?,
            active: true,
            tier: tier_col(r, 2, at)?.unwrap_or(Tier::FIRST),
            settings,
            time_off: Vec::new(),
            open_tickets: 0,
            last_assigned_at: r.get::<_, Option<i64>>(7)?.map(from_ms),
        })
    })?;
    let mut staff: Vec<StaffState> = rows.collect::<Result<_, _>>()?;
    for s in &mut staff {
        s.time_off = away.remove(&s.id.0).unwrap_or_default();
        s.open_tickets = open.get(&s.id.0).copied().unwrap_or(0);
    }
    Ok(staff)
}
