//! The bell's rows and everyone's notification preferences.
//!
//! Rows are written as the system actor right after the change they tell of
//! commits (`api/notify.rs`), and read and marked read by their own person
//! only: every query here names the person and the organization, so a
//! notification id from someone else is simply not found.

use super::StoreError;
use crate::domain::notify::{Channels, Kind, TicketPeople};
use crate::domain::{Actor, OrgId, UserId};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// Most notifications one list answers; older ones stay until read.
pub const LIST_LIMIT: i64 = 100;

/// One line in the bell.
#[derive(Debug, Clone, Serialize)]
pub struct Notification {
    pub id: i64,
    pub kind: String,
    pub ticket_number: i64,
    pub ticket_title: String,
    pub text: String,
    pub created_at: i64,
    pub read: bool,
}

/// A new row for [`add`].
pub struct NewNotification<'a> {
    pub org: OrgId,
    pub user: UserId,
    pub ticket_id: i64,
    pub ticket_number: i64,
    pub kind: Kind,
    pub text: &'a str,
    pub now: i64,
}

/// Stores a notification and answers its id.
pub fn add(conn: &Connection, n: &NewNotification) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO notifications (org_id, user_id, ticket_id, ticket_number, kind, text, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        n.org.0,
        n.user.0,
        n.ticket_id,
        n.ticket_number,
        n.kind.as_str(),
        n.text,
        n.now
    ])?;
    Ok(conn.last_insert_rowid())
}

/// The actor's newest notifications, newest first.
pub fn list(conn: &Connection, actor: &Actor) -> Result<Vec<Notification>, StoreError> {
    let Some(me) = actor.user_id() else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(
        "SELECT n.id, n.kind, n.ticket_number, t.title, n.text, n.created_at, n.read_at IS NOT NULL
         FROM notifications n JOIN tickets t ON t.id = n.ticket_id
         WHERE n.user_id = ?1 AND n.org_id = ?2 ORDER BY n.id DESC LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![me.0, actor.org_id.0, LIST_LIMIT], |r| {
        Ok(Notification {
            id: r.get(0)?,
            kind: r.get(1)?,
            ticket_number: r.get(2)?,
            ticket_title: r.get(3)?,
            text: r.get(4)?,
            created_at: r.get(5)?,
            read: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many of the person's notifications are unread.
pub fn unread(conn: &Connection, org: OrgId, user: UserId) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM notifications WHERE user_id = ?1 AND org_id = ?2 AND read_at IS NULL",
        )?
        .query_row(params![user.0, org.0], |r| r.get(0))?)
}

/// Marks the actor's notifications `ids` read (all of them when `None`);
/// ids of others are ignored.
pub fn mark_read(
    conn: &Connection,
    actor: &Actor,
    ids: Option<&[i64]>,
    now: i64,
) -> Result<(), StoreError> {
    let Some(me) = actor.user_id() else {
        return Ok(());
    };
    match ids {
        None => {
            conn.execute(
                "UPDATE notifications SET read_at = ?3
                 WHERE user_id = ?1 AND org_id = ?2 AND read_at IS NULL",
                params![me.0, actor.org_id.0, now],
            )?;
        }
        Some(ids) => {
            let mut stmt = conn.prepare_cached(
                "UPDATE notifications SET read_at = ?4
                 WHERE id = ?3 AND user_id = ?1 AND org_id = ?2 AND read_at IS NULL",
            )?;
            for id in ids {
                stmt.execute(params![me.0, actor.org_id.0, id, now])?;
            }
        }
    }
    Ok(())
}

/// Forgets notifications read before `read_before`, and any created before
/// `created_before` (Unix ms): the bell lists the newest 100, and old lines
/// about old tickets are personal data nobody reads. Answers how many went.
pub fn prune(
    conn: &Connection,
    read_before: i64,
    created_before: i64,
) -> Result<usize, StoreError> {
    Ok(conn.execute(
        "DELETE FROM notifications
         WHERE created_at < ?2 OR (read_at IS NOT NULL AND read_at < ?1)",
        params![read_before, created_before],
    )?)
}

/// The person's channels for `kind`: their own choice, else the
/// organization's default, else [`Channels::DEFAULT`]. `user` `None` reads
/// the organization's default alone.
pub fn channels(
    conn: &Connection,
    org: OrgId,
    user: Option<UserId>,
    kind: Kind,
) -> Result<Channels, StoreError> {
    let found = conn
        .prepare_cached(
            "SELECT in_app, email FROM notification_settings
             WHERE org_id = ?1 AND kind = ?3 AND (user_id = ?2 OR user_id IS NULL)
             ORDER BY user_id IS NULL LIMIT 1",
        )?
        .query_row(params![org.0, user.map(|u| u.0), kind.as_str()], |r| {
            Ok(Channels {
                in_app: r.get(0)?,
                email: r.get(1)?,
            })
        })
        .optional()?;
    Ok(found.unwrap_or(Channels::DEFAULT))
}

/// Sets the person's (or, with `None`, the organization's default) channels
/// for `kind`.
pub fn set_channels(
    conn: &Connection,
    org: OrgId,
    user: Option<UserId>,
    kind: Kind,
    c: Channels,
) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM notification_settings WHERE org_id = ?1 AND user_id IS ?2 AND kind = ?3",
        params![org.0, user.map(|u| u.0), kind.as_str()],
    )?;
    conn.execute(
        "INSERT INTO notification_settings (org_id, user_id, kind, in_app, email)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![org.0, user.map(|u| u.0), kind.as_str(), c.in_app, c.email],
    )?;
    Ok(())
}

