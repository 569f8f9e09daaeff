//! `helpdesk seed-demo`: creates (or resets) the organization "Demo IT" with an
//! admin, six agents over tiers 1-3, forty requesters and N tickets spread over the
//! last 120 days (or `--days D`), in every status, category and priority, with conversations,
//! internal notes, tasks, escalations, watchers and history.
//!
//! Deterministic: one seeded `StdRng`, and times counted back from the `now` the
//! caller passes. Fast: one transaction, cached prepared statements, and the
//! password hashed once by the caller (every demo account shares it).
//!
//! [`seed`] is the generator; `people` creates the accounts, `ticket` writes one
//! ticket with its conversation, tasks and history, and `text` holds the words.

mod people;
mod seed;
mod text;
mod ticket;

pub use seed::{seed, seed_over, Summary, DEFAULT_DAYS};

pub const ORG_NAME: &str = "Demo IT";
pub const PASSWORD: &str = "demo-password-2024";
pub const AGENTS: usize = 6;
pub const REQUESTERS: usize = 40;
const DAY: i64 = 24 * 3600 * 1000;
const MIN: i64 = 60 * 1000;
