//! Types and rules with no I/O: who acts ([`Actor`], a person or the help desk
//! itself), roles and permissions, ticket status moves and who may make them,
//! assignment eligibility, reply rules, validation, and time: working hours and
//! availability, automatic assignment, business-time arithmetic and SLA clocks.
//! Unit-tested without a database, a socket or a clock ("now" is an argument).
//!
//! Raw JSON fields become these types through `TryFrom`/`parse` at the API edge,
//! so code past that point never sees an unchecked e-mail or a bare `i64` id.
//!
//! Time, bottom up: [`zone`] (the organization's IANA zone), [`schedule`] (weekly
//! hours), [`shifts`] (those hours on real days), [`time_off`], [`availability`],
//! [`assignment`]; and [`business_time`], [`sla_targets`], [`sla`], [`ticket_sla`].

pub mod access;
pub mod account;
pub mod actor;
pub mod answers;
pub mod appointments;
pub mod article;
pub mod assignment;
pub mod attachment;
pub mod audit;
pub mod availability;
pub mod business_time;
pub mod business_timeline;
pub mod calendar;
pub mod canned;
pub mod category;
pub mod defaults;
pub mod deletion;
pub mod ical;
pub mod ids;
pub mod merge;
pub mod org;
pub mod report;
pub mod report_figures;
pub mod role;
pub mod satisfaction;
pub mod schedule;
pub mod search_query;
pub mod shifts;
pub mod sla;
pub mod sla_targets;
pub mod status;
pub mod text;
pub mod ticket;
pub mod ticket_query;
pub mod ticket_rules;
pub mod ticket_sla;
pub mod time_off;
pub mod time_spent;
pub mod zone;

pub use account::{Email, Name, Password, Phone};
pub use actor::{Actor, Who};
pub use ids::{OrgId, UserId};
pub use org::{JoinCode, OrgName};
pub use role::{Role, Tier};
