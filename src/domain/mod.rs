//! Types and rules with no I/O: roles and permissions, ticket status moves,
//! validation. Unit-tested without a database or a socket.

pub mod category;
pub mod defaults;
pub mod status;
pub mod ticket;
