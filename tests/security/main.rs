//! Security tests that cut across areas: a small fuzz of every write route, and
//! hostile values in paths and query strings. One binary, real server, real
//! database, like the other areas.

#[path = "../support/mod.rs"]
mod support;

mod desk;
mod fuzz;
mod hostile_input;
mod hosts;
mod lookalike;
