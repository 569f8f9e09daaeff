//! SQLite storage: opening the database, pragmas, migrations, and one file per
//! aggregate holding all of its SQL. Only this module writes SQL.
//!
//! Every function that touches an organization's data takes the acting user
//! ([`crate::domain::Actor`], a person or the system actor) and filters by its
//! organization, so no query can forget which organization it serves. The few
//! that run before anyone is signed in (sign-in, registration, setup) say so in
//! their docs.
//!
//! Reads return typed rows (`#[derive(Serialize)]` structs); the API composes the
//! response shape around them. A row that does not parse (a status the code does
//! not know, a priority out of range) is an error naming its table and row
//! ([`StoreError::Corrupt`]), never a silently changed value. This module knows
//! `domain/` and nothing above it: not `auth/`, not `api/`.

pub mod api_tokens;
pub mod appointments;
pub mod articles;
pub mod assignment;
pub mod attachments;
pub mod audit;
pub mod backup;
pub mod blobs;
pub mod canned;
pub mod categories;
pub mod comments;
pub mod db;
pub mod demo;
pub mod error;
pub mod history;
pub mod merge;
pub mod migrate;
pub mod orgs;
pub mod password_links;
pub mod reports;
pub mod row;
pub mod satisfaction;
pub mod schedules;
pub mod search;
pub mod sessions;
pub mod site_search;
pub mod sla_clocks;
pub mod sla_marks;
pub mod sla_settings;
pub mod tasks;
pub mod ticket_changes;
pub mod ticket_delete;
pub mod ticket_list;
pub mod tickets;
pub mod time_entries;
pub mod users;
pub mod watchers;

pub use db::{now_ms, Db};
pub use error::StoreError;

/// The acting person's id as an SQL value: NULL for the system actor, which
/// matches no requester, assignee or author.
pub(crate) fn person(actor: &crate::domain::Actor) -> Option<i64> {
    actor.user_id().map(|u| u.0)
}
