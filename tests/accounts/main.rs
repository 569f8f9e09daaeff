//! Integration tests for accounts and organizations: every endpoint of issue 3
//! over real TCP against a server on port 0 with a fresh database.

#[path = "../support/mod.rs"]
mod support;

mod concurrency;
mod csrf;
mod flood;
mod helpers;
mod openapi;
mod people;
mod picker;
mod sessions;
mod setup;
mod sign_in;
mod storage;
mod tenants;