/// A person a notification may go to.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: UserId,
    pub name: String,
    pub email: String,
}

/// The active person `user` of `org`, if any.
pub fn person(conn: &Connection, org: OrgId, user: UserId) -> Result<Option<Person>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT id, name, email FROM users WHERE id = ?1 AND org_id = ?2 AND active = 1",
        )?
        .query_row(params![user.0, org.0], |r| {
            Ok(Person {
                id: UserId(r.get(0)?),
                name: r.get(1)?,
                email: r.get(2)?,
            })
        })
        .optional()?)
}

/// A ticket as notifications need it.
#[derive(Debug, Clone)]
pub struct TicketFacts {
    pub id: i64,
    pub number: i64,
    pub title: String,
    pub status: String,
    pub people: TicketPeople,
}

/// The ticket `ticket_id` of `org` and the people around it now (active
/// people only: a deactivated person hears nothing).
pub fn ticket_facts(
    conn: &Connection,
    org: OrgId,
    ticket_id: i64,
) -> Result<Option<TicketFacts>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT number, title, status, requester_id, assignee_id FROM tickets
             WHERE id = ?1 AND org_id = ?2",
        )?
        .query_row(params![ticket_id, org.0], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<i64>>(4)?,
            ))
        })
        .optional()?;
    let Some((number, title, status, requester, assignee)) = row else {
        return Ok(None);
    };
    let mut people = TicketPeople {
        requester: Some(UserId(requester)),
        assignee: assignee.map(UserId),
        ..TicketPeople::default()
    };
    let mut stmt = conn.prepare_cached(
        "SELECT u.id, u.role != 'requester' FROM watchers w JOIN users u ON u.id = w.user_id
         WHERE w.ticket_id = ?1 AND u.active = 1",
    )?;
    people.watchers = stmt
        .query_map([ticket_id], |r| Ok((UserId(r.get(0)?), r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, role FROM users WHERE org_id = ?1 AND active = 1 AND role != 'requester'
         AND (role = 'admin' OR id IN (?2, ?3))",
    )?;
    let staff: Vec<(i64, String)> = stmt
        .query_map(params![org.0, requester, assignee], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<Result<_, _>>()?;
    people.staff = staff.iter().map(|(id, _)| UserId(*id)).collect();
    people.admins = staff
        .iter()
        .filter(|(_, role)| role == "admin")
        .map(|(id, _)| UserId(*id))
        .collect();
    Ok(Some(TicketFacts {
        id: ticket_id,
        number,
        title,
        status,
        people,
    }))
}

/// The id of ticket `number` of `org`.
pub fn ticket_id(conn: &Connection, org: OrgId, number: i64) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT id FROM tickets WHERE org_id = ?1 AND number = ?2")?
        .query_row(params![org.0, number], |r| r.get(0))
        .optional()?)
}

/// The number of ticket `ticket_id` of `org`.
pub fn ticket_number(
    conn: &Connection,
    org: OrgId,
    ticket_id: i64,
) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT number FROM tickets WHERE id = ?1 AND org_id = ?2")?
        .query_row(params![ticket_id, org.0], |r| r.get(0))
        .optional()?)
}
