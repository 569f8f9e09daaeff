//! Integration tests for day-one administration (issue 19): API tokens and the
//! rest, over real TCP against a fresh database.

#[path = "../support/mod.rs"]
mod support;

#[path = "../tickets/helpers.rs"]
#[allow(dead_code)]
mod helpers;

mod audit;
mod bulk;
mod canned;
mod deletion;
mod install;
mod merge;
mod onboarding;
mod polish;
mod satisfaction;
mod time_spent;
mod tokens;

#[path = "../live/stream.rs"]
#[allow(dead_code)]
mod stream;

mod live;
