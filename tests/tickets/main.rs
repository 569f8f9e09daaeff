//! Integration tests for the ticket API: one binary, real server, real database.

#[path = "../support/mod.rs"]
mod support;

mod helpers;

mod assignment;
mod attachments;
mod calendar;
mod categories;
mod conversation;
mod corrupt_rows;
mod internal_notes;
mod isolation;
mod knowledge_base;
mod list;
mod openapi;
mod schedules;
mod seed_demo;
mod sla;
mod starting_work;
mod system_actor;

mod tickets;
mod workflow;
