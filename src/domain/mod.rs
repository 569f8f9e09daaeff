//! Types and rules with no I/O: who acts ([`Actor`], a person or the help desk
//! itself), roles and permissions, ticket status moves and who may make them,
//! assignment eligibility, reply rules, validation. Unit-tested without a database or a socket.
//!
//! Raw JSON fields become these types through `TryFrom`/`parse` at the API edge,
//! so code past that point never sees an unchecked e-mail or a bare `i64` id.

pub mod access;
pub mod account;
pub mod actor;
pub mod answers;
pub mod article;
pub mod category;
pub mod defaults;
pub mod ids;
pub mod org;
pub mod role;
pub mod search_query;
pub mod status;
pub mod ticket;
pub mod ticket_query;
pub mod ticket_rules;

pub use account::{Email, Name, Password, Phone};
pub use actor::{Actor, Who};
pub use ids::{OrgId, UserId};
pub use org::{JoinCode, OrgName};
pub use role::{Role, Tier};
