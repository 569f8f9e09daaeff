//! SQLite storage: opening the database, pragmas, migrations, and one file per
//! aggregate holding all of its SQL. Only this module writes SQL.
pub mod categories;
pub mod comments;
pub mod history;
pub mod search;
pub mod tasks;
pub mod ticket_changes;
pub mod ticket_list;
pub mod tickets;
pub mod watchers;
