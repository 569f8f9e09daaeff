//! Integration tests for the ticket API: one binary, real server, real database.

#[path = "../support/mod.rs"]
mod support;

mod helpers;

mod categories;
mod conversation;
mod internal_notes;
mod isolation;
mod list;
mod openapi;
mod seed_demo;
mod starting_work;

mod tickets;
mod workflow;
