//! SQLite storage: opening the database, pragmas, migrations, and one file per
//! aggregate holding all of its SQL. Only this module writes SQL.
//!
//! Every function that touches an organization's data takes the acting user
//! ([`crate::auth::Actor`]) and filters by its organization, so no query can
//! forget which organization it serves. The few that run before anyone is signed
//! in (sign-in, registration, setup) say so in their docs.

pub mod backup;
pub mod categories;
pub mod comments;
pub mod db;
pub mod demo;
pub mod error;
pub mod history;
pub mod migrate;
pub mod orgs;
pub mod search;
pub mod sessions;
pub mod tasks;
pub mod ticket_changes;
pub mod ticket_list;
pub mod tickets;
pub mod users;
pub mod watchers;

pub use db::{now_ms, Db};
pub use error::StoreError;
