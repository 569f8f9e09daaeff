//! Types and rules with no I/O: roles and permissions, ticket status moves,
//! validation. Unit-tested without a database or a socket.
//!
//! Raw JSON fields become these types through `TryFrom`/`parse` at the API edge,
//! so code past that point never sees an unchecked e-mail or a bare `i64` id.

pub mod access;
pub mod account;
pub mod answers;
pub mod category;
pub mod defaults;
pub mod ids;
pub mod org;
pub mod role;
pub mod status;
pub mod text;
pub mod ticket;
pub mod ticket_query;

pub use account::{Email, Name, Password, Phone};
pub use ids::{OrgId, UserId};
pub use org::{JoinCode, OrgName};
pub use role::{Role, Tier};
