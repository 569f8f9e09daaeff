//! Types and rules with no I/O: roles and permissions, ticket status moves,
//! validation. Unit-tested without a database or a socket.

pub mod category;
pub mod defaults;
pub mod ids;
pub mod role;
pub mod status;
pub mod ticket;
pub mod ticket_query;
pub use ids::{OrgId, UserId};
pub use role::{Role, Tier};
